-- TCP sockets counted by state and family, per network namespace (with its name, if any; own: 1 for proctab's own).
.mode box
SELECT netns, netns_name, netns IS proctab_netns() AS own, state, family, count(*) AS sockets
  FROM proc_tcp
 GROUP BY netns, netns_name, state, family
 ORDER BY own DESC, netns, sockets DESC, state, family;
