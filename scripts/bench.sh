#!/usr/bin/env bash
# Benchmark of the foundation: builds the benchmark set once (5,000 sites, 12 months,
# ≈10 M customer and ≈0.75 M employee responses) and times `run site-scorecards` and
# `run comp-quarterly` with --exports-only (figures, CSV exports and manifest), three runs
# each, printing every run and the median wall time and peak RSS. Needs GNU time
# (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/xbrief"
data="${BENCH_DATA:-bench-data}"
runs="${BENCH_RUNS:-3}"
if [ ! -f "$data/sites.parquet" ]; then
  /usr/bin/time -f "demo: %e s wall, %M KB peak RSS" \
    "$bin" demo --out "$data" --sites 5000 --months 12 --responses-per-site-month 167 --until 2026-10
fi
timing=$(mktemp)
for spec in "site-scorecards 2026-10" "comp-quarterly 2026-Q3"; do
  set -- $spec
  walls=(); rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$timing" \
      "$bin" run "$1" --period "$2" --data "$data" --out "${BENCH_OUT:-bench-out}" --exports-only 2>/dev/null
    read -r wall kb < "$timing"
    echo "$1 $2: ${wall} s wall, $((kb / 1024)) MiB peak RSS"
    walls+=("$wall"); rss+=("$kb")
  done
  median_wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  median_rss=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$1 median of $runs: ${median_wall} s wall, $((median_rss / 1024)) MiB peak RSS"
done
rm -f "$timing"
