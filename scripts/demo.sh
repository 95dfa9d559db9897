#!/usr/bin/env bash
# The five-minute tour: build certform and the sandbox, start the sandbox on loopback, and run
# validate -> plan -> apply -> refresh -> (the sandbox's clock moves 180 days) -> plan -> apply
# on the shipped manifests with a temporary state, printing what a user sees.
#
# CERTFORM_BIN_DIR=DIR uses binaries already built there instead of running 'swift build'.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${CERTFORM_BIN_DIR:-}
if [ -z "$bin" ]; then
  echo "building certform and certcentral-sandbox (the first build takes several minutes) ..."
  swift build --product certform >/dev/null
  swift build --product certcentral-sandbox >/dev/null
  bin=$(swift build --show-bin-path)
fi

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/certcentral-sandbox" --port 0 --data "$work/sandbox.json" >"$work/sandbox.out" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$work/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/sandbox.out")
[ -n "$url" ] || { echo "the sandbox did not start:"; cat "$work/sandbox.out"; exit 1; }

export DIGICERT_API_KEY=sandbox-key
export CERTFORM_ENDPOINT="$url/services/v2"
export CERTFORM_STATE="$work/orders.json"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; else bold=""; plain=""; fi
step() {
  printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"
  "$@"
}
certform() { "$bin/certform" "$@"; }

echo "sandbox: $url (API key 'sandbox-key'); state: a temporary $CERTFORM_STATE"
step certform validate
step certform plan
step certform apply --auto-approve
step certform refresh
step certform show
later=$(date -u -d '+180 days' +%Y-%m-%dT%H:%M:%SZ)
printf '\n%s# 180 days later: the sandbox clock moves, certificates near their end%s\n' "$bold" "$plain"
step curl -s -X POST "$url/_sandbox/clock" -d '{"advance_days": 180}'
echo
step certform plan --as-of "$later"
step certform apply --auto-approve --as-of "$later"
step certform refresh
step certform show --as-of "$later"
step certform check --within 30 --as-of "$later"
printf '\n%sDone: every order above was placed once, in a sandbox.%s\n' "$bold" "$plain"
