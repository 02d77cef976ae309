#!/usr/bin/env bash
# The bucket benchmark (issue 15): the 5,000-site benchmark set ($BENCH_DATA, built by
# scripts/bench.sh) uploaded into a local S3-compatible server (tests/s3_server.py: moto
# with authentication), and `run site-scorecards --exports-only` over it against the same
# run over the files on disk:
#   disk   the run reading $BENCH_DATA;
#   cold   the run reading the bucket with an empty cache (every object fetched);
#   warm   the run reading the bucket again (objects listed, none fetched).
# $BENCH_RUNS runs each (default 5), interleaved; every run is printed, then the medians.
# $BENCH_BIN picks the binary (default: this tree's release build). Needs GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BENCH_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/xbrief"
fi
data="${BENCH_DATA:-bench-data}"
runs="${BENCH_RUNS:-5}"
work=$(mktemp -d)
server_input="$work/server-stdin"
mkfifo "$server_input"
python3 tests/s3_server.py --upload "$data" --bucket bench --region eu-west-1 \
  <"$server_input" >"$work/server.json" 2>/dev/null &
server=$!
exec 3>"$server_input" # the server runs until this closes
trap 'exec 3>&-; kill $server 2>/dev/null; rm -rf "$work"' EXIT
while [ ! -s "$work/server.json" ]; do sleep 0.2; done
read -r port key secret < <(python3 -c "import json,sys; i=json.load(open(sys.argv[1])); print(i['port'], i['key_id'], i['secret'])" "$work/server.json")
export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret"
sed -e "s|^  dir: .*|  dir: s3://bench/\n  s3: { endpoint: \"127.0.0.1:$port\", use_ssl: false, url_style: path, region: eu-west-1, cache: $work/cache }|" \
  -e "s|^  demo_if_missing: true|  demo_if_missing: false|" config/xbrief.yaml >"$work/bucket.yaml"
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
one() { # name, extra flags
  local name=$1; shift
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" --config "$work/bucket.yaml" \
    run site-scorecards --period 2026-10 --exports-only --out "$work/out" "$@" >/dev/null 2>"$work/log" \
    || { echo "$name: the run failed:"; tail -3 "$work/log"; exit 1; }
  read -r wall kb < <(grep -v '^Command' "$work/time")
  echo "$name: $wall s wall, $((kb / 1024)) MiB peak RSS"
  echo "$wall $((kb / 1024))" >>"$work/$name"
}
for _ in $(seq "$runs"); do
  one disk --data "$data"
  rm -rf "$work/cache"
  one cold
  one warm
done
for name in disk cold warm; do
  echo "median $name: $(cut -d' ' -f1 "$work/$name" | median) s, $(cut -d' ' -f2 "$work/$name" | median) MiB"
done
