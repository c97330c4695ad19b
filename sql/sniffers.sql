-- Packet and raw sockets (ss -0, ss -w) with their owners: what can see traffic not addressed to it.
-- packet: link-layer frames (protocol ALL = every frame; ifindex 0 = every interface, see
-- `ip -o link`); raw: every packet of one IP protocol. DHCP clients and LLDP daemons hold
-- packet sockets too. netns as in `proctab listening`.
.mode box --wrap 0
SELECT s.kind, s.protocol, s.ifindex, f.pid, p.name AS process, p.user, f.fd,
       s.netns, s.netns_name, s.netns IS proctab_netns() AS own
  FROM (SELECT 'packet' AS kind, coalesce(protocol_name, protocol) AS protocol, ifindex, inode,
               netns, netns_name
          FROM proc_packet
        UNION ALL
        SELECT CASE family WHEN 'inet' THEN 'raw' ELSE 'raw6' END,
               coalesce(protocol_name, protocol), NULL, inode, netns, netns_name
          FROM proc_raw) s
  LEFT JOIN proc_fd f ON f.inode = s.inode AND f.type = 'socket'
  LEFT JOIN proc_process p ON p.pid = f.pid
 ORDER BY own DESC, s.netns, s.kind, f.pid, f.fd;
