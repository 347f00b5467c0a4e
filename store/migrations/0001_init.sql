-- 0001_init: taper's first schema. Never edit once applied; add 0002_... instead.
-- Units are SI (s, m, m/s, bpm, W); times are UTC TIMESTAMPs; NULL = not recorded.

CREATE TABLE athletes (
    name    VARCHAR PRIMARY KEY,
    created TIMESTAMP NOT NULL
);

-- One row per input file and decision. A file is "known" for an athlete once a
-- row with its sha256 exists with status imported, duplicate_activity or
-- skipped; that row is written in the same transaction as its activities.
-- Re-importing known bytes from the same path records nothing new.
CREATE TABLE source_files (
    athlete        VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,
    size           BIGINT,
    sha256         VARCHAR NOT NULL,
    format         VARCHAR,
    status         VARCHAR NOT NULL, -- imported | duplicate_file | duplicate_activity | skipped | rejected
    kind           VARCHAR,          -- skip kind, e.g. fit:monitoring, tcx
    reason         VARCHAR,
    partial        BOOLEAN NOT NULL DEFAULT false,
    partial_reason VARCHAR,
    activities     INTEGER NOT NULL DEFAULT 0,
    imported_at    TIMESTAMP NOT NULL,
    UNIQUE (athlete, path, sha256)
);

CREATE TABLE activities (
    id             VARCHAR PRIMARY KEY,
    athlete        VARCHAR NOT NULL,
    sport          VARCHAR,
    sub_sport      VARCHAR,
    sport_inferred BOOLEAN NOT NULL DEFAULT false,
    start_utc      TIMESTAMP,
    utc_offset_s   INTEGER NOT NULL DEFAULT 0,
    time_zone      VARCHAR,
    tz_source      VARCHAR,
    local_date     DATE,
    elapsed_time_s DOUBLE,
    moving_time_s  DOUBLE,
    distance_m     DOUBLE,
    ascent_m       DOUBLE,
    avg_hr         DOUBLE,
    max_hr         DOUBLE,
    avg_cadence    DOUBLE,
    calories       DOUBLE,
    device         VARCHAR,
    totals_from    VARCHAR,
    source         VARCHAR,
    source_sha256  VARCHAR,
    session_index  INTEGER NOT NULL DEFAULT 0,
    format         VARCHAR,
    partial        BOOLEAN NOT NULL DEFAULT false,
    partial_reason VARCHAR,
    flags          VARCHAR,  -- comma-separated data quality flags
    channels       INTEGER NOT NULL DEFAULT 0, -- sensor channels (hr, cadence, power) in the records
    samples        INTEGER NOT NULL DEFAULT 0, -- rows in records for this activity
    duplicate_of   VARCHAR
);

CREATE TABLE laps (
    activity_id    VARCHAR NOT NULL,
    idx            INTEGER NOT NULL,
    start_utc      TIMESTAMP,
    elapsed_time_s DOUBLE,
    moving_time_s  DOUBLE,
    distance_m     DOUBLE,
    intensity      VARCHAR,
    "trigger"      VARCHAR,
    avg_hr         DOUBLE,
    max_hr         DOUBLE,
    avg_speed      DOUBLE
);

CREATE TABLE workout_steps (
    activity_id   VARCHAR NOT NULL,
    idx           INTEGER NOT NULL,
    name          VARCHAR,
    intensity     VARCHAR,
    duration_type VARCHAR,
    duration      DOUBLE,
    repeat_from   INTEGER,
    repeat_count  INTEGER
);

-- One row per sample, in recording order.
CREATE TABLE records (
    activity_id VARCHAR NOT NULL,
    t           TIMESTAMP,
    lat         DOUBLE,
    lon         DOUBLE,
    altitude    DOUBLE,
    heart_rate  DOUBLE,
    cadence     DOUBLE,
    speed       DOUBLE,
    distance    DOUBLE,
    power       DOUBLE
);

CREATE TABLE analyses (
    activity_id      VARCHAR PRIMARY KEY,
    version          INTEGER NOT NULL,
    class            VARCHAR,
    class_source     VARCHAR,
    evidence         VARCHAR,
    moving_time_s    DOUBLE,
    distance_m       DOUBLE,
    pace_s_per_km    DOUBLE,
    avg_hr           DOUBLE,
    max_hr           DOUBLE,
    elevation_gain_m DOUBLE,
    hr_max_used      DOUBLE,
    zone1_s          DOUBLE,
    zone2_s          DOUBLE,
    zone3_s          DOUBLE,
    zone4_s          DOUBLE,
    zone5_s          DOUBLE,
    trimp            DOUBLE,
    analyzed_at      TIMESTAMP NOT NULL
);

CREATE TABLE race_marks (
    athlete     VARCHAR PRIMARY KEY,
    activity_id VARCHAR,
    race_date   DATE,
    marked_at   TIMESTAMP NOT NULL
);
