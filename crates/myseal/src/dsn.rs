//! `--print-dsn`: ready-to-paste connection settings for common clients, all verifying the
//! server certificate against the CA (`ssl_ca`) and its name. The password is left as
//! `PASSWORD`: myseal never prints or logs one.

use std::net::SocketAddr;
use std::path::Path;

/// The connection strings for a server listening on `addr` whose CA is `ca`.
pub(crate) fn render(addr: SocketAddr, ca: &Path) -> String {
    // A wildcard listen address is reached on loopback (a name the certificate holds).
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv6() => "::1".parse().unwrap_or(ip),
        ip if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        ip => ip,
    };
    let host = ip.to_string();
    let url_host = if ip.is_ipv6() {
        format!("[{host}]")
    } else {
        host.clone()
    };
    let port = addr.port();
    let ca = ca.display();
    format!(
        "\
Connection settings (replace PASSWORD; every one verifies the certificate and the host name):
  mysql CLI (Oracle) : mysql --ssl-mode=VERIFY_IDENTITY --ssl-ca={ca} -h {host} -P {port} -u root -p
  mariadb CLI        : mariadb --ssl-verify-server-cert --ssl-ca={ca} -h {host} -P {port} -u root -p
  sqlx (Rust)        : mysql://root:PASSWORD@{url_host}:{port}/?ssl-mode=verify_identity&ssl-ca={ca}
  mysql_async (Rust) : OptsBuilder::default().ip_or_hostname(\"{host}\").tcp_port({port}).user(Some(\"root\")).pass(Some(\"PASSWORD\"))
                       .ssl_opts(SslOpts::default().with_root_certs(vec![PathBuf::from(\"{ca}\").into()]))
  PyMySQL            : pymysql.connect(host=\"{host}\", port={port}, user=\"root\", password=\"PASSWORD\", ssl_ca=\"{ca}\", ssl_verify_cert=True, ssl_verify_identity=True)
  mysql-connector    : mysql.connector.connect(host=\"{host}\", port={port}, user=\"root\", password=\"PASSWORD\", ssl_ca=\"{ca}\", ssl_verify_cert=True, ssl_verify_identity=True)
  SQLAlchemy         : mysql+pymysql://root:PASSWORD@{url_host}:{port}/?ssl_ca={ca}  (PyMySQL verifies certificate and name once a CA is given)
  node mysql2        : mysql.createConnection({{ host: '{host}', port: {port}, user: 'root', password: 'PASSWORD', ssl: {{ ca: fs.readFileSync('{ca}') }} }})
  JDBC (MariaDB C/J) : jdbc:mariadb://{url_host}:{port}/?user=root&password=PASSWORD&sslMode=verify-full&serverSslCert={ca}
                       (Connector/J 2.x: ...&useSsl=true&serverSslCert={ca})
  Go (go-sql-driver) : root:PASSWORD@tcp({url_host}:{port})/?tls=myseal  after mysql.RegisterTLSConfig(\"myseal\", &tls.Config{{RootCAs: pool /* {ca} */, ServerName: \"{host}\"}})
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_become_loopback_and_ipv6_is_bracketed_in_urls() {
        let ca = Path::new("certs/ca.pem");
        let v4 = render(
            "0.0.0.0:3306".parse().unwrap_or_else(|_| unreachable!()),
            ca,
        );
        assert!(v4.contains("-h 127.0.0.1 -P 3306"));
        assert!(v4.contains(
            "mysql://root:PASSWORD@127.0.0.1:3306/?ssl-mode=verify_identity&ssl-ca=certs/ca.pem"
        ));
        let v6 = render("[::]:4000".parse().unwrap_or_else(|_| unreachable!()), ca);
        assert!(v6.contains("-h ::1 -P 4000"));
        assert!(v6.contains("@[::1]:4000/"));
        assert!(!v6.contains("PASSWORD@::1"));
    }
}
