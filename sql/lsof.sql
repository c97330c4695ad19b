-- lsof.sql — a TEMP view `lsof`: every row `lsof -p PID` prints, for every
-- process the reader may inspect, with lsof's columns (lower case) and the
-- socket endpoints lsof puts in NAME as columns of their own:
--
--   sqlite3 -cmd '.load ./proctab' -cmd '.read sql/lsof.sql'
--   sqlite> SELECT fd, type, name FROM lsof WHERE pid = 1234;
--   sqlite> SELECT * FROM lsof WHERE fd = 'DEL';            -- deleted files still mapped
--
-- The `proctab` command reads this file at start-up (as it does osquery.sql);
-- `proctab files PID` is `SELECT ... FROM lsof WHERE pid = PID`.
--
-- Rows, in lsof's order: cwd and rtd (the current and root directories), txt
-- (the executable), one mem row per file mapped into memory (distinct by
-- device and inode, the executable excluded; fd 'DEL' for one deleted since:
-- an upgraded library), then every descriptor, fd '3u' (u read/write, r
-- read, w write: from fdinfo's flags). `WHERE pid = ...` is pushed into every
-- part: one process's files cost reading that process only.
--
-- Columns: command, pid, user, fd (lsof's FD), fd_number (the descriptor as
-- an integer; NULL for cwd/rtd/txt/mem), type (lsof's TYPE: REG, DIR, CHR,
-- FIFO, IPv4, IPv6, unix, netlink, pack, raw, a_inode, ...), device
-- ('MAJOR:MINOR'), size (files and directories), offset (fdinfo pos), node
-- (the inode), name (lsof's NAME: a path, 'pipe', or a socket's endpoints
-- and state), and besides lsof's: path (a file's path, no ' (deleted)'),
-- deleted, links, inode (the socket's or pipe's, to join the socket tables),
-- protocol, local, remote, state.
--
-- DIFFERENCES from lsof: cwd and rtd rows have no device, size or node, txt
-- no size (lsof stat()s those paths; proctab reads links, and the
-- executable's mapping); device is the file's filesystem, also for device
-- files (lsof shows a device file's own number, 1,3 for /dev/null); NAME of a socket has
-- numeric addresses always (lsof -n -P), no lock letters follow the mode in
-- fd, and a UNIX socket's peer is not shown (not in /proc/net/unix).

DROP VIEW IF EXISTS temp.lsof;
DROP VIEW IF EXISTS temp.proctab_socket_endpoints;

-- Every socket of every namespace with lsof's TYPE and NAME parts.
CREATE TEMP VIEW proctab_socket_endpoints AS
SELECT inode,
       CASE family WHEN 'inet' THEN 'IPv4' ELSE 'IPv6' END AS type,
       'TCP' AS protocol,
       CASE family WHEN 'inet' THEN local_address ELSE '[' || local_address || ']' END
         || ':' || local_port AS local,
       CASE WHEN state = 'LISTEN' THEN NULL
            ELSE CASE family WHEN 'inet' THEN remote_address ELSE '[' || remote_address || ']' END
                 || ':' || remote_port END AS remote,
       state,
       CASE family WHEN 'inet' THEN local_address ELSE '[' || local_address || ']' END
         || ':' || local_port
         || CASE WHEN state = 'LISTEN' THEN ''
                 ELSE '->' || CASE family WHEN 'inet' THEN remote_address
                                          ELSE '[' || remote_address || ']' END
                      || ':' || remote_port END
         || ' (' || state || ')' AS name
  FROM proc_tcp WHERE inode <> 0
UNION ALL
SELECT inode, CASE family WHEN 'inet' THEN 'IPv4' ELSE 'IPv6' END, 'UDP',
       CASE family WHEN 'inet' THEN local_address ELSE '[' || local_address || ']' END
         || ':' || local_port,
       CASE WHEN remote_port = 0 THEN NULL
            ELSE CASE family WHEN 'inet' THEN remote_address ELSE '[' || remote_address || ']' END
                 || ':' || remote_port END,
       NULL,
       CASE family WHEN 'inet' THEN local_address ELSE '[' || local_address || ']' END
         || ':' || local_port
         || CASE WHEN remote_port = 0 THEN ''
                 ELSE '->' || CASE family WHEN 'inet' THEN remote_address
                                          ELSE '[' || remote_address || ']' END
                      || ':' || remote_port END
  FROM proc_udp
UNION ALL
SELECT inode, 'unix', upper(type), path, NULL,
       CASE WHEN listening THEN 'LISTEN' ELSE state END,
       coalesce(path || ' ', '') || 'type=' || upper(type)
         || ' (' || CASE WHEN listening THEN 'LISTEN' ELSE state END || ')'
  FROM proc_unix
UNION ALL
SELECT inode, CASE family WHEN 'inet' THEN 'raw' ELSE 'raw6' END,
       upper(coalesce(protocol_name, protocol)),
       local_address || ':' || protocol, NULL, NULL, local_address || ':' || protocol
  FROM proc_raw
UNION ALL
SELECT inode, CASE family WHEN 'inet' THEN 'icmp' ELSE 'icmp6' END, 'ICMP',
       local_address || ':' || ident, NULL, NULL, local_address || ':' || ident
  FROM proc_icmp
UNION ALL
SELECT inode, 'pack', coalesce(protocol_name, protocol), NULL, NULL, NULL,
       'type=SOCK_' || upper(type) || ':' || coalesce(protocol_name, protocol)
         || CASE WHEN ifindex <> 0 THEN ' ifindex=' || ifindex ELSE '' END
  FROM proc_packet
UNION ALL
SELECT inode, 'netlink', upper(coalesce(protocol_name, protocol)), NULL, NULL, NULL,
       upper(coalesce(protocol_name, protocol))
  FROM proc_netlink;

CREATE TEMP VIEW lsof AS
SELECT p.name AS command, x.pid, p.user, x.fd, x.fd_number, x.type, x.device, x.size, x.offset,
       x.node, x.name, x.path, x.deleted, x.links, x.inode, x.protocol, x.local, x.remote, x.state
  FROM (SELECT pid, 'cwd' AS fd, NULL AS fd_number, 'DIR' AS type, NULL AS device, NULL AS size,
               NULL AS offset, NULL AS node, cwd AS name, cwd AS path, 0 AS deleted,
               NULL AS links, NULL AS inode, NULL AS protocol, NULL AS local, NULL AS remote,
               NULL AS state
          FROM proc_process WHERE cwd IS NOT NULL
        UNION ALL
        SELECT pid, 'rtd', NULL, 'DIR', NULL, NULL, NULL, NULL, root, root, 0, NULL, NULL, NULL,
               NULL, NULL, NULL
          FROM proc_process WHERE root IS NOT NULL
        UNION ALL
        -- The executable: device and inode from its own mapping (the file
        -- the process runs, even if the path now names another).
        SELECT pid, 'txt', NULL, 'REG',
               (SELECT m.dev FROM proc_maps m WHERE m.pid = e.pid AND m.kind = 'file'
                   AND m.path || CASE WHEN m.deleted THEN ' (deleted)' ELSE '' END = e.exe
                 LIMIT 1),
               NULL, NULL,
               (SELECT m.inode FROM proc_maps m WHERE m.pid = e.pid AND m.kind = 'file'
                   AND m.path || CASE WHEN m.deleted THEN ' (deleted)' ELSE '' END = e.exe
                 LIMIT 1),
               exe,
               CASE WHEN exe GLOB '* (deleted)' THEN substr(exe, 1, length(exe) - 10) ELSE exe END,
               exe GLOB '* (deleted)', NULL, NULL, NULL, NULL, NULL, NULL
          FROM proc_process e WHERE exe IS NOT NULL
        UNION ALL
        -- One row per mapped file (device, inode), but the executable's.
        SELECT pid, CASE WHEN max(deleted) THEN 'DEL' ELSE 'mem' END, NULL, 'REG', dev, NULL,
               NULL, inode, min(path), min(path), max(deleted), NULL, NULL, NULL, NULL, NULL,
               NULL
          FROM proc_maps m
         WHERE kind IN ('file', 'memfd', 'sysv_shm', 'shared_anon')
           AND NOT EXISTS (SELECT 1 FROM proc_process e
                            WHERE e.pid = m.pid
                              AND e.exe = m.path || CASE WHEN m.deleted THEN ' (deleted)' ELSE '' END)
         GROUP BY pid, dev, inode
        UNION ALL
        SELECT f.pid,
               f.fd || CASE f.mode WHEN 'read/write' THEN 'u' WHEN 'read' THEN 'r'
                                   WHEN 'write' THEN 'w' ELSE '' END,
               f.fd,
               CASE f.type WHEN 'socket' THEN coalesce(e.type, 'sock')
                           WHEN 'pipe' THEN 'FIFO'
                           WHEN 'anon_inode' THEN 'a_inode'
                           ELSE coalesce(f.file_type, 'unknown') END,
               f.file_dev,
               CASE WHEN f.file_type IN ('REG', 'DIR') THEN f.size END,
               f.pos, f.file_inode,
               CASE WHEN e.inode IS NOT NULL THEN e.name
                    WHEN f.type = 'pipe' THEN 'pipe'
                    WHEN f.type = 'anon_inode' THEN substr(f.target, 12)
                    ELSE f.target END,
               f.path, f.deleted, f.links, f.inode, e.protocol, e.local, e.remote, e.state
          FROM proc_fd f
          LEFT JOIN proctab_socket_endpoints e ON f.type = 'socket' AND e.inode = f.inode) x
  JOIN proc_process p ON p.pid = x.pid;
