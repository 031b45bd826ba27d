#!/usr/bin/env bash
# Import speed and memory, measured against the sqlite3 CLI in the same run.
#
#   import_bench.sh CRN_SERVER [MIN_EVENTS]
#
# Generates a contact-center day with at least MIN_EVENTS CEL events (default 1,000,000),
# imports it with `crn-server import`, and `.import`s the same rows into a plain 20-column table
# with the sqlite3 CLI. Prints events per second for both and their ratio (goal: at least 0.5),
# then the peak memory of crn-server at half and at full size (goal: flat in the file's size).
set -euo pipefail

server=$(realpath "$1")
min_events=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The generator writes about 20 CEL events a call; grow until the file is large enough.
generate() { # calls dir
    "$server" generate --out "$2" --calls "$1" --seed 42 >/dev/null
    wc -l <"$2/cel/Master.csv"
}

calls=$((min_events / 20 + 1))
while :; do
    events=$(generate "$calls" "$work/full")
    ((events >= min_events)) && break
    rm -rf "$work/full"
    calls=$((calls * min_events / events + 1))
done
half_events=$(generate $((calls / 2)) "$work/half")

now() { date +%s.%N; }
peak_kib() { grep -o 'Maximum resident set size (kbytes): [0-9]*' "$1" | grep -o '[0-9]*$'; }

# crn-server, CEL only so that both sides read the same rows.
mkdir -p "$work/full-cel" "$work/half-cel"
mv "$work/full/cel/Master.csv" "$work/full-cel/Master.csv"
mv "$work/half/cel/Master.csv" "$work/half-cel/Master.csv"

start=$(now)
/usr/bin/time -v "$server" import --db "$work/full.db" "$work/full-cel" \
    >"$work/full.out" 2>"$work/full.time"
ours=$(echo "$(now) - $start" | bc -l)
/usr/bin/time -v "$server" import --db "$work/half.db" "$work/half-cel" \
    >/dev/null 2>"$work/half.time"

columns=$(printf 'c%d TEXT,' $(seq 20))
start=$(now)
sqlite3 "$work/reference.db" "CREATE TABLE cel (${columns%,});" ".import --csv $work/full-cel/Master.csv cel"
reference=$(echo "$(now) - $start" | bc -l)
imported=$(sqlite3 "$work/reference.db" 'SELECT count(*) FROM cel')
((imported == events)) || { echo "sqlite3 imported $imported of $events rows" >&2; exit 1; }

ours_rate=$(echo "$events / $ours" | bc -l)
reference_rate=$(echo "$events / $reference" | bc -l)
printf 'crn-server import: %s\n' "$(tail -n 1 "$work/full.out")"
printf 'events:            %d (half run: %d)\n' "$events" "$half_events"
printf 'crn-server import: %10.0f events/s (%.2f s)\n' "$ours_rate" "$ours"
printf 'sqlite3 .import:   %10.0f events/s (%.2f s)\n' "$reference_rate" "$reference"
printf 'ratio:             %.2f (goal >= 0.50)\n' "$(echo "$ours_rate / $reference_rate" | bc -l)"
printf 'peak memory:       %d MiB at %d events, %d MiB at %d events\n' \
    $(($(peak_kib "$work/half.time") / 1024)) "$half_events" \
    $(($(peak_kib "$work/full.time") / 1024)) "$events"
