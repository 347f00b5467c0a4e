// Package ingest finds watch files in folders and archives and decodes FIT,
// GPX and TCX files, Apple Health exports and the platforms' listings of
// activities without a file (Strava's activities.csv, Garmin's
// summarizedActivities.json) into analysis.Activity values, with units
// cleaned up.
//
// Walk streams the files under its inputs (folders, .gz files, zips and
// zips nested in zips, never extracting anything to disk) one Entry at a
// time; Decoder.Decode decides each entry's format by content, decodes it
// and says whether it was imported, skipped (not an activity, or a format
// taper does not read) or rejected (an activity file that gave nothing
// usable, with a *FileError saying why and what to do).
//
// Re-imports: every Entry carries the CRC-32 of its data. WalkOptions.Skip
// is asked, before anything is decompressed or hashed, about each file
// whose size and CRC-32 the archive already states (zip central directory
// or local header, gzip trailer); a file it accepts is passed on as
// Entry.Skipped without being read, so walking an already imported
// 2,000-file Garmin export takes about 1 ms instead of 1.5 s.
//
// Memory: only what may be an activity is held in memory. An entry bigger
// than HeadOnlyThreshold (1 MiB) whose first HeadBytes (8 KiB) are not
// FIT, XML that could be GPX, gzip or zip (a Strava media/ video, a
// Garmin JSON dump, a database file) is streamed through sha256 and
// CRC-32 and passed on as Entry.HeadOnly: Data is its head, Size, SHA256
// and CRC32 describe the whole content, and Decode gives the Result the
// whole content would. Such a file is never "too large", except
// compressed data inflating past both MaxEntryBytes and 64 times its
// compressed size: a zip bomb, reported as an error. Walking a 50 MiB video allocates under 0.1 MB on disk or
// stored in a zip, about 2.3 MB as a streamed deflated member.
// WalkOptions.Exclude (ExcludeFiles) leaves named files on disk, such as
// taper's own database, its .wal and .tmp folder, unopened.
//
// Decoders, as measured on real files (../shared/corpus):
//
//   - FIT: github.com/muktihari/fit v0.26.1 through its streaming message
//     listener (about 770,000 records/s here, one-hour 1 Hz file in under
//     5 ms). It reports false CRC mismatches on some valid older files, so
//     taper decodes with WithIgnoreChecksum and checks the CRC-16 itself; a
//     real mismatch keeps the data and marks the activity partial.
//   - github.com/tormoder/fit v0.15.0 is not used: it rejects files of
//     current devices (Forerunner 255, Coros PACE 2 after 1,785 of 11,272
//     records) and accumulates compressed-timestamp distance wrongly. The
//     tests use it as an independent cross-check.
//   - GPX: streamed with the same tokenizer as TCX (gpxReader): memory is
//     the file's bytes and one 88-byte sample per kept point, allocated
//     once (TestDecodeGPXMemoryFlat), so files up to DefaultMaxGPXBytes
//     (64 MB) are read. GPX 1.0 and 1.1 alike, extensions included.
//     Points with missing coordinates or unparsable times are dropped and
//     counted. github.com/tkrajina/gpxgo v1.5.1, the previous decoder
//     (about 19 times the file size in memory), is used only by synth's
//     tests, as an independent parser.
//   - TCX: streamed with github.com/muktihari/xmltokenizer v0.0.5 (its raw
//     tokens; tags are split by taper), 4 to 5 times the throughput of
//     encoding/xml's streaming decoder on the same parser and a ninth of
//     its allocation (see tcxTokenize). Each Activity, also each leg of a
//     MultiSportSession, is one activity; totals are the laps' own
//     (TotalTimeSeconds summed is the moving time), else the points'; a
//     heart rate of 255 is a no-sensor sentinel; points whose clock is out
//     of step with the laps (none within the laps' span) are moved onto
//     the laps' clock. Files over DefaultMaxTCXBytes are rejected;
//     courses- and workouts-only files are skipped by kind; a truncated or
//     malformed file keeps its complete trackpoints, marked partial.
//   - Apple Health: export.xml is read while walking (Entry.Health; see
//     ReadHealthExport), in two streaming passes when it can be opened
//     again, keeping only the heart-rate and distance records inside
//     workouts; its route files are part of it (Entry.PartOf). Use
//     Decoder.DecodeEntry for entries from Walk.
//   - Listings: rows of Strava's activities.csv without a file and
//     Garmin's summaries become summary-only activities (Format "csv" or
//     "json", no samples), which analysis ranks below any recording of
//     the same activity.
//   - Time zones: github.com/ringsaturn/tzf v1.0.2. Its DefaultFinder costs
//     about 1 s and 180 MB peak to load; taper loads its tile index alone
//     first (0.1 s, 40 MB) and the zone polygons only for a position the
//     index does not resolve (near a border), once per Decoder.
//
// Conventions: every chained FIT segment's and every multisport leg's
// session is one activity; NaN means "not recorded"; positions are degrees;
// times are UTC with the local offset beside them.
package ingest
