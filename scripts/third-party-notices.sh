#!/usr/bin/env bash
# Prints THIRD-PARTY-NOTICES.txt for the binaries built in PACKAGE_DIR (default: the repository):
# the licence and notices of everything `--static-swift-stdlib` links into them —
#   - the Swift runtime and Foundation, with the ICU inside Foundation (licenses/Swift.txt and
#     licenses/ICU.txt, as the Swift 6.3 toolchain and ICU 76 carry them);
#   - every package pinned in PACKAGE_DIR/Package.resolved, at its version, with the LICENSE and
#     NOTICE files of its checkout in PACKAGE_DIR/.build/checkouts (a text given in full once; a
#     later identical one refers back to it);
#   - BoringSSL, which swift-crypto and swift-nio-ssl copy into their sources without its LICENSE
#     file: every distinct comment block of those copies that carries a copyright, verbatim.
# libyaml, the C and C++ runtime and zlib are loaded from the system, not shipped, so they are not
# listed. Fails, printing nothing useful, when a pinned package has no checkout or no licence:
# a notice is never left out silently.
set -euo pipefail
export LC_ALL=C   # the same order on every machine: the tarball is reproducible
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root}
resolved=$dir/Package.resolved
checkouts=$dir/.build/checkouts
[ -f "$resolved" ] || { echo "third-party-notices: $resolved is missing; build the package first" >&2; exit 1; }
version=$(tr -d ' \n' < "$root/VERSION")

rule() { printf '\n%s\n%s\n\n' "================================================================================" "$1"; }

# One line per pin: identity, location, version (or revision, for a pin to a branch or commit).
pins() {
  awk -F'"' '
    /"identity"/ { id = $4; location = ""; version = ""; revision = "" }
    /"location"/ { location = $4 }
    /"revision"/ { revision = $4 }
    /"version"/  { version = $4 }
    /^ *}/ && id != "" && (version != "" || revision != "") {
      print id, location, (version != "" ? version : revision); id = ""
    }' "$resolved"
}

# Every comment block that carries a copyright, each distinct one once, from the C and assembly
# sources under $1 (one awk over the sorted list, so that the set of blocks seen is one).
boringssl_headers() {
  find "$1" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.h' -o -name '*.S' -o -name '*.inc' \) | sort |
    awk '
      function flush() {
        if (block ~ /[Cc]opyright/ && !(block in seen)) { seen[block] = 1; printf "%s\n", block }
        block = ""; kind = ""
      }
      {
        file = $0
        while ((getline line < file) > 0) {
          if (kind == "block") {
            block = block line "\n"
            if (line ~ /\*\//) flush()
          } else if (line ~ /^[ \t]*\/\*/) {
            if (kind != "") flush()
            block = line "\n"; kind = "block"
            if (line ~ /\*\/[ \t]*$/) flush()
          } else if (line ~ /^[ \t]*\/\//) {
            if (kind == "") kind = "lines"
            block = block line "\n"
          } else if (kind == "lines") {
            flush()
          }
        }
        if (kind != "") flush()
        close(file)
      }'
}

declare -A given=()   # checksum of a licence text -> the package it was given in full for
cat <<EOF
Third-party notices for certform $version

The certform and certcentral-sandbox binaries of this release link in the components below
statically (every package the build resolved is listed, whether or not a binary uses it).
Their licences and notices follow, as each one's source distributes them.
EOF

rule "Swift runtime and Foundation (the Swift toolchain), Apache License 2.0 with Runtime Library Exception"
cat "$root/licenses/Swift.txt"
rule "ICU (Unicode's International Components for Unicode, inside Foundation), Unicode License V3"
cat "$root/licenses/ICU.txt"

while read -r identity location pinned; do
  name=$(basename "$location" .git)
  checkout=$checkouts/$name
  [ -d "$checkout" ] || { echo "third-party-notices: no checkout of $identity at $checkout; build the package first" >&2; exit 1; }
  mapfile -t texts < <(find "$checkout" -maxdepth 1 -type f \( -iname 'LICENSE*' -o -iname 'NOTICE*' -o -iname 'COPYING*' \) | sort)
  [ "${#texts[@]}" -gt 0 ] || { echo "third-party-notices: $identity has no LICENSE or NOTICE file in $checkout" >&2; exit 1; }
  rule "$identity $pinned ($location)"
  for text in "${texts[@]}"; do
    sum=$(sha256sum < "$text" | cut -c1-64)
    printf -- '--- %s ---\n\n' "$(basename "$text")"
    if [ -n "${given[$sum]:-}" ]; then
      printf 'The same text as %s above.\n\n' "${given[$sum]}"
    else
      given[$sum]="$(basename "$text") of $identity"
      cat "$text"
      printf '\n'
    fi
  done
done < <(pins)

for copy in swift-crypto/Sources/CCryptoBoringSSL swift-nio-ssl/Sources/CNIOBoringSSL; do
  [ -d "$checkouts/$copy" ] || continue
  origin=$(grep -ho 'revision [0-9a-f]*' "$checkouts/$copy/hash.txt" 2>/dev/null | head -1 || true)
  rule "BoringSSL (https://boringssl.googlesource.com/boringssl${origin:+, $origin}), as copied into ${copy%%/*}: each distinct copyright block of its sources"
  boringssl_headers "$checkouts/$copy"
done
