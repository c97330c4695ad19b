-- UNIX sockets with the process on the other end of each connection (ss -xp, with the Peer named).
-- One row per connected end (so a socketpair or connection shows twice, once from each side);
-- path is the address of the connection (the listener's, on both the server and the client side).
-- peer_pid NULL: no readable process holds the other end. Needs the netlink source (peer_inode).
.mode box --wrap 0
SELECT u.inode, u.type, coalesce(u.path, p.path) AS path,
       f.pid, pr.name AS process, f.fd,
       u.peer_inode, pf.pid AS peer_pid, pp.name AS peer_process, pf.fd AS peer_fd,
       u.netns, u.netns_name
  FROM proc_unix u
  JOIN proc_unix p ON p.inode = u.peer_inode AND p.netns = u.netns
  LEFT JOIN proc_fd f ON f.inode = u.inode AND f.type = 'socket'
  LEFT JOIN proc_process pr ON pr.pid = f.pid
  LEFT JOIN proc_fd pf ON pf.inode = u.peer_inode AND pf.type = 'socket'
  LEFT JOIN proc_process pp ON pp.pid = pf.pid
 WHERE u.peer_inode != 0
 ORDER BY f.pid, f.fd, pf.pid, pf.fd;
