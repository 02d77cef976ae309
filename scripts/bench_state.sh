#!/usr/bin/env bash
# The state store's cost: the 5,000-site full run of site-scorecards (5,000 PDFs, each sent
# over SMTP to a local counting aiosmtpd), with
#   1. the embedded SQLite store, one process;
#   2. a PostgreSQL store (a throwaway cluster of Debian's server, fsync on), one process;
#   3. PostgreSQL, 2 shards in parallel;   4. PostgreSQL, 4 shards in parallel.
# Runs alternate between the variants, $BENCH_RUNS rounds (default 3); each run gets a fresh
# output folder and a fresh database. Printed: every run, then the medians of the wall time
# and of the send stage ("sent in"). $BASE_BIN, when set, adds the SQLite run of that binary
# (an A/B against a previous build, on the same day). Needs GNU time and postgresql.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/xbrief"
data="${BENCH_DATA:-bench-data}"
runs="${BENCH_RUNS:-3}"
work=$(mktemp -d)
chmod 755 "$work"
if [ ! -f "$data/sites.parquet" ]; then
  "$bin" demo --out "$data" --sites 5000 --months 12 --responses-per-site-month 167 --until 2026-10
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_port=$(free_port)
mkdir -p "$work/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" -l "$work/pg/log" -w start >/dev/null
smtp_port=$(free_port)
mkdir -p "$work/mail"
python3 tests/smtp_server.py --port "$smtp_port" --store "$work/mail" --count-only >/dev/null &
server=$!
trap 'kill $server 2>/dev/null; as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null; rm -rf "$work"' EXIT
sleep 1
config="$work/xbrief.yaml"
sed 's/^  # memory_limit: .*/  memory_limit: 350MB/' config/xbrief.yaml > "$config"
export XBRIEF_SMTP_HOST=127.0.0.1 XBRIEF_SMTP_PORT=$smtp_port XBRIEF_SMTP_TLS=none
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
n=0
# one variant's run: name, binary, shards (0: one process), store (sqlite or pg)
one() {
  local name=$1 binary=$2 shards=$3 store=$4
  n=$((n + 1))
  local out="$work/out-$n" url=""
  if [ "$store" = pg ]; then
    as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "bench_$n"
    url="postgres://postgres@127.0.0.1:$pg_port/bench_$n"
  fi
  local started ended sent="" rss
  started=$(date +%s.%N)
  if [ "$shards" -eq 0 ]; then
    XBRIEF_STATE_URL=$url /usr/bin/time -f "%M" -o "$work/rss" "$binary" --config "$config" run site-scorecards --period 2026-10 \
      --data "$data" --out "$out" --transport smtp 2>"$work/log" || { tail -3 "$work/log"; return 1; }
    sent=$(grep -o 'sent in [0-9.]* s' "$work/log" | awk '{print $3}')
  else
    for i in $(seq "$shards"); do
      XBRIEF_STATE_URL=$url /usr/bin/time -f "%M" -o "$work/rss-$i" "$binary" --config "$config" run site-scorecards --period 2026-10 \
        --data "$data" --out "$out" --transport smtp --shard "$i/$shards" 2>"$work/log-$i" &
    done
    local failed=0
    for job in $(jobs -p); do
      [ "$job" = "$server" ] && continue
      wait "$job" || failed=1
    done
    if [ "$failed" -ne 0 ]; then tail -n 4 "$work"/log-*; return 1; fi
    cat "$work"/rss-* > "$work/rss"
    rm -f "$work"/rss-*
  fi
  ended=$(date +%s.%N)
  rss=$(( $(sort -n "$work/rss" | tail -1) / 1024 ))
  local wall
  wall=$(echo "$ended - $started" | bc)
  echo "$name: ${wall} s wall, ${rss} MiB peak RSS per process${sent:+, sending $sent s}"
  echo "$name $wall ${sent:-0}" >> "$work/results"
  rm -rf "$out"
}
for round in $(seq "$runs"); do
  [ -n "${BASE_BIN:-}" ] && one "base-sqlite" "$BASE_BIN" 0 sqlite
  one "sqlite" "$bin" 0 sqlite
  one "postgres" "$bin" 0 pg
  one "postgres-2-shards" "$bin" 2 pg
  one "postgres-4-shards" "$bin" 4 pg
done
echo "SMTP server received $(cat "$work/mail/count") messages"
for name in base-sqlite sqlite postgres postgres-2-shards postgres-4-shards; do
  grep -q "^$name " "$work/results" || continue
  wall=$(grep "^$name " "$work/results" | awk '{print $2}' | median)
  sent=$(grep "^$name " "$work/results" | awk '{print $3}' | median)
  [ "$sent" = 0 ] && sent=""   # shards: their sends overlap, the wall time says it
  echo "$name median of $runs: $wall s wall${sent:+, sending $sent s}"
done
