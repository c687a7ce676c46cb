#!/usr/bin/env bash
# Scan terraform/ with checkov; exits non-zero on any failed check. Skips are written next to
# the resource they concern (#checkov:skip=ID:reason), never here.
#
#   scripts/checkov.sh            scan with checkov from PATH or .venv-checkov
#   scripts/checkov.sh --install  first create .venv-checkov with checkov in it
#
# checkov pins boto3/botocore, packaging and networkx below the project's lock, so it cannot
# live in .venv; it gets a venv of its own.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/.venv-checkov"

if [[ "${1:-}" == "--install" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "checkov==${CHECKOV_VERSION:-3.3.30}"
  shift
fi

if [[ -x "$venv/bin/checkov" ]]; then
  checkov="$venv/bin/checkov"
elif command -v checkov >/dev/null; then
  checkov="$(command -v checkov)"
else
  echo "checkov.sh: checkov is not installed (run scripts/checkov.sh --install)" >&2
  exit 4
fi

exec "$checkov" --directory "$repo/terraform" --framework terraform --quiet --compact \
  --download-external-modules false --skip-download "$@"
