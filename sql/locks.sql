-- File locks held and waited for, with the process and file (lslocks).
-- waiting 1: a request blocked on the lock of blocker_pid. end NULL: to the end of the file.
-- The path is found among the owner's descriptors (NULL for an OFD lock, pid -1).
.mode box --wrap 0
SELECT l.pid, p.name AS process, l.type, l.mode, l.start, l.end, l.waiting, l.blocker_pid,
       (SELECT f.path FROM proc_fd f
         WHERE f.pid = l.pid AND f.file_inode = l.inode AND f.file_dev = l.dev LIMIT 1) AS path,
       l.dev, l.inode
  FROM proc_locks l LEFT JOIN proc_process p ON p.pid = l.pid
 ORDER BY l.id, l.waiting, l.pid;
