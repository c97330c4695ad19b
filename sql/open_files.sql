-- The open files of one process, as lsof -p shows them (set :pid first: proctab files PID).
-- cwd, rtd (root directory), txt (executable), mem / DEL (mapped files, DEL: deleted since),
-- then each descriptor with its mode (u read/write, r read, w write); sockets show their
-- endpoints and state. Needs the lsof view (sql/lsof.sql, which `proctab` loads).
.mode box --wrap 0
SELECT fd, type, device, size, offset, node, name
  FROM lsof
 WHERE pid = :pid
 ORDER BY CASE fd WHEN 'cwd' THEN 0 WHEN 'rtd' THEN 1 WHEN 'txt' THEN 2 ELSE 3 END,
          fd_number IS NOT NULL, fd_number, name;
