-- Assertions over the lsof / lslocks / ss -0 -w tables and views (sqlean style: each row is
-- 'name|1'). Facts that hold on any Linux machine; the views of sql/lsof.sql and
-- sql/osquery.sql are loaded by run_sql_test.sh, as the proctab command loads them.
SELECT 'maps_seen', count(*) > 0 FROM proc_maps;
SELECT 'maps_kinds', count(*) = 0 FROM proc_maps
 WHERE kind NOT IN ('file', 'anon', 'heap', 'stack', 'vdso', 'vvar', 'vsyscall', 'anon_named',
                    'memfd', 'sysv_shm', 'shared_anon', 'other');
SELECT 'maps_anon_unnamed', count(*) = 0 FROM proc_maps WHERE (kind = 'anon') <> (path IS NULL);
SELECT 'maps_sizes', count(*) = 0 FROM proc_maps WHERE size <= 0 OR size % 4096 <> 0;
SELECT 'maps_dev_text', count(*) = 0 FROM proc_maps WHERE dev NOT GLOB '[0-9]*:[0-9]*';
SELECT 'locks_types', count(*) = 0 FROM proc_locks
 WHERE type NOT IN ('POSIX', 'FLOCK', 'OFDLCK', 'LEASE', 'DELEG', 'ACCESS', 'UNKNOWN');
SELECT 'locks_blockers', count(*) = 0 FROM proc_locks WHERE (blocker_pid IS NOT NULL) > waiting;
SELECT 'raw_runs', count(*) >= 0 FROM proc_raw;
SELECT 'icmp_runs', count(*) >= 0 FROM proc_icmp;
SELECT 'packet_types', count(*) = 0 FROM proc_packet WHERE type NOT IN ('raw', 'dgram', 'packet');
SELECT 'netlink_kernel_route', count(*) >= 1 FROM proc_netlink WHERE protocol = 0 AND portid = 0;
SELECT 'passwd_root', count(*) = 1 FROM etc_passwd WHERE uid = 0 AND username = 'root';
SELECT 'group_root', count(*) = 1 FROM etc_group WHERE gid = 0;
SELECT 'user_of_root', count(*) = count(user) FROM proc_process WHERE uid = 0;
SELECT 'cgroup_paths', count(*) = 0 FROM proc_process WHERE cgroup NOT GLOB '/*';
SELECT 'fd_stat_sockets', count(*) = 0 FROM proc_fd
 WHERE type = 'socket' AND file_inode IS NOT NULL AND file_inode <> inode;
SELECT 'fd_stat_types', count(*) = 0 FROM proc_fd
 WHERE file_type NOT IN ('REG', 'DIR', 'CHR', 'BLK', 'FIFO', 'SOCK', 'LNK');
SELECT 'lsof_cwd_per_process', count(*) = count(DISTINCT pid) FROM lsof WHERE fd = 'cwd';
SELECT 'lsof_fds_match_proc_fd', (SELECT count(*) FROM lsof WHERE fd_number IS NOT NULL)
                                 <= (SELECT count(*) FROM proc_fd);
SELECT 'osquery_users', count(*) > 0 FROM users WHERE username = 'root' AND uid_signed = 0;
SELECT 'osquery_memory_map', count(*) > 0 FROM process_memory_map WHERE device GLOB '[0-9a-f][0-9a-f]:*';
