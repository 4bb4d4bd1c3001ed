#!/usr/bin/env bash
# The exchange on a real PostgreSQL server. Installs Debian's `postgresql`
# package when no server binaries are there (apt-get, with sudo when not
# root), starts a private server of its own (initdb and pg_ctl in a
# temporary folder, as a non-root user, on a free loopback port, trust
# authentication on loopback only), creates a database, exports
# CDL_TEST_POSTGRES_URL and runs the exchange's tests against it: the
# store's tests and the 200-request test with two `serve` processes
# sharing the database. The server is stopped and deleted at the end.
#
# With arguments, runs them instead of the tests, with the URL exported
# (e.g. `exchange/tests/postgres/run.sh exchange/bench/bookings.sh`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin="$(server_bin)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin="$(server_bin)"
fi

work="$(mktemp -d)"
# PostgreSQL refuses to run as root: as root, the server runs as the
# `postgres` system user that the package creates.
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi
stop() {
  as_server "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

as_server "$bin/initdb" -D "$work/data" -U cdl --auth=trust -E UTF8 --no-locale >/dev/null
port=""
for _ in $(seq 1 10); do
  candidate=$((20000 + RANDOM % 40000))
  if as_server "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $candidate -k $work -c max_connections=200" start >/dev/null; then
    port="$candidate"
    break
  fi
done
[ -n "$port" ] || { echo "the PostgreSQL server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
"$bin/createdb" -h 127.0.0.1 -p "$port" -U cdl cdl_ci
export CDL_TEST_POSTGRES_URL="postgres://cdl@127.0.0.1:$port/cdl_ci"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

if [ "$#" -gt 0 ]; then
  "$@"
else
  cargo test --locked -p cdl-exchange -- --nocapture
  cargo test --locked -p conservatoire --test cli -- exchange --nocapture
fi
