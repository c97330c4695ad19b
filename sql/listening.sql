-- Listening TCP and UDP sockets of every network namespace, with the process, user and descriptor that own them.
-- UDP has no LISTEN state: an unconnected UDP socket (remote port 0) receives from anyone, as
-- `ss -ul` shows. A socket shared by several processes (a pre-forked server) appears once per
-- owner; one no readable process owns shows NULL pid. netns is the network namespace's inode,
-- netns_name its name if it has one (`ip netns add NAME`), own 1 for the namespace proctab runs
-- in and 0 for another (a container's, or a named one).
.mode box
SELECT s.protocol, s.family, s.local_address, s.local_port,
       f.pid, p.name AS process, p.user, f.fd,
       s.netns, s.netns_name, s.netns IS proctab_netns() AS own
  FROM (SELECT 'tcp' AS protocol, family, local_address, local_port, inode, netns, netns_name
          FROM proc_tcp WHERE state = 'LISTEN'
        UNION ALL
        SELECT 'udp', family, local_address, local_port, inode, netns, netns_name
          FROM proc_udp WHERE remote_port = 0) s
  LEFT JOIN proc_fd f ON f.inode = s.inode AND f.type = 'socket'
  LEFT JOIN proc_process p ON p.pid = f.pid
 ORDER BY own DESC, s.netns, s.protocol, s.local_port, s.family, f.pid, f.fd;
