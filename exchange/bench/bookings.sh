#!/usr/bin/env bash
# Bookings per second over HTTP: the release `conservatoire serve`, a
# registry with one large seed lot, BOOKINGS single-unit bookings from
# CLIENTS concurrent clients on loopback (each on a kept-alive connection),
# every answer checked to be 201 and the stock to have moved by BOOKINGS.
# On SQLite; then, when CDL_TEST_POSTGRES_URL is set, on PostgreSQL with one
# and with two servers sharing the database. The client is the CLI test
# harness (tests/cli/exchange.rs, `bookings_per_second`).
#
#   exchange/bench/bookings.sh [BOOKINGS] [CLIENTS]     (defaults: 5000 32)
#   exchange/tests/postgres/run.sh exchange/bench/bookings.sh   # with a private PostgreSQL
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build --release --locked -q --bin conservatoire
out="$(CDL_BENCH_BOOKINGS="${1:-5000}" CDL_BENCH_CLIENTS="${2:-32}" \
  CDL_BENCH_BIN="$root/target/release/conservatoire" \
  cargo test --locked -q -p conservatoire --test cli -- --exact exchange::bookings_per_second --nocapture 2>&1)" \
  || { echo "$out" >&2; exit 1; }
grep -E '^bookings over HTTP' <<<"$out"
