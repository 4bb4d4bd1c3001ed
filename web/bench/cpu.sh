#!/usr/bin/env bash
# The CPU one uncached search costs the server: one client at a time
# (wrk -t1 -c1) sends GET /api/v1/search with the long tail of distinct
# queries (search-long-tail.lua, seeded so that every run draws the same
# ones), the result cache off; the server's utime + stime from
# /proc/PID/stat, divided by the requests served. Unlike the latency of 50
# clients, this figure barely moves when other work shares the cores.
#
#   web/bench/cpu.sh [RECORDS] [DURATION]      (defaults: 100000 20s)
#
# CPU_BIN=PATH measures another build of `conservatoire` (to compare with
# an older commit); LOAD_DIR=DIR keeps the generated registry between runs;
# CPU_PERF=FILE also records a profile of the server with `perf record`
# (Debian package linux-perf), for `perf report -i FILE`.
set -euo pipefail
records="${1:-100000}"
duration="${2:-20s}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
if [ -z "${CPU_BIN:-}" ]; then
  cargo build --release --locked -q --bin conservatoire
fi
bin="${CPU_BIN:-$root/target/release/conservatoire}"
work="${LOAD_DIR:-$(mktemp -d)}"
if [ ! -d "$work/registry" ]; then
  echo "generating $records records in $work/registry"
  "$bin" generate --records "$records" "$work/registry" >&2
fi
CONSERVATOIRE_SEARCH_CACHE_ENTRIES=0 \
  "$bin" serve --registry "$work/registry" --listen 127.0.0.1:0 > "$work/serve.log" 2>&1 &
server=$!
perf_pid=""
stop() {
  [ -n "$perf_pid" ] && { kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; }
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT
base=""
for _ in $(seq 1 1200); do
  base="$(sed -n 's#^serving on \(http://[0-9.:]*\)/$#\1#p' "$work/serve.log")"
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
script="$here/search-long-tail.lua"
# Warm-up: the per-segment tables are built on first use.
WRK_SEED=7 wrk -t1 -c1 -d3s -s "$script" "$base" > /dev/null
if [ -n "${CPU_PERF:-}" ]; then
  perf record -q -g -F 999 -p "$server" -o "$CPU_PERF" > /dev/null 2>&1 &
  perf_pid=$!
  sleep 0.5
fi
tick="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
before="$(cpu_ticks)"
out="$(WRK_SEED=1 wrk -t1 -c1 -d"$duration" --latency -s "$script" "$base")"
after="$(cpu_ticks)"
requests="$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')"
printf '%s\n' "$out"
awk -v t="$((after - before))" -v n="$requests" -v hz="$tick" 'BEGIN {
  printf "server CPU: %.2f s for %d requests, %.3f ms per request\n", t / hz, n, 1000 * t / hz / n
}'
