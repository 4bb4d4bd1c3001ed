#!/usr/bin/env bash
# OAI-PMH with real clients: every verb's answer (and error answers)
# validated with xmlschema against the official schemas beside this file
# (offline), the whole demo catalogue harvested with sickle and with
# oaipmh-scythe, then a change and a withdrawal made with the command line
# and harvested again incrementally with `from`. Prints the counts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
venv="$root/target/oai-venv"
pins=("sickle==0.7.0" "oaipmh-scythe==0.16.0" "xmlschema==4.3.2" "lxml==6.1.3")
if ! "$venv/bin/python" -c 'import sickle, oaipmh_scythe, xmlschema, lxml' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${pins[@]}"
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
size="$("$bin" export --registry "$work/demo" | "$venv/bin/python" -c 'import json,sys; print(len(json.load(sys.stdin)))')"
"$venv/bin/python" "$here/harvest.py" full "$base/oai" "$here/xsd/_local-driver.xsd" "$size"
# Changes come a second later than everything harvested so far.
sleep 1.2
since="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
samples=("$root"/records/samples/method/*.toml)
sample="${samples[0]}"
changed_id="$(basename "$sample" .toml)"
sed 's/^title = "\(.*\)"$/title = "\1 (révisé)"/' "$sample" > "$work/$changed_id.toml"
proposal="$("$bin" propose --registry "$work/demo" --author ci "$work/$changed_id.toml" | tail -n 1)"
"$bin" proposals merge --registry "$work/demo" --curator ci "$proposal" > /dev/null
withdrawn="$("$venv/bin/python" -c 'import json,sys; r=[x for x in json.load(sys.stdin) if x["kind"]=="software"][0]; print("software/"+r["id"])' < <("$bin" export --registry "$work/demo"))"
"$bin" withdraw --registry "$work/demo" --reason "Retrait de démonstration (CI)" --code other "$withdrawn" > /dev/null
"$venv/bin/python" "$here/harvest.py" incremental "$base/oai" "$here/xsd/_local-driver.xsd" "$size" \
  "$since" "method/$changed_id" "$withdrawn"
