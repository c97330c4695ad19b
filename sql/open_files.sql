-- The open files of one process (set :pid first: proctab files PID, or .parameter set :pid PID).
-- Sockets show their TCP endpoints and state when they are TCP sockets.
.mode box --wrap 0
SELECT f.fd, f.type, f.mode, coalesce(f.path, f.target) AS what, f.deleted,
       t.state, t.local_address || ':' || t.local_port AS local, t.remote_address || ':' || t.remote_port AS remote
  FROM proc_fd f LEFT JOIN proc_tcp t ON f.type = 'socket' AND t.inode = f.inode
 WHERE f.pid = :pid
 ORDER BY f.fd;
