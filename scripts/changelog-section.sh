#!/usr/bin/env bash
# Prints CHANGELOG.md's section for one version (the lines under its `## VERSION` heading, up to the
# next `## ` heading), for the release notes. Fails when there is no such section, or it is empty.
# usage: scripts/changelog-section.sh VERSION   (a leading v is dropped: v0.1.0 is 0.1.0)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/changelog-section.sh VERSION}
version=${version#v}
section=$(awk -v version="$version" '
  /^## / { inside = ($2 == version || $2 == "[" version "]"); next }
  inside { print }
' CHANGELOG.md | sed -e '/./,$!d')   # without the blank lines it starts with
if [ -z "$(printf '%s' "$section" | tr -d '[:space:]')" ]; then
  echo "CHANGELOG.md has no section for $version (a '## $version' heading with notes under it)" >&2
  exit 1
fi
printf '%s\n' "$section"
