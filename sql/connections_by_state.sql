-- TCP connections of this network namespace, counted by state and family.
.mode box
SELECT state, family, count(*) AS sockets
  FROM proc_tcp
 GROUP BY state, family
 ORDER BY sockets DESC, state, family;
