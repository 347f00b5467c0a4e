-- 0006_source_mtime: the modification time (Unix nanoseconds) of each source
-- file read from disk, so a re-import can skip a file whose (path, size,
-- mtime) is already recorded without opening, reading or hashing it. NULL for
-- archive members and for rows written before this migration: those never
-- match by mtime, and reading such a file again (its sha256 then matches)
-- fills it in.
ALTER TABLE source_files ADD COLUMN mtime_ns BIGINT;
