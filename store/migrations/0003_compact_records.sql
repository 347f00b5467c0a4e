-- 0003_compact_records: records stored compactly, keyed by an integer
-- activity key. Each activity gets activities.key (unique, assigned in
-- increasing order by the writer) and activities.t0, the time base of its
-- records. The samples table holds one row per record with whole-number
-- columns in fixed steps, which DuckDB's bit-packing compresses well;
-- rows are written in key order, so a read of one activity is pruned to
-- its row groups by their min/max key (zone maps).
--   t         ms after activities.t0, plus activities.t_base
--   lat, lon  1e-7 degrees (about 1 cm)
--   altitude  dm
--   speed     mm/s
--   distance  cm, plus activities.distance_base
--   heart_rate, cadence, power: FLOAT (bpm, rpm, W as recorded)
-- The writer chooses t_base and distance_base so that t and distance run on
-- from the previous activity's last row: the column stays smooth across
-- activities, and bit-packing's delta groups stay narrow.
-- records is now a view with the old columns (for taper sql and scripts).
ALTER TABLE activities ADD COLUMN key INTEGER;
ALTER TABLE activities ADD COLUMN t0 TIMESTAMP;
ALTER TABLE activities ADD COLUMN t_base BIGINT DEFAULT 0;
ALTER TABLE activities ADD COLUMN distance_base BIGINT DEFAULT 0;

UPDATE activities SET key = k.key
FROM (SELECT id, row_number() OVER (ORDER BY start_utc NULLS FIRST, id)::INTEGER AS key FROM activities) AS k
WHERE activities.id = k.id;

UPDATE activities SET t0 = f.t0
FROM (SELECT activity_id, date_trunc('millisecond', min(t)) AS t0 FROM records GROUP BY activity_id) AS f
WHERE activities.id = f.activity_id;

CREATE TABLE samples (
    key        INTEGER NOT NULL,
    t          BIGINT,
    lat        INTEGER,
    lon        INTEGER,
    altitude   INTEGER,
    heart_rate FLOAT,
    cadence    FLOAT,
    speed      INTEGER,
    distance   BIGINT,
    power      FLOAT
);

INSERT INTO samples
SELECT a.key,
       epoch_ms(r.t) - epoch_ms(a.t0),
       TRY_CAST(round(r.lat * 1e7) AS INTEGER),
       TRY_CAST(round(r.lon * 1e7) AS INTEGER),
       TRY_CAST(round(r.altitude * 10) AS INTEGER),
       r.heart_rate::FLOAT,
       r.cadence::FLOAT,
       TRY_CAST(round(r.speed * 1000) AS INTEGER),
       TRY_CAST(round(r.distance * 100) AS BIGINT),
       r.power::FLOAT
FROM records r JOIN activities a ON a.id = r.activity_id
ORDER BY a.key, r.rowid;

DROP TABLE records;

CREATE VIEW records AS
SELECT a.id AS activity_id,
       a.t0 + to_milliseconds(s.t - a.t_base) AS t,
       s.lat / 1e7 AS lat,
       s.lon / 1e7 AS lon,
       s.altitude / 10 AS altitude,
       s.heart_rate::DOUBLE AS heart_rate,
       s.cadence::DOUBLE AS cadence,
       s.speed / 1000 AS speed,
       (s.distance - a.distance_base) / 100 AS distance,
       s.power::DOUBLE AS power
FROM samples s LEFT JOIN activities a ON a.key = s.key;
