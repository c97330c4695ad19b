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

-- Every row lsof -p prints, for every process: cwd, rtd, txt, mem / DEL and each descriptor,
-- with lsof's columns and the socket endpoints.
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
        -- Every descriptor; a socket's endpoints from the table that has its
        -- inode (each joined on inode: a hash lookup, and only the sockets
        -- of the process are formatted).
        SELECT pid,
               fd || CASE mode WHEN 'read/write' THEN 'u' WHEN 'read' THEN 'r'
                               WHEN 'write' THEN 'w' ELSE '' END,
               fd,
               CASE sock WHEN 'tcp' THEN ip WHEN 'udp' THEN ip WHEN 'unix' THEN 'unix'
                         WHEN 'raw' THEN CASE family WHEN 'inet' THEN 'raw' ELSE 'raw6' END
                         WHEN 'icmp' THEN CASE family WHEN 'inet' THEN 'icmp' ELSE 'icmp6' END
                         WHEN 'packet' THEN 'pack' WHEN 'netlink' THEN 'netlink'
                         ELSE CASE ftype WHEN 'socket' THEN 'sock' WHEN 'pipe' THEN 'FIFO'
                                         WHEN 'anon_inode' THEN 'a_inode'
                                         ELSE coalesce(file_type, 'unknown') END END,
               file_dev, CASE WHEN file_type IN ('REG', 'DIR') THEN size END, pos, file_inode,
               CASE sock WHEN 'unix' THEN coalesce(local || ' ', '') || 'type=' || protocol
                                          || ' (' || state || ')'
                         WHEN 'packet' THEN 'type=SOCK_' || upper(packet_type) || ':' || protocol
                                            || CASE WHEN ifindex <> 0 THEN ' ifindex=' || ifindex
                                                    ELSE '' END
                         WHEN 'netlink' THEN protocol
                         ELSE CASE WHEN sock IS NOT NULL
                                     THEN local || coalesce('->' || remote, '')
                                          || coalesce(' (' || state || ')', '')
                                   WHEN ftype = 'pipe' THEN 'pipe'
                                   WHEN ftype = 'anon_inode' THEN substr(target, 12)
                                   ELSE target END END,
               path, deleted, links, inode, protocol, local, remote, state
          FROM (SELECT *,
                       CASE WHEN sock IN ('tcp', 'udp')
                              THEN CASE family WHEN 'inet' THEN la ELSE '[' || la || ']' END
                                   || ':' || lp
                            WHEN sock = 'unix' THEN unix_path
                            WHEN sock IN ('raw', 'icmp') THEN la || ':' || lp END AS local,
                       CASE WHEN (sock = 'tcp' AND state <> 'LISTEN') OR (sock = 'udp' AND rp <> 0)
                              THEN CASE family WHEN 'inet' THEN ra ELSE '[' || ra || ']' END
                                   || ':' || rp END AS remote,
                       CASE family WHEN 'inet' THEN 'IPv4' ELSE 'IPv6' END AS ip
                  FROM (SELECT f.pid, f.fd, f.mode, f.type AS ftype, f.file_type, f.file_dev,
                               f.size, f.pos, f.file_inode, f.target, f.path, f.deleted, f.links,
                               f.inode,
                               CASE WHEN t.inode IS NOT NULL THEN 'tcp'
                                    WHEN u.inode IS NOT NULL THEN 'udp'
                                    WHEN x.inode IS NOT NULL THEN 'unix'
                                    WHEN r.inode IS NOT NULL THEN 'raw'
                                    WHEN i.inode IS NOT NULL THEN 'icmp'
                                    WHEN k.inode IS NOT NULL THEN 'packet'
                                    WHEN n.inode IS NOT NULL THEN 'netlink' END AS sock,
                               coalesce(t.family, u.family, r.family, i.family) AS family,
                               coalesce(t.local_address, u.local_address, r.local_address,
                                        i.local_address) AS la,
                               coalesce(t.local_port, u.local_port, r.protocol, i.ident) AS lp,
                               coalesce(t.remote_address, u.remote_address) AS ra,
                               coalesce(t.remote_port, u.remote_port) AS rp,
                               CASE WHEN t.inode IS NOT NULL THEN t.state
                                    WHEN x.inode IS NOT NULL
                                      THEN CASE WHEN x.listening THEN 'LISTEN' ELSE x.state END
                                    END AS state,
                               x.path AS unix_path, k.type AS packet_type, k.ifindex,
                               CASE WHEN t.inode IS NOT NULL THEN 'TCP'
                                    WHEN u.inode IS NOT NULL THEN 'UDP'
                                    WHEN x.inode IS NOT NULL THEN upper(x.type)
                                    WHEN r.inode IS NOT NULL
                                      THEN upper(coalesce(r.protocol_name, r.protocol))
                                    WHEN i.inode IS NOT NULL THEN 'ICMP'
                                    WHEN k.inode IS NOT NULL
                                      THEN coalesce(k.protocol_name, k.protocol)
                                    WHEN n.inode IS NOT NULL
                                      THEN upper(coalesce(n.protocol_name, n.protocol)) END
                                 AS protocol
                          FROM proc_fd f
                          LEFT JOIN proc_tcp t ON f.type = 'socket' AND t.inode = f.inode
                          LEFT JOIN proc_udp u ON f.type = 'socket' AND u.inode = f.inode
                          LEFT JOIN proc_unix x ON f.type = 'socket' AND x.inode = f.inode
                          LEFT JOIN proc_raw r ON f.type = 'socket' AND r.inode = f.inode
                          LEFT JOIN proc_icmp i ON f.type = 'socket' AND i.inode = f.inode
                          LEFT JOIN proc_packet k ON f.type = 'socket' AND k.inode = f.inode
                          LEFT JOIN proc_netlink n ON f.type = 'socket' AND n.inode = f.inode)))
              x
  JOIN proc_process p ON p.pid = x.pid;
