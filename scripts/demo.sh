#!/usr/bin/env bash
# The five-minute tour: build certform and the sandbox, start the sandbox on loopback with manual
# domain validation, and run validate -> plan -> apply (a DCV hook publishes every token through
# the sandbox's admin API) -> refresh --certs-dir (certificate files, verified with openssl) ->
# (the sandbox's clock moves 180 days) -> plan -> apply -> refresh --certs-dir, on the shipped
# manifests with a temporary state, printing what a user sees.
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

"$bin/certcentral-sandbox" --port 0 --dcv manual --data "$work/sandbox.json" >"$work/sandbox.out" 2>&1 &
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
# The DCV hook publishes each token where the sandbox's "DNS" and "web servers" can see it.
export SANDBOX_URL="$url" CERTFORM_DCV_HOOK="$PWD/examples/dcv-hooks/sandbox.sh"
export CERTFORM_CERTS_DIR="$work/certs"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; else bold=""; plain=""; fi
step() {
  printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"
  "$@"
}
certform() { "$bin/certform" "$@"; }

# Each file's chain, checked by openssl against the sandbox's root (at the sandbox's time, $1).
verify_files() {
  curl -s "$url/_sandbox/ca" > "$work/sandbox-root.pem"
  for file in "$CERTFORM_CERTS_DIR"/*.pem; do
    openssl verify ${1:+-attime "$1"} -CAfile "$work/sandbox-root.pem" -untrusted "$file" "$file"
  done
}

echo "sandbox: $url (API key 'sandbox-key', --dcv manual); state: a temporary $CERTFORM_STATE"
echo "DCV hook: $CERTFORM_DCV_HOOK; certificate files: $CERTFORM_CERTS_DIR"
step certform validate
step certform plan
step certform apply --auto-approve
printf '\n%s# one order validates by email: the sandbox plays the person who clicks the link in it%s\n' "$bold" "$plain"
email_orders() {
  certform dcv --format json | python3 -c 'import json, sys
print(" ".join(str(o["order_id"]) for o in json.load(sys.stdin)["orders"] if o["dcv_method"] == "email"))'
}
for id in $(email_orders); do step curl -s -o /dev/null -w '%{http_code}\n' -X POST "$url/_sandbox/orders/$id/validate"; done
step certform refresh
step certform show
step verify_files
later=$(date -u -d '+180 days' +%Y-%m-%dT%H:%M:%SZ)
printf '\n%s# 180 days later: the sandbox clock moves, certificates near their end%s\n' "$bold" "$plain"
step curl -s -X POST "$url/_sandbox/clock" -d '{"advance_days": 180}'
echo
step certform plan --as-of "$later"
step certform apply --auto-approve --as-of "$later"
for id in $(email_orders); do step curl -s -o /dev/null -w '%{http_code}\n' -X POST "$url/_sandbox/orders/$id/validate"; done
step certform refresh
step certform show --as-of "$later"
step verify_files "$(date -u -d '+180 days' +%s)"
step certform check --within 30 --as-of "$later"
printf '\n%sDone: every order above was placed once, in a sandbox.%s\n' "$bold" "$plain"
