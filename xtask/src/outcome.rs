//! What `cargo xtask compat` and its check modules share: the tally of checks and running a
//! client process.

use std::path::Path;
use std::process::Command;

/// The mysql command-line client installed (`mysql`, or MariaDB's `mariadb`), if any.
pub(crate) fn mysql_cli() -> Option<&'static str> {
    ["mysql", "mariadb"]
        .into_iter()
        .find(|c| crate::server::which(c).is_some())
}

/// Checks passed, failed and skipped so far.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) skipped: usize,
}

impl Outcome {
    pub(crate) fn record(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println!("ok   - {name}");
            }
            Err(e) if e.starts_with("skip:") => {
                self.skipped += 1;
                println!("skip - {name}: {}", &e[5..]);
            }
            Err(e) => {
                self.failed += 1;
                println!("FAIL - {name}: {e}");
            }
        }
    }
}

/// Runs `program args` with a 60 s limit; returns (success, stdout, stderr).
pub(crate) fn run_client(program: &str, args: &[String]) -> Result<(bool, String, String), String> {
    run_client_with_input(program, args, None)
}

/// [`run_client`] with the SQL read from a file on standard input (for statements too large
/// for a command line).
pub(crate) fn run_client_with_input(
    program: &str,
    args: &[String],
    input: Option<&Path>,
) -> Result<(bool, String, String), String> {
    let mut cmd = Command::new("timeout");
    cmd.arg("60").arg(program).args(args);
    if let Some(path) = input {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        cmd.stdin(std::process::Stdio::from(file));
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

pub(crate) fn expect_ok(r: (bool, String, String), needle: &str) -> Result<(), String> {
    let (ok, out, err) = r;
    if !ok {
        return Err(format!("client failed: {}{}", out.trim(), err.trim()));
    }
    if !out.contains(needle) {
        return Err(format!("output lacks '{needle}': {}", out.trim()));
    }
    Ok(())
}

pub(crate) fn expect_err(r: (bool, String, String), needle: &str) -> Result<(), String> {
    let (ok, out, err) = r;
    if ok {
        return Err(format!(
            "client succeeded but should have failed: {}",
            out.trim()
        ));
    }
    if !err.contains(needle) && !out.contains(needle) {
        return Err(format!("error lacks '{needle}': {}", err.trim()));
    }
    Ok(())
}

/// Maps a helper script's exit: 0 ok, 77 skipped (it prints why), anything else a failure with its output.
pub(crate) fn script_result(
    out: std::io::Result<std::process::Output>,
    hint: &str,
) -> Result<(), String> {
    match out {
        Ok(out) if out.status.code() == Some(77) => Err(format!(
            "skip:{}{hint}",
            String::from_utf8_lossy(&out.stdout).trim()
        )),
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(e.to_string()),
    }
}
