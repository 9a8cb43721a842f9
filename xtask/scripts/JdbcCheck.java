// JDBC (MariaDB Connector/J, as Debian packages it: libmariadb-java) against myseal over
// verified TLS with server-side prepared statements. Exit 0 = ok, 1 = a check failed.
//
// usage: java -cp mariadb-java-client.jar JdbcCheck.java PORT CA_PEM ROOT_PASSWORD
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.*;
import java.util.Arrays;

public class JdbcCheck {
    static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(1);
        }
    }

    static int errorCode(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException) {
                return ((SQLException) e.getCause()).getErrorCode();
            }
            throw e;
        }
        return 0;
    }

    interface Sql { void run() throws SQLException; }

    static Runnable wrap(Sql s) {
        return () -> {
            try {
                s.run();
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + args[0] + "/?user=root&password=" + args[2]
            + "&useSsl=true&serverSslCert=" + args[1] + "&useServerPrepStmts=true";
        try (Connection c = DriverManager.getConnection(url)) {
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'");
            check(rs.next() && rs.getString(2).startsWith("TLSv1."), "Ssl_version");
            st.execute("DROP DATABASE IF EXISTS jdbc_check");
            st.execute("CREATE DATABASE jdbc_check");
            st.execute("CREATE TABLE jdbc_check.t (id INT PRIMARY KEY, d DECIMAL(10,2), "
                + "u BIGINT UNSIGNED, ts DATETIME(6), tm TIME, s VARCHAR(20), b BLOB)");
            PreparedStatement ins = c.prepareStatement(
                "INSERT INTO jdbc_check.t VALUES (?, ?, ?, ?, ?, ?, ?)");
            byte[] blob = new byte[] {0, 1, 2, (byte) 255};
            ins.setInt(1, 1);
            ins.setBigDecimal(2, new BigDecimal("12345678.91"));
            ins.setObject(3, new BigInteger("18446744073709551615"));
            ins.setTimestamp(4, Timestamp.valueOf("2026-12-01 10:11:12.123456"));
            ins.setTime(5, Time.valueOf("23:59:58"));
            ins.setString(6, "emoji \uD83D\uDE00");
            ins.setBytes(7, blob);
            check(ins.executeUpdate() == 1, "prepared INSERT");
            PreparedStatement sel = c.prepareStatement(
                "SELECT d, u, ts, tm, s, b FROM jdbc_check.t WHERE id = ?");
            sel.setInt(1, 1);
            rs = sel.executeQuery();
            check(rs.next(), "row back");
            check(rs.getBigDecimal(1).equals(new BigDecimal("12345678.91")), "DECIMAL " + rs.getBigDecimal(1));
            check(rs.getString(2).equals("18446744073709551615"), "BIGINT UNSIGNED " + rs.getString(2));
            check(rs.getTimestamp(3).equals(Timestamp.valueOf("2026-12-01 10:11:12.123456")),
                "DATETIME(6) " + rs.getTimestamp(3));
            check(rs.getTime(4).toString().equals("23:59:58"), "TIME " + rs.getTime(4));
            check(rs.getString(5).equals("emoji \uD83D\uDE00"), "utf8mb4 " + rs.getString(5));
            check(Arrays.equals(rs.getBytes(6), blob), "BLOB");
            // A transaction rolled back leaves nothing.
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO jdbc_check.t (id) VALUES (2)");
            c.rollback();
            c.setAutoCommit(true);
            rs = st.executeQuery("SELECT COUNT(*) FROM jdbc_check.t");
            check(rs.next() && rs.getInt(1) == 1, "rollback");
            // Errors carry MySQL's codes.
            int dup = errorCode(wrap(() -> {
                ins.setInt(1, 1);
                ins.executeUpdate();
            }));
            check(dup == 1062, "duplicate key gives 1062, got " + dup);
            int missing = errorCode(wrap(() -> st.executeQuery("SELECT * FROM jdbc_check.nope")));
            check(missing == 1146, "unknown table gives 1146, got " + missing);
            // A CallableStatement: a prepared CALL whose INOUT and OUT parameters come back as
            // the row flagged SERVER_PS_OUT_PARAMS.
            st.execute("CREATE PROCEDURE jdbc_check.bump(IN step INT, INOUT n BIGINT,"
                + " OUT label VARCHAR(20)) BEGIN SET n = n + step; SET label = CONCAT('n=', n); END");
            try (CallableStatement cs = c.prepareCall("{call jdbc_check.bump(?, ?, ?)}")) {
                cs.setInt(1, 5);
                cs.setLong(2, 10);
                cs.registerOutParameter(2, Types.BIGINT);
                cs.registerOutParameter(3, Types.VARCHAR);
                cs.execute();
                check(cs.getLong(2) == 15, "INOUT parameter " + cs.getLong(2));
                check("n=15".equals(cs.getString(3)), "OUT parameter " + cs.getString(3));
            }
            st.execute("DROP DATABASE jdbc_check");
        }
        // A wrong password is 1045.
        int denied = errorCode(wrap(() -> DriverManager.getConnection(url.replace(
            "password=" + args[2], "password=wrong")).close()));
        check(denied == 1045, "wrong password gives 1045, got " + denied);
        System.out.println("jdbc: ok");
    }
}
