-- Assertions through the real sqlite3 shell and the built module (sqlean
-- style: each row is 'name|1'). Facts that hold on any Linux machine.
SELECT 'tcp_states_known', count(*) = count(CASE WHEN state GLOB '[A-Z]*' THEN 1 END) FROM proc_tcp;
SELECT 'ports_in_range', count(*) = 0 FROM proc_tcp WHERE local_port NOT BETWEEN 0 AND 65535 OR remote_port NOT BETWEEN 0 AND 65535;
SELECT 'families', count(*) = 0 FROM proc_tcp WHERE family NOT IN ('inet', 'inet6');
SELECT 'own_fds_visible', count(*) > 0 FROM proc_fd;
SELECT 'fd_types', count(*) = 0 FROM proc_fd WHERE type NOT IN ('socket', 'pipe', 'anon_inode', 'file', 'other');
SELECT 'socket_inodes', count(*) = 0 FROM proc_fd WHERE type IN ('socket', 'pipe') AND inode IS NULL;
SELECT 'join_runs', count(*) >= 0 FROM proc_tcp t JOIN proc_fd f USING (inode);
