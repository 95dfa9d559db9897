#!/bin/sh
# certform DCV hook for the CertCentral sandbox (certcentral-sandbox --dcv manual): publishes
# each token through the sandbox's admin API (POST /_sandbox/dns, /_sandbox/http), as a DNS
# zone or a web server would hold it, and removes it at cleanup (DELETE). Used by 'make demo'
# and the tests; a model for a hook that calls your DNS provider's API.
#
#   SANDBOX_URL=http://127.0.0.1:PORT certform apply --auto-approve --hook examples/dcv-hooks/sandbox.sh
#
# DCV_HOOK_LOG, when set, names a file that gets one line per run: ACTION NAME DOMAIN.
set -eu

: "${SANDBOX_URL:?set SANDBOX_URL to the sandbox, e.g. http://127.0.0.1:8080}"
case "$CERTFORM_DCV_RECORD$CERTFORM_DCV_VALUE$CERTFORM_DCV_DOMAIN" in
  *[!A-Za-z0-9._/-]*) echo "refusing unexpected characters in the DCV record or value" >&2; exit 2 ;;
esac
case "$CERTFORM_DCV_ACTION" in
  publish) method=POST ;;
  cleanup) method=DELETE ;;
  *) echo "unknown CERTFORM_DCV_ACTION '$CERTFORM_DCV_ACTION'" >&2; exit 2 ;;
esac
case "$CERTFORM_DCV_TYPE" in
  TXT|CNAME)
    route=/_sandbox/dns
    body=$(printf '{"name": "%s", "type": "%s", "value": "%s"}' "$CERTFORM_DCV_RECORD" "$CERTFORM_DCV_TYPE" "$CERTFORM_DCV_VALUE") ;;
  HTTP)
    route=/_sandbox/http
    body=$(printf '{"url": "%s", "content": "%s"}' "$CERTFORM_DCV_URL" "$CERTFORM_DCV_VALUE") ;;
  *) echo "nothing to publish for $CERTFORM_DCV_METHOD" >&2; exit 2 ;;
esac
curl -sS --fail-with-body -X "$method" -H 'Content-Type: application/json' --data-binary "$body" "$SANDBOX_URL$route"
echo
if [ -n "${DCV_HOOK_LOG:-}" ]; then
  echo "$CERTFORM_DCV_ACTION $CERTFORM_NAME $CERTFORM_DCV_DOMAIN" >> "$DCV_HOOK_LOG"
fi
