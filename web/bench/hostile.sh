#!/usr/bin/env bash
# What hostile requests cost the server: CPU per request (from the
# server's /proc/PID/stat, utime + stime), reply sizes, /healthz latency
# while 10 hostile requests run at once, and peak memory (VmHWM) under 100
# concurrent proposals. Needs curl and a release build; figures in
# web/BENCHMARKS.md.
#
#   web/bench/hostile.sh [RECORDS]          (default: 1000 generated records)
#
# HOSTILE_BIN=PATH measures another build of `conservatoire` (an older
# commit, to compare); HOSTILE_DIR=DIR keeps the generated registry;
# HOSTILE_N=N sets the requests per figure (default 20; fewer for a build
# where each costs seconds); HOSTILE_MEMORY="tags big upload" chooses the
# memory runs.
set -euo pipefail
records="${1:-1000}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
if [ -z "${HOSTILE_BIN:-}" ]; then
  cargo build --release --locked -q --bin conservatoire
fi
bin="${HOSTILE_BIN:-$root/target/release/conservatoire}"
work="${HOSTILE_DIR:-$(mktemp -d)}"
if [ ! -d "$work/registry" ]; then
  "$bin" generate --records "$records" "$work/registry" > /dev/null 2>&1
fi
tick="$(getconf CLK_TCK)"
n="${HOSTILE_N:-20}"

# The hostile inputs: the 262 KB record of 87,314 empty tags, a 1 MB body
# (the default body limit), a search with 8,000 distinct tags (63 KB, under
# the 64 KiB an address may have).
{
  printf 'id = "flood"\nkind = "software"\ntitle = "T"\nlicense = "MIT"\ntags = ['
  printf '"",%.0s' $(seq 87314)
  printf ']\n'
} > "$work/tags.toml"
head -c 1048000 /dev/zero | tr '\0' '#' > "$work/big.toml"
tags="$(awk 'BEGIN {
  d = "0123456789abcdefghijklmnopqrstuvwxyz"
  for (i = 0; i < 8000; i++) {
    v = ""; n = i
    do { v = substr(d, n % 36 + 1, 1) v; n = int(n / 36) } while (n > 0)
    printf "%stag=%s", (i ? "&" : ""), v
  }
}')"

server=""
stop() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  server=""
}
trap stop EXIT

# start [CONFIG]: a fresh server (its peak memory starts from zero).
start() {
  stop
  "$bin" serve --registry "$work/registry" --listen 127.0.0.1:0 ${1:+--config "$1"} \
    > "$work/serve.log" 2>&1 &
  server=$!
  base=""
  for _ in $(seq 1 600); do
    base="$(sed -n 's#^serving on \(http://[0-9.:]*\)/$#\1#p' "$work/serve.log")"
    [ -n "$base" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.2
  done
  curl -s -o /dev/null "$base/healthz"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
rss_mb() { awk -v k="$1" '$1 == k":" { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }

propose() { # FILE: POST it to the API; prints the status and the reply size
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' \
    -H 'content-type: application/toml' --data-binary "@$1" "$base/api/v1/proposals"
}
upload() { # FILE: upload it through the form, with a CSRF token
  local token
  token="$(curl -s -D - -o /dev/null "$base/propose" | sed -n 's/^set-cookie: cdl_csrf=\([^;]*\).*/\1/ip' | tr -d '\r')"
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -H "cookie: cdl_csrf=$token" \
    -F "csrf=$token" -F "file=@$1;type=application/toml" "$base/propose/upload"
}
search() { # PATH: GET it
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$base$1?$tags"
}

# cost NAME N COMMAND...: CPU per request over N requests, one at a time.
cost() {
  local name="$1" n="$2" before after reply
  shift 2
  before="$(cpu_ticks)"
  for _ in $(seq 1 "$n"); do reply="$("$@")"; done
  after="$(cpu_ticks)"
  awk -v n="$n" -v d="$((after - before))" -v t="$tick" -v name="$name" -v r="$reply" \
    'BEGIN { split(r, a, " "); printf "%-34s %4s %9d bytes %8.1f ms CPU/request\n", name, a[1], a[2], d * 1000 / t / n }'
}

config="$work/bench.toml"
# Every proposal is parsed: the rate limit would otherwise refuse most.
printf 'proposals_burst = 100000\nproposals_per_hour = 100000\nsecure_cookies = false\n' > "$config"

echo "== CPU and reply size per request (server: $bin, $records records)"
start "$config"
cost "API: 262 KB record, empty tags" "$n" propose "$work/tags.toml"
cost "API: 1 MB body" "$n" propose "$work/big.toml"
cost "upload: 262 KB record, empty tags" "$n" upload "$work/tags.toml"
cost "GET /search, 8,000 tags" "$n" search /search
cost "GET /api/v1/search, 8,000 tags" "$n" search /api/v1/search

echo "== /healthz while 10 hostile proposals run at once"
: > "$work/healthz.txt"
workers=()
for _ in $(seq 1 10); do
  ( for _ in $(seq 1 "$n"); do propose "$work/tags.toml" > /dev/null; done ) &
  workers+=($!)
done
sleep 0.2
while kill -0 "${workers[0]}" 2>/dev/null; do
  curl -s -o /dev/null -w '%{time_total}\n' "$base/healthz" >> "$work/healthz.txt"
  sleep 0.05
done
wait "${workers[@]}"
sort -n "$work/healthz.txt" | awk '{ a[NR] = $1 * 1000 } END { printf "healthz over %d tries: median %.1f ms, max %.1f ms\n", NR, a[int((NR + 1) / 2)], a[NR] }'

echo "== peak memory (VmHWM) under 100 concurrent proposals"
for file in ${HOSTILE_MEMORY:-tags big upload}; do
  case "$file" in
    tags) what="262 KB hostile records (API)" ;;
    big) what="1 MB bodies (API)" ;;
    *) what="262 KB hostile records (upload)" ;;
  esac
  start "$config"
  idle="$(rss_mb VmRSS)"
  clients=()
  for _ in $(seq 1 100); do
    if [ "$file" = upload ]; then upload "$work/tags.toml" > /dev/null & else propose "$work/$file.toml" > /dev/null & fi
    clients+=($!)
  done
  wait "${clients[@]}"
  echo "$what: idle ${idle} MB RSS, peak $(rss_mb VmHWM) MB"
done
