#!/usr/bin/env bash
# `xbrief serve` between runs: starts the runner on the demo data with site-scorecards
# allowed to catch up its last miss (so one run happens at start), waits for that run to
# finish, then samples the runner for $IDLE_SECONDS (default 20): CPU time used (from
# /proc/<pid>/stat) and resident memory (VmRSS, with its anonymous and file parts), with
# the HTTP listener on (`serve.listen`). Then 50 scrapes of /metrics and of the status page,
# timed by curl (the median and the slowest).
# $BENCH_RUNS repeats (default 3); the medians close the output.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/xbrief"
runs="${BENCH_RUNS:-3}"
idle="${IDLE_SECONDS:-20}"
ticks=$(getconf CLK_TCK)
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
port="${SERVE_PORT:-19184}"
cpus=() rsss=() scrapes=() pages=()
for _ in $(seq "$runs"); do
  work=$(mktemp -d)
  sed -e "s|^  output: out|  output: $work/out|" \
      -e 's|^    schedule: "0 6 3 \* \*"|    schedule: "0 6 3 * *"\n    catch_up_within: 40d|' \
      config/xbrief.yaml > "$work/xbrief.yaml"
  printf '\nserve:\n  listen: 127.0.0.1:%s\n' "$port" >> "$work/xbrief.yaml"
  "$bin" --config "$work/xbrief.yaml" serve 2>"$work/serve.log" &
  pid=$!
  until grep -q "site-scorecards .*: [0-9]* sent" "$work/serve.log"; do
    kill -0 $pid 2>/dev/null || { echo "serve stopped:"; cat "$work/serve.log"; exit 1; }
    sleep 0.5
  done
  sleep 2 # the next housekeeping tick gives the run's memory back
  before=$(awk '{print $14 + $15}' /proc/$pid/stat)
  sleep "$idle"
  after=$(awk '{print $14 + $15}' /proc/$pid/stat)
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  anon=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status)
  file=$(awk '/^RssFile/ {print $2}' /proc/$pid/status)
  cpu=$(awk -v t=$((after - before)) -v hz="$ticks" -v s="$idle" 'BEGIN {printf "%.2f", 100 * t / hz / s}')
  echo "serve idle after a run: ${cpu} % CPU over ${idle} s, VmRSS $((rss / 1024)) MiB (anonymous $((anon / 1024)) MiB, file $((file / 1024)) MiB)"
  cpus+=("$cpu"); rsss+=("$rss")
  timed() { for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$1"; done | sort -n; }
  scrape=$(timed /metrics); page=$(timed /)
  rss_after=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  echo "  /metrics: median $(echo "$scrape" | sed -n 25p) s, slowest $(echo "$scrape" | tail -1) s; status page: median $(echo "$page" | sed -n 25p) s, slowest $(echo "$page" | tail -1) s; VmRSS after the 100 requests $((rss_after / 1024)) MiB"
  scrapes+=("$(echo "$scrape" | sed -n 25p)"); pages+=("$(echo "$page" | sed -n 25p)")
  kill -TERM $pid; wait $pid || true
  rm -rf "$work"
done
echo "serve idle median of $runs: $(printf '%s\n' "${cpus[@]}" | median) % CPU, $(( $(printf '%s\n' "${rsss[@]}" | median) / 1024 )) MiB RSS; /metrics $(printf '%s\n' "${scrapes[@]}" | median) s, status page $(printf '%s\n' "${pages[@]}" | median) s"
