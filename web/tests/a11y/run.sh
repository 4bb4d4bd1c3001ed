#!/usr/bin/env bash
# Accessibility tests in real headless Chromium with axe-core: starts
# `conservatoire serve --demo` on a free loopback port in a temporary
# folder, adds a curator, a farmer and an exchange session, and runs check.mjs. Needs the `chromium` package
# (Debian) and node (18 or later) with npm. Screenshots go to $SHOTS when set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
cargo build --locked -q --bin conservatoire
bin="$root/target/debug/conservatoire"
work="$(mktemp -d)"
# Port 0: the system picks a free port; the server prints its address.
"$bin" serve --demo --demo-dir "$work/demo" --listen "127.0.0.1:0" > "$work/serve.log" 2>&1 &
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
password="$("$bin" curators add --registry "$work/demo" a11y 2>/dev/null)"
# The exchange's pages: a farmer under contract and a session to come.
farmer_password="$("$bin" farmers add --registry "$work/demo" --name "Camille Essai" \
  --email a11y@example.org --contract A11Y-1 2>/dev/null | tail -n 1)"
# A second one, who erases their account at the end.
eraser_password="$("$bin" farmers add --registry "$work/demo" --name "Dominique Essai" \
  --email a11y-efface@example.org --contract A11Y-2 2>/dev/null | tail -n 1)"
"$bin" exchange add-session --registry "$work/demo" --place "Halle d’essai" \
  --starts "2099-03-14T09:00:00+01:00" --capacity 20 --address "1 rue de l’Essai, 75000 Paris" \
  --accessibility "De plain-pied" --opening-hours "Samedi 9 h – 13 h" >/dev/null 2>&1
cd "$here"
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund --silent; fi
BASE="$base" CURATOR=a11y PASSWORD="$password" FARMER=a11y@example.org \
  FARMER_PASSWORD="$farmer_password" ERASER=a11y-efface@example.org \
  ERASER_PASSWORD="$eraser_password" SHOTS="${SHOTS:-}" node check.mjs
