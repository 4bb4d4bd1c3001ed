#!/usr/bin/env bash
# Load test of GET /api/v1/search at 100,000 records: 50 concurrent clients
# on loopback with wrk, p99 latency reported. Needs `wrk` (apt-get install
# wrk) and a release build.
#
#   web/bench/load.sh [RECORDS] [DURATION]      (defaults: 100000 30s)
#
# LOAD_SCRIPT=search-long-tail.lua draws ~15,000 distinct queries instead
# of 18; LOAD_DIR=DIR keeps the generated registry between runs; server
# settings pass through the environment (CONSERVATOIRE_SEARCH_CACHE_ENTRIES=0
# turns the result cache off).
set -euo pipefail
records="${1:-100000}"
duration="${2:-30s}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cargo build --release --locked -q --bin conservatoire
bin="$root/target/release/conservatoire"
work="${LOAD_DIR:-$(mktemp -d)}"
if [ ! -d "$work/registry" ]; then
  echo "generating $records records in $work/registry"
  "$bin" generate --records "$records" "$work/registry" >&2
fi
"$bin" serve --registry "$work/registry" --listen 127.0.0.1:0 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
base=""
for _ in $(seq 1 1200); do
  base="$(sed -n 's#^serving on \(http://[0-9.:]*\)/$#\1#p' "$work/serve.log")"
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
echo "server: $base ($(curl -s "$base/metrics" | sed -n 's/^cdl_indexed_records //p') records indexed)"
script="$here/${LOAD_SCRIPT:-search.lua}"
wrk -t2 -c50 -d5s -s "$script" "$base" > /dev/null   # warm-up
wrk -t2 -c50 -d"$duration" --latency -s "$script" "$base"
