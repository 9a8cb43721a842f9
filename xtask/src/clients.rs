//! More real clients for `cargo xtask compat` (Go, mysqlclient, SQLAlchemy, libmariadb's
//! server-side cursors), and the README's pytest example run as a user would run it.
//!
//! Each one connects as root over verified TLS (our CA, host 127.0.0.1), works in a schema of
//! its own, writes DECIMAL(10,2), BIGINT UNSIGNED, DATETIME(6), TIME, a utf8mb4 VARCHAR with an
//! emoji and a BLOB with parameters, reads every value back exactly, rolls a transaction back,
//! checks errors 1062 and 1146 by number, and refuses a server certificate from another CA.
//! `.ci/run` installs them: `apt-get install golang-go golang-github-go-sql-driver-mysql-dev
//! python3-mysqldb` and `pip install SQLAlchemy alembic`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::outcome::{script_result, Outcome};
use crate::server::{self, Myseal, ROOT_PASSWORD};

/// Where Debian's golang-github-go-sql-driver-mysql-dev puts the driver's source.
const GO_DRIVER: &str = "/usr/share/gocode/src/github.com/go-sql-driver/mysql";

/// Runs the checks of the clients this module drives.
pub(crate) fn checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    go_check(srv, certs, o);
    mysqlclient_check(srv, certs, o);
    sqlalchemy_check(srv, certs, o);
    libmariadb_cursor_check(srv, certs, o);
}

fn scripts() -> PathBuf {
    crate::root().join("xtask").join("scripts")
}

/// The arguments every script here takes: PORT CA_PEM ROOT_PASSWORD OTHER_CA_PEM.
fn script_args(srv: &Myseal, certs: &Path) -> Vec<String> {
    vec![
        srv.port.to_string(),
        certs.join("ca.pem").display().to_string(),
        ROOT_PASSWORD.to_string(),
        certs.join("other").join("ca.pem").display().to_string(),
    ]
}

/// Go's database/sql with go-sql-driver/mysql v1.5 as Debian packages it, built offline in a
/// scratch module whose go.mod points the driver at the packaged source.
fn go_check(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "Go database/sql + go-sql-driver/mysql (server-side prepared): verified TLS \
                (other CA and wrong host name refused), types, rollback, 1062/1146/1045";
    if server::which("go").is_none() || !Path::new(GO_DRIVER).join("go.mod").exists() {
        o.record(
            name,
            Err(format!(
                "skip:no go or {GO_DRIVER} (apt-get install golang-go golang-github-go-sql-driver-mysql-dev)"
            )),
        );
        return;
    }
    o.record(name, build_go().and_then(|bin| run_go(&bin, srv, certs)));
}

fn build_go() -> Result<PathBuf, String> {
    let dir = server::scratch("compat-go");
    let cache = crate::root().join("target").join("xtask").join("go-cache");
    let gopath = crate::root().join("target").join("xtask").join("gopath");
    let go_mod = format!(
        "module myseal.invalid/gocheck\n\ngo 1.13\n\n\
         require github.com/go-sql-driver/mysql v1.5.0\n\n\
         replace github.com/go-sql-driver/mysql => {GO_DRIVER}\n"
    );
    std::fs::write(dir.join("go.mod"), go_mod).map_err(|e| format!("write go.mod: {e}"))?;
    std::fs::copy(scripts().join("go_check.go"), dir.join("main.go"))
        .map_err(|e| format!("copy go_check.go: {e}"))?;
    // Offline: the only dependency is the replaced local directory, so no proxy, no checksum
    // database and no toolchain download are needed.
    let out = Command::new("timeout")
        .arg("180")
        .args(["go", "build", "-o", "go_check", "."])
        .current_dir(&dir)
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOSUMDB", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GO111MODULE", "on")
        .env("GOCACHE", &cache)
        .env("GOPATH", &gopath)
        .output()
        .map_err(|e| format!("cannot run go build: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "go build failed: {}{}",
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(dir.join("go_check"))
}

fn run_go(bin: &Path, srv: &Myseal, certs: &Path) -> Result<(), String> {
    script_result(
        Command::new("timeout")
            .arg("60")
            .arg(bin)
            .args(script_args(srv, certs))
            .output(),
        "",
    )
}

/// mysqlclient (MySQLdb) from Debian's python3-mysqldb, which is built for the system Python
/// (/usr/bin/python3), not for a pyenv one that may come first on PATH.
fn mysqlclient_check(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "mysqlclient (MySQLdb on libmariadb): verified TLS (other CA and wrong host name \
                refused), types, rollback, 1062/1146/1045";
    let system = Path::new("/usr/bin/python3");
    let python = if system.is_file() {
        Some(system.to_path_buf())
    } else {
        server::which("python3")
    };
    python_script_check(python, "python_mysqlclient.py", 60, name, srv, certs, o);
}

/// Server-side cursors (COM_STMT_FETCH) as MariaDB Connector/C drives them: libmariadb.so.3
/// (Debian's libmariadb3, which python3-mysqldb already pulls in) through ctypes, since no
/// Python driver here asks for a cursor.
fn libmariadb_cursor_check(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "MariaDB Connector/C (libmariadb) server-side cursors: CURSOR_TYPE_READ_ONLY with \
                prefetch, rows exact, a query between fetches, two cursors in turns, reset";
    python_script_check(
        any_python3(),
        "python_libmariadb_cursor.py",
        60,
        name,
        srv,
        certs,
        o,
    );
}

/// SQLAlchemy 2 on PyMySQL with an Alembic migration, in the Python that pip installs into.
fn sqlalchemy_check(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "SQLAlchemy (PyMySQL) + Alembic: verified TLS, upgrade/downgrade/upgrade, \
                reflection matches the model, ORM types, filters, rollback, 1062/1146/1045";
    python_script_check(
        any_python3(),
        "python_sqlalchemy.py",
        120,
        name,
        srv,
        certs,
        o,
    );
}

/// The pytest example of the README (`examples/pytest`): its fixture starts the binary with
/// `--port 0`, reads the ready line and connects over verified TLS; every test gets a database
/// of its own. `.ci/run` installs pytest.
pub(crate) fn pytest_example(bin: &Path, o: &mut Outcome) {
    let name = "pytest example (examples/pytest): the binary on --port 0, ready line, PyMySQL \
                over verified TLS, a database cloned per test";
    let Some(python) = any_python3() else {
        o.record(name, Err("skip:no python3".into()));
        return;
    };
    let has_pytest = Command::new(&python)
        .args(["-c", "import pytest, pymysql"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_pytest {
        o.record(
            name,
            Err("skip:no pytest or PyMySQL (pip install pytest PyMySQL)".into()),
        );
        return;
    }
    let result = script_result(
        Command::new("timeout")
            .arg("180")
            .arg(python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .arg(crate::root().join("examples").join("pytest"))
            .env("MYSEAL_BIN", bin)
            .output(),
        "",
    );
    o.record(name, result);
}

/// The first `python3` or `python` on PATH.
fn any_python3() -> Option<PathBuf> {
    ["python3", "python"].into_iter().find_map(server::which)
}

/// Runs `scripts()/script` with `python` against the server (at most `secs` seconds) and records
/// it as `name`; a skip without a Python.
fn python_script_check(
    python: Option<PathBuf>,
    script: &str,
    secs: u32,
    name: &str,
    srv: &Myseal,
    certs: &Path,
    o: &mut Outcome,
) {
    let Some(python) = python else {
        o.record(name, Err("skip:no python3".into()));
        return;
    };
    let result = script_result(
        Command::new("timeout")
            .arg(secs.to_string())
            .arg(python)
            .arg(scripts().join(script))
            .args(script_args(srv, certs))
            .output(),
        "",
    );
    o.record(name, result);
}
