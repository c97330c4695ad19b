-- osquery.sql — osquery's Linux tables `processes`, `process_open_sockets`,
-- `listening_ports`, `process_open_files`, `process_memory_map`, `users`,
-- `groups` and `user_groups` as TEMP views over proctab, with
-- osquery's column names, types and meanings, so osquery queries (query
-- packs, saved hunts) run unchanged:
--
--   sqlite3 -cmd '.load ./proctab' -cmd '.read sql/osquery.sql'
--   sqlite> SELECT DISTINCT p.name, l.port FROM listening_ports l JOIN processes p USING (pid);
--
-- TEMP views, because proctab's tables are DIRECTONLY: a view stored in a
-- database file may not use them (a file cannot make the reader run /proc
-- scans), a TEMP view belongs to the connection that created it. Re-running
-- this file replaces the views.
--
-- Facts from osquery's specs and Linux implementation (specs/processes.table,
-- process_open_sockets.table, listening_ports.table, posix/process_open_files
-- .table; tables/system/linux/processes.cpp, networking/linux/
-- process_open_sockets.cpp, networking/listening_ports.cpp, filesystem/linux/
-- proc.cpp). The deliberate differences are listed in README.md, "osquery
-- compatibility"; the main ones are marked DIFFERENCE below.

DROP VIEW IF EXISTS temp.processes;
DROP VIEW IF EXISTS temp.process_open_files;
DROP VIEW IF EXISTS temp.listening_ports;
DROP VIEW IF EXISTS temp.process_open_sockets;
DROP VIEW IF EXISTS temp.proctab_osquery_sockets;
DROP VIEW IF EXISTS temp.process_memory_map;
DROP VIEW IF EXISTS temp.users;
DROP VIEW IF EXISTS temp.groups;
DROP VIEW IF EXISTS temp.user_groups;

-- Every TCP, UDP and UNIX socket in osquery's terms (not an osquery table: the
-- shared half of the two socket views). Every network namespace; family
-- AF_INET 2 / AF_INET6 10 / AF_UNIX 1, protocol IPPROTO_TCP 6 / IPPROTO_UDP 17
-- / 0 for UNIX.
CREATE TEMP VIEW proctab_osquery_sockets AS
SELECT CASE family WHEN 'inet' THEN 2 ELSE 10 END AS family,
       6 AS protocol,
       local_address, remote_address, local_port, remote_port,
       '' AS path,
       -- osquery's tcp_states table: 7 is 'CLOSED', states it does not know
       -- (NEW_SYN_RECV 12, BOUND_INACTIVE 13) are 'UNKNOWN'.
       CASE WHEN st = 7 THEN 'CLOSED'
            WHEN st BETWEEN 1 AND 11 THEN state
            ELSE 'UNKNOWN' END AS state,
       inode, netns
  FROM proc_tcp
UNION ALL
SELECT CASE family WHEN 'inet' THEN 2 ELSE 10 END, 17,
       local_address, remote_address, local_port, remote_port,
       '', '', inode, netns
  FROM proc_udp
UNION ALL
SELECT 1, 0, '', '', 0, 0, coalesce(path, ''), '', inode, netns
  FROM proc_unix
UNION ALL
-- Raw sockets as osquery reads /proc/net/raw: protocol IPPROTO_RAW (255)
-- whatever the socket's own, the "port" field (the socket's IP protocol)
-- as local_port.
SELECT CASE family WHEN 'inet' THEN 2 ELSE 10 END, 255,
       local_address, remote_address, protocol, 0, '', '', inode, netns
  FROM proc_raw
UNION ALL
-- ICMP ping sockets (/proc/net/icmp, icmp6): IPPROTO_ICMP 1 / ICMPV6 58,
-- the echo identifier as local_port.
SELECT CASE family WHEN 'inet' THEN 2 ELSE 10 END, CASE family WHEN 'inet' THEN 1 ELSE 58 END,
       local_address, remote_address, ident, 0, '', '', inode, netns
  FROM proc_icmp;

-- osquery's process_open_sockets: every socket with the process and
-- descriptor holding it. One row per socket and descriptor that holds it;
-- sockets no readable process holds (TIME_WAIT, SYN_RECV, other users' sockets
-- for a non-root reader) once, with pid and fd -1.
-- DIFFERENCE: osquery reports one arbitrary owner per socket; a socket
-- shared by several processes (a pre-forked server's listener) is one row per
-- holder here.
CREATE TEMP VIEW process_open_sockets AS
SELECT coalesce(f.pid, -1) AS pid,
       coalesce(f.fd, -1) AS fd,
       s.inode AS socket,
       s.family, s.protocol, s.local_address, s.remote_address,
       s.local_port, s.remote_port, s.path, s.state,
       coalesce(CAST(s.netns AS TEXT), '0') AS net_namespace
  FROM proctab_osquery_sockets s
  -- Pipes live on another filesystem: their inode numbers may equal a
  -- socket's, hence the type test.
  LEFT JOIN proc_fd f ON f.inode = s.inode AND f.type = 'socket' AND s.inode <> 0;

-- osquery's listening_ports: sockets with no remote end, and UNIX sockets
-- bound to a path. osquery's definition (listening_ports.cpp): every TCP or
-- UDP socket with remote port 0 (TCP: LISTEN; UDP: every unconnected socket,
-- port 0 included), and every UNIX socket bound to a path (accepted
-- connections of a listener included: they print the listener's path). UNIX
-- rows have port 0, socket 0 and NULL address; inet rows have NULL path.
CREATE TEMP VIEW listening_ports AS
SELECT pid,
       CASE family WHEN 1 THEN 0 ELSE local_port END AS port,
       protocol, family,
       CASE family WHEN 1 THEN NULL ELSE local_address END AS address,
       fd,
       CASE family WHEN 1 THEN 0 ELSE socket END AS socket,
       CASE family WHEN 1 THEN path END AS path,
       net_namespace
  FROM process_open_sockets
 WHERE (family IN (2, 10) AND remote_port = 0) OR (family = 1 AND path <> '');

-- osquery's process_open_files: every descriptor that is not a socket, pipe
-- or anon_inode. The link text is verbatim as path (' (deleted)' suffix,
-- 'net:[N]' and the like included), as osquery does.
-- DIFFERENCE: osquery drops any target that merely contains 'socket:',
-- 'pipe:' or 'anon_inode:' (so also a file named '/tmp/pipe:x'); here the
-- descriptor's kind decides.
CREATE TEMP VIEW process_open_files AS
SELECT pid, fd, target AS path
  FROM proc_fd
 WHERE type NOT IN ('socket', 'pipe', 'anon_inode');

-- osquery's processes: one row per process, with its executable, command
-- line, owner and times. Text columns osquery fills with '' when unreadable
-- are '' here too; columns proctab does not read are NULL.
-- DIFFERENCES: resident_size / total_size are bytes (osquery multiplies
-- status' kB by 1000); on_disk is derived from the exe link (-1 unreadable,
-- 0 deleted, 1 otherwise) without a stat() of the file; disk_bytes_read /
-- disk_bytes_written (/proc/PID/io) are NULL; name is the raw comm (osquery:
-- status' Name:, which escapes '\n' and '\\'); cgroup_path is proctab's
-- cgroup (on a v1 or hybrid machine the first controller path that says more
-- than '/').
CREATE TEMP VIEW processes AS
SELECT pid,
       name,
       CASE WHEN exe GLOB '* (deleted)' THEN substr(exe, 1, length(exe) - 10)
            ELSE coalesce(exe, '') END AS path,
       trim(coalesce(cmdline, ''), ' ' || char(9, 10, 11, 12, 13)) AS cmdline,
       state,
       coalesce(cwd, '') AS cwd,
       coalesce(root, '') AS root,
       uid, gid, euid, egid, suid, sgid,
       CASE WHEN exe IS NULL THEN -1 WHEN exe GLOB '* (deleted)' THEN 0 ELSE 1 END AS on_disk,
       0 AS wired_size,
       resident_size,
       virtual_size AS total_size,
       user_time_ms AS user_time,
       system_time_ms AS system_time,
       NULL AS disk_bytes_read,
       NULL AS disk_bytes_written,
       coalesce(start_time, -1) AS start_time,
       ppid AS parent,
       pgrp AS pgroup,
       threads,
       nice,
       coalesce(cgroup, '') AS cgroup_path
  FROM proc_process;

-- osquery's process_memory_map: one row per line of /proc/PID/maps, start
-- and end as '0x...' text, device in maps' own hex form ('fe:00'), path with
-- maps' ' (deleted)' suffix ('' for anonymous memory), pseudo 1 for named
-- memory that is no file ([heap], [stack], [vdso], ...).
CREATE TEMP VIEW process_memory_map AS
SELECT pid,
       '0x' || start AS start,
       '0x' || "end" AS "end",
       perms AS permissions,
       "offset",
       printf('%02x:%02x', CAST(substr(dev, 1, instr(dev, ':') - 1) AS INTEGER),
              CAST(substr(dev, instr(dev, ':') + 1) AS INTEGER)) AS device,
       inode,
       coalesce(path, '') || CASE WHEN deleted THEN ' (deleted)' ELSE '' END AS path,
       CASE WHEN inode = 0 AND path IS NOT NULL THEN 1 ELSE 0 END AS pseudo
  FROM proc_maps;

-- osquery's users, as its Linux table reads them: the local passwd file
-- (etc_passwd: never NSS). uid_signed / gid_signed are the ids as signed
-- 32-bit numbers (4294967294 is -2); uuid is '' on Linux.
CREATE TEMP VIEW users AS
SELECT uid, gid,
       CASE WHEN uid >= 2147483648 THEN uid - 4294967296 ELSE uid END AS uid_signed,
       CASE WHEN gid >= 2147483648 THEN gid - 4294967296 ELSE gid END AS gid_signed,
       username, description, directory, shell, '' AS uuid
  FROM etc_passwd;

-- osquery's groups: the local group file (etc_group).
CREATE TEMP VIEW groups AS
SELECT gid,
       CASE WHEN gid >= 2147483648 THEN gid - 4294967296 ELSE gid END AS gid_signed,
       groupname
  FROM etc_group;

-- osquery's user_groups: every (user, group) membership, the primary group
-- (passwd's gid) and every group naming the user as a member.
CREATE TEMP VIEW user_groups AS
SELECT uid, gid FROM etc_passwd
UNION
SELECT u.uid, g.gid
  FROM etc_passwd u JOIN etc_group g ON instr(',' || g.members || ',', ',' || u.username || ',') > 0;
