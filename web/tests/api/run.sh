#!/usr/bin/env bash
# The API contract: Schemathesis (pinned below, in a venv under target/)
# against `conservatoire serve --demo` on a free loopback port, with the
# OpenAPI document the server generates, every check on. Settings and the
# reasons for them: schemathesis.toml beside this file. Fails on any
# failure; bounded to a few minutes. Extra arguments go to Schemathesis
# (for example `--seed N` to replay a run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
version=4.32.5
venv="$root/target/ci-venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi
cargo build --locked -q --bin conservatoire
bin="$root/target/debug/conservatoire"
work="$(mktemp -d)"
# Proposals are rate limited (every attempt counts): raised for this run so
# that Schemathesis reaches the handler rather than the 429.
cat > "$work/config.toml" <<'TOML'
proposals_burst = 100000
proposals_per_hour = 100000
TOML
# Port 0: the system picks a free port; the server prints its address.
"$bin" serve --demo --demo-dir "$work/demo" --config "$work/config.toml" --listen "127.0.0.1:0" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
base=""
for _ in $(seq 1 240); do
  base="$(sed -n 's#^serving on \(http://[0-9.:]*\)/$#\1#p' "$work/serve.log")"
  if [ -n "$base" ]; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
  sleep 0.5
done
[ -n "$base" ] || { echo "the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
cd "$here"
PYTHONPATH="$here" SCHEMATHESIS_HOOKS=hooks timeout 600 "$venv/bin/schemathesis" \
  --config-file "$here/schemathesis.toml" \
  run "$base/api/v1/openapi.json" --checks all --max-examples 100 "$@"
