-- Listening TCP sockets with the processes and descriptors that own them.
-- A socket shared by several processes (a pre-forked server) appears once
-- per owner; one no readable process owns shows NULL pid/fd.
.mode box
SELECT t.family, t.local_address, t.local_port, f.pid, f.fd
  FROM proc_tcp t LEFT JOIN proc_fd f ON f.inode = t.inode
 WHERE t.state = 'LISTEN'
 ORDER BY t.local_port, t.family, f.pid, f.fd;
