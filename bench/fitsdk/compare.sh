#!/usr/bin/env bash
# Compares taper with Garmin's official FIT JavaScript SDK on the same
# folder of FIT files: the SDK's decode (one Node process, every record
# message read), taper import --dry-run (decode only) and taper import
# into a new database. Prints each wall time and taper's speed-up.
#
#   bash bench/fitsdk/compare.sh FOLDER        # e.g. $TMPDIR/taper-bench/long-history-10
#
# The folder of go test ./cmd/taper -bench LongHistory serves (it is
# generated once and kept in $TMPDIR/taper-bench). Needs Node.js and npm;
# the SDK is installed here (node_modules, not committed) on first use.
set -euo pipefail
dir=${1:?usage: compare.sh FOLDER}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -d "$here/node_modules/@garmin/fitsdk" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/taper" ./cmd/taper)
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
sdk=$(node "$here/decode.mjs" "$dir")
echo "Garmin FIT JavaScript SDK: $sdk"
sdk_s=$(echo "$sdk" | sed -E 's/.*"seconds":([0-9.]+).*/\1/')
dry_s=$(secs "$work/taper" import --dry-run -q "$dir")
imp_s=$(secs "$work/taper" import --db "$work/bench.duckdb" --athlete bench -q "$dir")
printf 'SDK decode          %6.2f s\n' "$sdk_s"
printf 'taper --dry-run     %6.2f s  (%sx the SDK)\n' "$dry_s" "$(ratio "$sdk_s" "$dry_s")"
printf 'taper import        %6.2f s  (%sx the SDK)\n' "$imp_s" "$(ratio "$sdk_s" "$imp_s")"
