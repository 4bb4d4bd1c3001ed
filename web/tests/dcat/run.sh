#!/usr/bin/env bash
# DCAT-AP 3 of the demo catalogue (Turtle, JSON-LD, content negotiation)
# parsed with rdflib and validated with pySHACL against the DCAT-AP 3.0.1
# shapes beside this file: fails on any sh:Violation. Prints the counts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
venv="$root/target/oai-venv"
if ! "$venv/bin/python" -c 'import pyshacl' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyshacl==0.30.1" "rdflib==7.6.0"
fi
cargo build --locked -q --bin conservatoire
bin="$root/target/debug/conservatoire"
work="$(mktemp -d)"
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
"$venv/bin/python" "$here/check.py" "$base" "$here/shacl/dcat-ap-SHACL.ttl"
