#!/bin/sh
# certform DCV hook: publish http-token files into a web server's document root, and remove
# them at cleanup.
#
#   WEBROOT=/var/www certform apply --auto-approve --hook examples/dcv-hooks/webroot.sh
#
# Settings (environment):
#   WEBROOT             the document root (required); the file goes to
#                       $WEBROOT/.well-known/pki-validation/fileauth.txt
#   WEBROOT_PER_DOMAIN  set to 1 when each domain has its own root, $WEBROOT/<domain>/
# certform sets CERTFORM_DCV_ACTION (publish|cleanup), CERTFORM_DCV_TYPE (HTTP for this hook),
# CERTFORM_DCV_DOMAIN, CERTFORM_DCV_RECORD (the URL path) and CERTFORM_DCV_VALUE.
set -eu

: "${WEBROOT:?set WEBROOT to the web server's document root}"
if [ "$CERTFORM_DCV_TYPE" != HTTP ]; then
  echo "webroot.sh serves http-token files only; $CERTFORM_NAME uses $CERTFORM_DCV_METHOD (see nsupdate.sh)" >&2
  exit 2
fi
# The domain becomes a directory name and the value the file's content: refuse anything else.
case "$CERTFORM_DCV_DOMAIN$CERTFORM_DCV_VALUE" in
  *[!A-Za-z0-9.-]*|*..*) echo "refusing unexpected characters in '$CERTFORM_DCV_DOMAIN' / '$CERTFORM_DCV_VALUE'" >&2; exit 2 ;;
esac
[ "$CERTFORM_DCV_RECORD" = /.well-known/pki-validation/fileauth.txt ] || { echo "unexpected path '$CERTFORM_DCV_RECORD'" >&2; exit 2; }

root=$WEBROOT
[ "${WEBROOT_PER_DOMAIN:-}" = 1 ] && root="$WEBROOT/$CERTFORM_DCV_DOMAIN"
file="$root$CERTFORM_DCV_RECORD"

case "$CERTFORM_DCV_ACTION" in
  publish)
    mkdir -p "$(dirname "$file")"
    printf '%s\n' "$CERTFORM_DCV_VALUE" > "$file.tmp.$$"
    chmod 644 "$file.tmp.$$"
    mv -f "$file.tmp.$$" "$file"
    echo "published $file" ;;
  cleanup)
    rm -f "$file"
    echo "removed $file" ;;
  *) echo "unknown CERTFORM_DCV_ACTION '$CERTFORM_DCV_ACTION'" >&2; exit 2 ;;
esac
