#!/usr/bin/env bash
# Run terraform with providers taken only from a local filesystem mirror: never downloads.
#
#   scripts/terraform-offline.sh --mirror                 print the mirror directory (exit 3 when absent)
#   scripts/terraform-offline.sh -chdir=DIR init ...      any terraform command, offline
#
# The mirror is $TF_PLUGIN_MIRROR when set, else the first directory under a few usual roots
# that holds registry.terraform.io/hashicorp/aws. A CLI config pointing at it is written to a
# temporary file and passed in TF_CLI_CONFIG_FILE, so the user's own config is not touched.
set -euo pipefail

find_mirror() {
  if [[ -n "${TF_PLUGIN_MIRROR:-}" ]]; then
    [[ -d "$TF_PLUGIN_MIRROR/registry.terraform.io/hashicorp/aws" ]] && { echo "$TF_PLUGIN_MIRROR"; return 0; }
    return 1
  fi
  local root hit
  for root in /opt /usr/local/share /usr/share "${HOME:-/root}/.terraform.d" "${HOME:-/root}/.local/share/terraform"; do
    [[ -d "$root" ]] || continue
    hit=$(find "$root" -maxdepth 5 -type d -path '*/registry.terraform.io/hashicorp/aws' -print -quit 2>/dev/null || true)
    if [[ -n "$hit" ]]; then
      dirname "$(dirname "$(dirname "$hit")")"
      return 0
    fi
  done
  return 1
}

if ! mirror=$(find_mirror); then
  echo "terraform-offline: no provider mirror holding registry.terraform.io/hashicorp/aws was found (set TF_PLUGIN_MIRROR)" >&2
  exit 3
fi

if [[ "${1:-}" == "--mirror" ]]; then
  echo "$mirror"
  exit 0
fi

command -v terraform >/dev/null || { echo "terraform-offline: terraform is not on PATH" >&2; exit 4; }

# Installed providers are linked from one cache instead of copying ~700 MB into every .terraform.
cache="${TF_PLUGIN_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/pharmagen/terraform-plugins}"
mkdir -p "$cache"
config=$(mktemp "${TMPDIR:-/tmp}/terraformrc.XXXXXX")
trap 'rm -f "$config"' EXIT
cat >"$config" <<HCL
plugin_cache_dir = "$cache"
plugin_cache_may_break_dependency_lock_file = true
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
}
HCL

export TF_CLI_CONFIG_FILE="$config"
unset TF_PLUGIN_CACHE_DIR
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
terraform "$@"
