#!/bin/sh
# certform DCV hook: publish dns-txt-token and dns-cname-token records with RFC 2136 dynamic
# DNS updates (nsupdate, from bind9-dnsutils / bind-utils), and remove them at cleanup.
#
#   certform apply --auto-approve --hook examples/dcv-hooks/nsupdate.sh
#
# Settings (environment):
#   NSUPDATE_SERVER    the primary server that takes updates (required), e.g. ns1.example.com
#   NSUPDATE_KEY_FILE  a TSIG key file for nsupdate -k (recommended)
#   NSUPDATE_ZONE      the zone to update (default: let nsupdate find it)
#   NSUPDATE_TTL       TTL of the records (default 60)
#   NSUPDATE           the nsupdate binary (default nsupdate)
# certform sets CERTFORM_DCV_ACTION (publish|cleanup), CERTFORM_DCV_METHOD, CERTFORM_DCV_TYPE
# (TXT|CNAME|HTTP), CERTFORM_DCV_RECORD (the DNS name), CERTFORM_DCV_VALUE and CERTFORM_NAME.
set -eu

: "${NSUPDATE_SERVER:?set NSUPDATE_SERVER to the DNS server that takes dynamic updates}"
ttl=${NSUPDATE_TTL:-60}

# Values come from certform's state: accept only what a DNS name or a DCV token can hold, so that
# nothing else can reach nsupdate's command language.
case "$CERTFORM_DCV_RECORD$CERTFORM_DCV_VALUE" in
  *[!A-Za-z0-9._-]*) echo "refusing unexpected characters in '$CERTFORM_DCV_RECORD' / '$CERTFORM_DCV_VALUE'" >&2; exit 2 ;;
esac

case "$CERTFORM_DCV_TYPE" in
  TXT)
    add="update add $CERTFORM_DCV_RECORD. $ttl TXT \"$CERTFORM_DCV_VALUE\""
    delete="update delete $CERTFORM_DCV_RECORD. TXT \"$CERTFORM_DCV_VALUE\"" ;;
  CNAME)
    add="update add $CERTFORM_DCV_RECORD. $ttl CNAME $CERTFORM_DCV_VALUE."
    delete="update delete $CERTFORM_DCV_RECORD. CNAME" ;;
  *)
    echo "nsupdate.sh publishes DNS records only; $CERTFORM_NAME uses $CERTFORM_DCV_METHOD (see webroot.sh)" >&2
    exit 2 ;;
esac

case "$CERTFORM_DCV_ACTION" in
  publish) command=$add ;;
  cleanup) command=$delete ;;
  *) echo "unknown CERTFORM_DCV_ACTION '$CERTFORM_DCV_ACTION'" >&2; exit 2 ;;
esac

{
  echo "server $NSUPDATE_SERVER"
  [ -n "${NSUPDATE_ZONE:-}" ] && echo "zone $NSUPDATE_ZONE"
  echo "$command"
  echo "send"
} | if [ -n "${NSUPDATE_KEY_FILE:-}" ]; then "${NSUPDATE:-nsupdate}" -k "$NSUPDATE_KEY_FILE"; else "${NSUPDATE:-nsupdate}"; fi
echo "$CERTFORM_DCV_ACTION $CERTFORM_DCV_TYPE $CERTFORM_DCV_RECORD via $NSUPDATE_SERVER"
