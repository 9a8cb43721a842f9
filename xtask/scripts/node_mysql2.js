// Connects to myseal with node's mysql2 over verified TLS. Exit 0 = ok, 77 = mysql2 not installed.
// usage: NODE_PATH=<dir>/node_modules node node_mysql2.js PORT CA_PEM ROOT_PASSWORD
'use strict';
const fs = require('fs');
let mysql;
try {
  mysql = require('mysql2/promise');
} catch (e) {
  console.log(`mysql2 not installed (${e.code}); npm install mysql2`);
  process.exit(77);
}
const [port, ca, password] = process.argv.slice(2);
const opts = (pw) => ({
  host: 'localhost', port: Number(port), user: 'root', password: pw,
  ssl: { ca: fs.readFileSync(ca), rejectUnauthorized: true },
});

(async () => {
  const conn = await mysql.createConnection(opts(password));
  const [rows] = await conn.query('SELECT 1 AS one, CONCAT(\'my\', \'seal\') AS s, NULL AS n');
  if (rows[0].one !== 1 || rows[0].s !== 'myseal' || rows[0].n !== null) throw new Error(JSON.stringify(rows));
  const [st] = await conn.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
  if (st[0].Value !== 'TLSv1.3') throw new Error(JSON.stringify(st));
  // conn.execute uses a server-side prepared statement (binary protocol).
  const [ex] = await conn.execute('SELECT ? + 1 AS n, CONCAT(?, \'!\') AS s', [41, "it's"]);
  if (Number(ex[0].n) !== 42 || ex[0].s !== "it's!") throw new Error(JSON.stringify(ex));
  await conn.end();
  try {
    await mysql.createConnection(opts('wrong-password'));
    throw new Error('wrong password was accepted');
  } catch (e) {
    if (e.errno !== 1045) throw e;
  }
  console.log('mysql2: ok');
})().catch((e) => { console.error(e); process.exit(1); });
