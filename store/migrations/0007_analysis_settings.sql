-- 0007_analysis_settings: per athlete, a fingerprint of the settings the
-- stored analysis used (time zone, heart rates, threshold pace, race
-- distance), so a report can say when they changed since: run taper
-- reanalyze.
CREATE TABLE IF NOT EXISTS analysis_settings (
    athlete     VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    settings    VARCHAR NOT NULL, -- the same, readable: key=value; ...
    analysed_at TIMESTAMP
);
