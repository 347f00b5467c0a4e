-- 0008_recent_summaries: summaries in two tables, so that adding a few
-- activities does not rewrite them all. DuckDB rewrites a row group each
-- time rows are appended to it, and a table's last row group holds up to
-- 122,880 rows: with every summary (about 3 KB each) in one table, a coach's
-- database of 200 athletes rewrote about 200 MB of summaries for each new
-- run. New summaries now go to summaries_recent; once it holds enough
-- (store.settleDue), they move to summaries_main in one transaction.
-- summaries is a view of both, with the columns it had.
ALTER TABLE summaries RENAME TO summaries_main;
CREATE TABLE summaries_recent (
    key              INTEGER PRIMARY KEY, -- activities.key
    version          INTEGER NOT NULL,
    analysis_version INTEGER NOT NULL,
    data             BLOB NOT NULL
);
CREATE VIEW summaries AS
SELECT key, version, analysis_version, data FROM summaries_main
UNION ALL
SELECT key, version, analysis_version, data FROM summaries_recent;
