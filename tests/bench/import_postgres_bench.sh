#!/usr/bin/env bash
# Import into PostgreSQL next to SQLite, in the same run on the same machine.
#
#   import_postgres_bench.sh CRN_SERVER [CALLS...]
#
# For each CALLS (default: 1000, the generator's default day, and 100000) generates a day with
# `crn-server generate --seed 42`, imports it with `crn-server import` into a new SQLite file
# and into a new database of a PostgreSQL cluster that this script starts on a free port on
# 127.0.0.1 (initdb into a temporary folder, binaries from /usr/lib/postgresql/*/bin, run as the
# user postgres when root: PostgreSQL refuses root), and prints seconds, events per second and
# peak memory of both. The cluster is stopped and the folder removed at the end, also on error.
# fsync stays on: the figures are those of a real database.
set -euo pipefail

server=$(realpath "$1")
shift
sizes=("${@:-1000 100000}")
read -ra sizes <<<"${sizes[*]}"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$bin/pg_ctl" ]] || { echo "PostgreSQL is not installed: run scripts/install-deps" >&2; exit 1; }
work=$(mktemp -d /tmp/crn-pg-bench-XXXXXX)
as_postgres=()
if ((EUID == 0)); then
    chown postgres: "$work"
    as_postgres=(runuser -u postgres --)
fi
cleanup() {
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_postgres[@]}" "$bin/initdb" -D "$work/data" -U crn -A trust -E UTF8 --locale=C >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
    -o "-k $work -p $port -c listen_addresses=127.0.0.1" start >/dev/null
url() { echo "postgresql://crn@127.0.0.1:$port/$1"; }

now() { date +%s.%N; }
peak_mib() { echo $(($(grep -o 'Maximum resident set size (kbytes): [0-9]*' "$1" | grep -o '[0-9]*$') / 1024)); }

printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %9s  %-10s %9s %12s %9s\n' calls events store seconds events/s "peak MiB"
for calls in "${sizes[@]}"; do
    day="$work/day-$calls"
    "$server" generate --out "$day" --calls "$calls" --seed 42 >/dev/null
    events=$(cat "$day/cel/Master.csv" "$day/queue_log" | wc -l)
    "${as_postgres[@]}" "$bin/createdb" -h "$work" -p "$port" -U crn "calls_$calls"
    for store in sqlite postgresql; do
        db=$([[ $store == sqlite ]] && echo "$work/calls-$calls.sqlite" || url "calls_$calls")
        start=$(now)
        /usr/bin/time -v "$server" import --db "$db" "$day" >"$work/out" 2>"$work/time"
        seconds=$(echo "$(now) - $start" | bc -l)
        grep -q "^imported .*: $calls calls" "$work/out" || { cat "$work/out" >&2; exit 1; }
        printf '%8d %9d  %-10s %9.2f %12.0f %9d\n' "$calls" "$events" "$store" "$seconds" \
            "$(echo "$events / $seconds" | bc -l)" "$(peak_mib "$work/time")"
    done
    rm -rf "$day"
done
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
