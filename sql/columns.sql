-- The columns of one table or view, with what each holds (set :table first: proctab columns TABLE, or .parameter set :table proc_tcp).
-- The meaning is the table's own documentation (proctab_doc); views (sql/osquery.sql) have none.
.mode box --wrap 60 --wordwrap on
SELECT c.name AS "column", c.type, coalesce(proctab_doc(:table, c.name), '') AS meaning
  FROM pragma_table_info(:table) c
 ORDER BY c.cid;
