-- 0005_summaries: per-activity summaries (analysis.Summary, encoded): what
-- classification, zones and TRIMP need of an activity's records, so a new
-- race pace, HRmax or settings reanalyse without reading the records.
-- version and analysis_version say which analysis.SummaryVersion and
-- AnalysisVersion made them; others are rebuilt from the records.
CREATE TABLE summaries (
    key              INTEGER PRIMARY KEY, -- activities.key
    version          INTEGER NOT NULL,
    analysis_version INTEGER NOT NULL,
    data             BLOB NOT NULL
);
