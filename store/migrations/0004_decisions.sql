-- 0004_decisions: the coach's decisions (taper serve, taper waive, taper
-- override): a finding waived with a note, a run's class overridden with a
-- note, a race marked or cleared. A decision is never deleted: undoing it
-- sets undone_at and undone_by, so the history stays. A new decision on the
-- same target undoes the one before it (undone_by names the new one's maker).
CREATE SEQUENCE decision_ids START 1;
CREATE TABLE decisions (
    id          BIGINT PRIMARY KEY DEFAULT nextval('decision_ids'),
    athlete     VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL, -- waiver | class_override | race (marked, or cleared when both target columns are NULL)
    activity_id VARCHAR,          -- override: the run; waiver: the finding's activity (NULL for weekly rules); race: the race
    rule        VARCHAR,          -- waiver: the finding's rule id
    on_date     DATE,             -- waiver: the finding's date (weekly rules: the week's end); race: the race day
    class       VARCHAR,          -- override: the class the coach gives the run
    note        VARCHAR NOT NULL,
    made_by     VARCHAR NOT NULL, -- the token's name, or local
    made_at     TIMESTAMP NOT NULL,
    undone_by   VARCHAR,
    undone_at   TIMESTAMP
);
