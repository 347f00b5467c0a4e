-- 0002_source_crc32: the CRC-32 (IEEE) of each source file's bytes, as zip
-- central directories and gzip trailers state it, so a re-import can skip an
-- archive member whose (path, size, crc32) is already recorded without
-- inflating or hashing it. NULL in rows written before this migration: they
-- never match and the file is read (and its crc filled in) once more.
ALTER TABLE source_files ADD COLUMN crc32 UINTEGER;
