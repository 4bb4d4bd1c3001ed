#!/usr/bin/env bash
# Accessibility tests in real headless Chromium with axe-core: starts
# `conservatoire serve --demo` on a free loopback port in a temporary
# folder, adds a curator, and runs check.mjs. Needs the `chromium` package
# (Debian) and node/npm. Screenshots go to $SHOTS when set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
cargo build --locked -q --bin conservatoire
bin="$root/target/debug/conservatoire"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --demo --demo-dir "$work/demo" --listen "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
  sleep 0.5
done
password="$("$bin" curators add --registry "$work/demo" a11y 2>/dev/null)"
cd "$here"
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund --silent; fi
BASE="http://127.0.0.1:$port" CURATOR=a11y PASSWORD="$password" SHOTS="${SHOTS:-}" node check.mjs
