-- The columns of one table or view, with what each holds (set :table first: proctab columns TABLE, or .parameter set :table proc_tcp).
-- The meaning is the table's own documentation (proctab_doc); views (sql/osquery.sql) have none.
.mode box --wrap 60 --wordwrap on
-- table_xinfo, not table_info: it lists HIDDEN columns too (`source`, which SELECT * leaves out).
SELECT c.name AS "column", c.type || CASE WHEN c.hidden = 1 THEN ' HIDDEN' ELSE '' END AS type,
       coalesce(proctab_doc(:table, c.name), '') AS meaning
  FROM pragma_table_xinfo(:table) c
 ORDER BY c.cid;
