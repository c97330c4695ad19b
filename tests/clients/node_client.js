// Loads the built module into Node.js through better-sqlite3 (which bundles
// its own SQLite) and finds the owner of a socket this script listens on.
// usage: node node_client.js MODULE   (better-sqlite3 resolved via NODE_PATH)
'use strict';
const net = require('net');
const Database = require('better-sqlite3');

const modulePath = process.argv[2];
const server = net.createServer();
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  let rows;
  try {
    const db = new Database(':memory:');
    db.loadExtension(modulePath);
    rows = db.prepare(`SELECT f.pid, f.fd, t.local_address
                         FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode
                        WHERE t.state = 'LISTEN' AND t.local_port = ?`).all(port);
    const version = db.prepare('SELECT sqlite_version() AS v').get().v;
    db.close();
    console.log(`node ${process.version}, SQLite ${version}: port ${port} ->`, JSON.stringify(rows));
  } finally {
    server.close();
  }
  // libuv's listening fd is ours, but its number is not public API: check pid and address.
  const ok = rows.length === 1 && rows[0].pid === process.pid && rows[0].local_address === '127.0.0.1' &&
      Number.isInteger(rows[0].fd);
  if (!ok) {
    console.log(`FAIL: expected one row owned by pid ${process.pid}`);
    process.exitCode = 1;
  }
});
