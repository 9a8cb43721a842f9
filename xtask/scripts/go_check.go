// Go's database/sql with go-sql-driver/mysql (Debian's golang-github-go-sql-driver-mysql-dev,
// v1.5) against myseal over verified TLS. interpolateParams=false (the default) makes every
// query with arguments a server-side prepared statement (COM_STMT_PREPARE/EXECUTE, binary
// rows); a query without arguments uses the text protocol, so both are read back here.
// Exit 0 = ok, 1 = a check failed.
//
// usage: go_check PORT CA_PEM ROOT_PASSWORD OTHER_CA_PEM
//
// `cargo xtask compat` copies this file into a scratch module whose go.mod replaces the
// driver with the Debian source directory, and builds it offline (GOPROXY=off).
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

func fail(format string, args ...interface{}) {
	fmt.Printf("FAILED: "+format+"\n", args...)
	os.Exit(1)
}

func must(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

// registerTLS registers a tls.Config that trusts only caFile and checks the server
// certificate's name against serverName (go-sql-driver v1.5: RegisterTLSConfig(key, *tls.Config)).
func registerTLS(key, caFile, serverName string) {
	pem, err := os.ReadFile(caFile)
	must(err, "read CA")
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fail("no certificate in %s", caFile)
	}
	must(mysql.RegisterTLSConfig(key, &tls.Config{RootCAs: pool, ServerName: serverName}), "RegisterTLSConfig")
}

func dsn(password, port, tlsKey string) string {
	return fmt.Sprintf("root:%s@tcp(127.0.0.1:%s)/?tls=%s&parseTime=true&interpolateParams=false", password, port, tlsKey)
}

// errNumber is the MySQL error number of err (0 if it is not a server error).
func errNumber(err error) uint16 {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

const (
	wantDecimal = "12345678.91"
	wantUint    = uint64(18446744073709551615)
	wantTime    = "-123:45:06"
	wantText    = "emoji 😀 ünïcödé"
)

var (
	wantDatetime = time.Date(2026, 12, 1, 10, 11, 12, 123456000, time.UTC)
	wantBlob     = []byte{0, 1, 2, 0xff, '\'', '\\'}
)

func checkRow(how string, row *sql.Row) {
	var (
		d  string
		u  uint64
		ts time.Time
		tm string
		s  string
		b  []byte
	)
	must(row.Scan(&d, &u, &ts, &tm, &s, &b), how+": scan")
	if d != wantDecimal {
		fail("%s: DECIMAL(10,2) %q, want %q", how, d, wantDecimal)
	}
	if u != wantUint {
		fail("%s: BIGINT UNSIGNED %d, want %d", how, u, wantUint)
	}
	if !ts.Equal(wantDatetime) {
		fail("%s: DATETIME(6) %v, want %v", how, ts, wantDatetime)
	}
	if tm != wantTime {
		fail("%s: TIME %q, want %q", how, tm, wantTime)
	}
	if s != wantText {
		fail("%s: VARCHAR utf8mb4 %q, want %q", how, s, wantText)
	}
	if !bytes.Equal(b, wantBlob) {
		fail("%s: BLOB %v, want %v", how, b, wantBlob)
	}
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: go_check PORT CA_PEM ROOT_PASSWORD OTHER_CA_PEM")
	}
	port, ca, password, otherCA := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	registerTLS("myseal", ca, "127.0.0.1")
	registerTLS("other-ca", otherCA, "127.0.0.1")
	registerTLS("wrong-name", ca, "not-myseal.example")

	// The client refuses a server whose certificate it cannot verify: another CA, or a
	// certificate that does not name the host.
	for _, key := range []string{"other-ca", "wrong-name"} {
		db, err := sql.Open("mysql", dsn(password, port, key))
		must(err, "open "+key)
		err = db.Ping()
		db.Close()
		if err == nil {
			fail("TLS config %s: connected, but the server certificate must not verify", key)
		}
		if !strings.Contains(err.Error(), "x509") {
			fail("TLS config %s: want an x509 error, got %v", key, err)
		}
	}

	db, err := sql.Open("mysql", dsn(password, port, "myseal"))
	must(err, "open")
	defer db.Close()
	var name, version string
	must(db.QueryRow("SHOW SESSION STATUS LIKE 'Ssl_version'").Scan(&name, &version), "Ssl_version")
	if !strings.HasPrefix(version, "TLSv1.") {
		fail("Ssl_version %q", version)
	}

	for _, q := range []string{
		"DROP DATABASE IF EXISTS go_check",
		"CREATE DATABASE go_check",
		"CREATE TABLE go_check.t (id INT PRIMARY KEY, d DECIMAL(10,2), u BIGINT UNSIGNED, " +
			"ts DATETIME(6), tm TIME, s VARCHAR(40) CHARACTER SET utf8mb4, b BLOB)",
	} {
		_, err := db.Exec(q)
		must(err, q)
	}

	ins, err := db.Prepare("INSERT INTO go_check.t VALUES (?, ?, ?, ?, ?, ?, ?)")
	must(err, "prepare INSERT")
	defer ins.Close()
	res, err := ins.Exec(1, wantDecimal, wantUint, wantDatetime, wantTime, wantText, wantBlob)
	must(err, "prepared INSERT")
	if n, _ := res.RowsAffected(); n != 1 {
		fail("prepared INSERT affected %d rows", n)
	}

	// Binary protocol (prepared, an argument) and text protocol (no argument).
	cols := "SELECT d, u, ts, tm, s, b FROM go_check.t WHERE id = "
	checkRow("prepared SELECT", db.QueryRow(cols+"?", 1))
	checkRow("text SELECT", db.QueryRow(cols+"1"))

	// A transaction rolled back leaves nothing.
	tx, err := db.Begin()
	must(err, "BEGIN")
	_, err = tx.Exec("INSERT INTO go_check.t (id, s) VALUES (?, ?)", 2, "rolled back")
	must(err, "INSERT in transaction")
	var inTx int
	must(tx.QueryRow("SELECT COUNT(*) FROM go_check.t").Scan(&inTx), "COUNT in transaction")
	if inTx != 2 {
		fail("inside the transaction COUNT(*) = %d, want 2", inTx)
	}
	must(tx.Rollback(), "ROLLBACK")
	var count int
	must(db.QueryRow("SELECT COUNT(*) FROM go_check.t").Scan(&count), "COUNT")
	if count != 1 {
		fail("after ROLLBACK COUNT(*) = %d, want 1", count)
	}

	// Errors carry MySQL's numbers.
	_, err = ins.Exec(1, "0", 0, wantDatetime, "00:00:00", "dup", []byte{})
	if errNumber(err) != 1062 {
		fail("duplicate key: want error 1062, got %v", err)
	}
	var x int
	err = db.QueryRow("SELECT COUNT(*) FROM go_check.nope WHERE 1 = ?", 1).Scan(&x)
	if errNumber(err) != 1146 {
		fail("unknown table (prepared): want error 1146, got %v", err)
	}
	err = db.QueryRow("SELECT COUNT(*) FROM go_check.nope").Scan(&x)
	if errNumber(err) != 1146 {
		fail("unknown table (text): want error 1146, got %v", err)
	}

	_, err = db.Exec("DROP DATABASE go_check")
	must(err, "DROP DATABASE")

	// A wrong password is 1045.
	bad, err := sql.Open("mysql", dsn("wrong-password", port, "myseal"))
	must(err, "open")
	err = bad.Ping()
	bad.Close()
	if errNumber(err) != 1045 {
		fail("wrong password: want error 1045, got %v", err)
	}
	fmt.Printf("go-sql-driver/mysql: ok (%s)\n", version)
}
