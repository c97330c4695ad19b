-- Processes that still map a deleted file (an upgraded library or executable): restart them (needrestart, lsof DEL).
-- A package upgrade replaces a library's file; running processes keep the old, deleted copy
-- mapped until they restart. One row per process, with the deleted files it maps.
.mode box --wrap 0
SELECT m.pid, p.name AS process, p.user, count(DISTINCT m.inode) AS files,
       group_concat(DISTINCT m.path) AS deleted_files
  FROM proc_maps m JOIN proc_process p USING (pid)
 WHERE m.kind = 'file' AND m.deleted = 1
 GROUP BY m.pid
 ORDER BY m.pid;
