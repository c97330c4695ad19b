-- Processes holding sockets in CLOSE_WAIT (the peer closed, the process has
-- not): the usual sign of a descriptor leak. Worst first.
.mode box
SELECT f.pid, count(*) AS close_wait, min(t.remote_address || ':' || t.remote_port) AS example_peer
  FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode
 WHERE t.state = 'CLOSE_WAIT'
 GROUP BY f.pid
 ORDER BY close_wait DESC, f.pid;
