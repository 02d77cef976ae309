#!/usr/bin/env bash
# Benchmarks on the benchmark set (5,000 sites, 12 months, ≈10 M customer and ≈0.75 M
# employee responses; built once into $BENCH_DATA):
#   1. foundation: `run site-scorecards` and `run comp-quarterly` with --exports-only
#      (figures, CSV exports and manifest);
#   2. briefings: `run site-scorecards` in full — 5,000 manager scorecards rendered to PDF
#      and written to the outbox — with the rendering stage's wall time and its p50 / p99
#      time per PDF as the run reports them;
#   3. delivery: the same run sending over SMTP to a local aiosmtpd server (counting only),
#      with DuckDB capped at 200MB (`data.memory_limit`), and the send stage's time and rate.
# $BENCH_RUNS runs each (default 3); every run is printed, then the medians. Needs GNU time
# (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/xbrief"
data="${BENCH_DATA:-bench-data}"
runs="${BENCH_RUNS:-3}"
out="${BENCH_OUT:-bench-out}"
if [ ! -f "$data/sites.parquet" ]; then
  /usr/bin/time -f "demo: %e s wall, %M KB peak RSS" \
    "$bin" demo --out "$data" --sites 5000 --months 12 --responses-per-site-month 167 --until 2026-10
fi
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
timing=$(mktemp)
log=$(mktemp)
bench() { # name, job, period, extra flags
  local name=$1 job=$2 period=$3; shift 3
  local walls=() rss=() renders=() p50s=() p99s=() sends=() rates=()
  for _ in $(seq "$runs"); do
    rm -rf "$out"
    if ! /usr/bin/time -f "%e %M" -o "$timing" \
      "$bin" --config "${BENCH_CONFIG:-config/xbrief.yaml}" run "$job" --period "$period" --data "$data" --out "$out" "$@" 2>"$log"; then
      echo "$name: the run failed:"; grep -v '^Command exited' "$log" | tail -5
    fi
    sed -i '/^Command exited/d' "$timing"
    read -r wall kb < "$timing"
    line="$name: ${wall} s wall, $((kb / 1024)) MiB peak RSS"
    if sent=$(grep -o '[1-9][0-9]* sent in [0-9.]* s ([0-9]*/s)' "$log"); then
      line="$line; $sent"
      sends+=("$(echo "$sent" | awk '{print $4}')")
      rates+=("$(echo "$sent" | awk '{print $6}' | tr -d '(/s)')")
    fi
    if render=$(grep -o 'rendering: .*' "$log"); then
      line="$line; $render"
      renders+=("$(echo "$render" | awk '{print $2}')")
      p50s+=("$(echo "$render" | awk '{print $7}')")
      p99s+=("$(echo "$render" | awk '{print $10}')")
    fi
    echo "$line"
    walls+=("$wall"); rss+=("$kb")
  done
  local summary="$name median of $runs: $(printf '%s\n' "${walls[@]}" | median) s wall, $(( $(printf '%s\n' "${rss[@]}" | median) / 1024 )) MiB peak RSS"
  if [ ${#sends[@]} -gt 0 ]; then
    summary="$summary; sending $(printf '%s\n' "${sends[@]}" | median) s, $(printf '%s\n' "${rates[@]}" | median) messages/s"
  fi
  if [ ${#renders[@]} -gt 0 ]; then
    summary="$summary; rendering $(printf '%s\n' "${renders[@]}" | median) s, p50 $(printf '%s\n' "${p50s[@]}" | median) ms, p99 $(printf '%s\n' "${p99s[@]}" | median) ms per PDF"
  fi
  echo "$summary"
}
bench "site-scorecards --exports-only" site-scorecards 2026-10 --exports-only
bench "comp-quarterly --exports-only" comp-quarterly 2026-Q3 --exports-only
bench "site-scorecards (5,000 PDFs and emails)" site-scorecards 2026-10
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
store=$(mktemp -d)
python3 tests/smtp_server.py --port "$port" --store "$store" --count-only >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
BENCH_CONFIG=$(mktemp --suffix .yaml)
sed 's/^  # memory_limit: .*/  memory_limit: 200MB/' config/xbrief.yaml > "$BENCH_CONFIG"
export BENCH_CONFIG XBRIEF_SMTP_HOST=127.0.0.1 XBRIEF_SMTP_PORT=$port XBRIEF_SMTP_TLS=none
bench "site-scorecards over SMTP (memory_limit 200MB)" site-scorecards 2026-10 --transport smtp
echo "SMTP server received $(cat "$store/count") messages"
rm -rf "$timing" "$log" "$store" "$BENCH_CONFIG"
