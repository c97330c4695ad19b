-- Deleted files still held open, biggest first: the disk space they hold until closed (lsof +L1).
-- links 0: no name left on disk; the space returns when the last descriptor closes (or the
-- process is restarted). Memory files (memfd) count too: they live in RAM or swap.
.mode box --wrap 0
SELECT f.pid, p.name AS process, p.user, f.fd, f.path, f.size, f.links, f.file_dev AS dev
  FROM proc_fd f JOIN proc_process p USING (pid)
 WHERE f.type = 'file' AND f.deleted = 1
 ORDER BY f.size DESC, f.pid, f.fd;
