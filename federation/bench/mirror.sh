#!/usr/bin/env bash
# Mirror benchmark: a registry of N synthetic records is served on a
# loopback port; a second registry mirrors it from scratch, then re-syncs
# after 10 changes, then polls once more with nothing changed. In the same
# run the stock git client clones and fetches the same repository over the
# same loopback HTTP (Git's dumb protocol, /catalogue.git). A counting relay
# sits between each client and the server, so every figure is measured the
# same way: wall time and bytes on the wire (both directions).
#
# Usage: federation/bench/mirror.sh [N]   (default 100000)
# BENCH_DIR=/some/disk puts the registries there.
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-100000}"
# CONSERVATOIRE_BIN=path uses that binary instead of building the release one.
if [ -z "${CONSERVATOIRE_BIN:-}" ]; then
  cargo build --release --locked -q
fi
BIN="${CONSERVATOIRE_BIN:-$PWD/target/release/conservatoire}"
W="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/cdl-mirror-bench.XXXXXX")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
counted() { cat "$W/count"; }

echo "# mirror benchmark: $N records, $(nproc) cores"
t0=$(now)
"$BIN" generate --records "$N" "$W/paris" > /dev/null
"$BIN" gc --registry "$W/paris" > /dev/null
echo "generated and packed in $(echo "$(now) - $t0" | bc) s"

SERVE=$(free_port); RELAY=$(free_port)
"$BIN" serve --registry "$W/paris" --listen "127.0.0.1:$SERVE" > "$W/serve.log" 2>&1 &
PIDS+=($!)
python3 federation/bench/count_proxy.py "$RELAY" "$SERVE" "$W/count" &
PIDS+=($!)
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$SERVE/healthz" > /dev/null 2>&1 && break
  sleep 1
done
# A server signs its first checkpoint in the background once it listens,
# reading and digesting the whole catalogue: wait for it, as a mirror of a
# server that has run a while would find it signed.
curl -fsS -o /dev/null "http://127.0.0.1:$SERVE/federation/v1/checkpoint"
BASE="http://127.0.0.1:$RELAY"

"$BIN" init --id lyon --name Lyon "$W/lyon" > /dev/null
"$BIN" peer add --registry "$W/lyon" --trust-on-first-use "$BASE/" > /dev/null

# measure NAME COMMAND...: wall time and bytes through the relay.
declare -A TIME DOWN UP REQ
measure() {
  local name="$1"; shift
  read -r d0 u0 c0 < "$W/count"
  local s; s=$(now)
  "$@" > "$W/$name.out" 2>&1 || { echo "$name failed:"; cat "$W/$name.out"; exit 1; }
  local e; e=$(now)
  sleep 0.2
  read -r d1 u1 c1 < "$W/count"
  TIME[$name]=$(echo "$e - $s" | bc)
  DOWN[$name]=$((d1 - d0)); UP[$name]=$((u1 - u0)); REQ[$name]=$((c1 - c0))
}

measure mirror "$BIN" sync --registry "$W/lyon"
GIT=0
if curl -fsS "$BASE/catalogue.git/info/refs" > /dev/null 2>&1; then
  GIT=1
  measure clone git clone -q --bare "$BASE/catalogue.git" "$W/clone.git"
fi

# Ten changes on the peer, merged in one proposal.
mkdir -p "$W/changes"
for i in $(seq 1 10); do
  cat > "$W/changes/bench-change-$i.toml" <<TOML
id = "bench-change-$i"
kind = "software"
title = "Outil de mesure $i"
license = "MIT"
summary = "Un enregistrement ajouté pour mesurer une resynchronisation."
TOML
done
id=$("$BIN" propose --registry "$W/paris" --author bench "$W"/changes/*.toml | tail -n 1)
"$BIN" proposals merge --registry "$W/paris" --curator bench "$id" > /dev/null
changed=$(cat "$W"/changes/*.toml | wc -c)

measure resync "$BIN" sync --registry "$W/lyon"
if [ "$GIT" = 1 ]; then
  measure fetch git --git-dir="$W/clone.git" fetch -q origin '+refs/heads/*:refs/heads/*'
fi
measure poll "$BIN" sync --registry "$W/lyon"

echo
echo "| step | wall time | bytes down | bytes up | connections |"
echo "|---|---|---|---|---|"
for s in mirror clone resync fetch poll; do
  [ -n "${TIME[$s]:-}" ] || continue
  printf '| %s | %.2f s | %d | %d | %d |\n' "$s" "${TIME[$s]}" "${DOWN[$s]}" "${UP[$s]}" "${REQ[$s]}"
done
echo
echo "the 10 changed records: $changed bytes of TOML"
if [ "$GIT" = 1 ]; then
  echo "initial mirror / git clone: $(echo "scale=2; ${TIME[mirror]} / ${TIME[clone]}" | bc)x (target: within 2x)"
else
  echo "git clone: /catalogue.git is not served by this build"
fi
echo "re-sync beyond the changed records: $(( ${DOWN[resync]} + ${UP[resync]} - changed )) bytes (target: under 20,000)"
echo "unchanged poll: $(( ${DOWN[poll]} + ${UP[poll]} )) bytes (target: under 2,048)"
