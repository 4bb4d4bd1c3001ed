#!/usr/bin/env bash
# Checks the systemd unit: `systemd-analyze verify` must print nothing
# (it only warns about unknown keys and bad values, with exit code 0), and
# the sandboxing must keep the exposure score low. Usage:
#   deploy/check.sh PATH-TO-CONSERVATOIRE-BINARY
set -euo pipefail
binary="$(realpath "$1")"
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify checks that ExecStart's program exists: point it at the build.
sed "s|/usr/local/bin/conservatoire|$binary|" conservatoire.service > "$work/conservatoire.service"
out="$(systemd-analyze verify "$work/conservatoire.service" 2>&1)"
if [ -n "$out" ]; then
  echo "systemd-analyze verify complains about deploy/conservatoire.service:" >&2
  echo "$out" >&2
  exit 1
fi
systemd-analyze security --offline=yes --threshold=20 "$work/conservatoire.service" | tail -1
echo "deploy/conservatoire.service: verified"
