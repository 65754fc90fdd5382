#!/usr/bin/env bash
# Installs the Debian packages pgwire-cpp needs, and nothing that is already
# there. Idempotent; safe to run on every build. Needs root (or sudo) only when
# something is missing.
#   scripts/setup.sh          build + test dependencies
#   scripts/setup.sh --dev    also fuzzing and benchmark tools
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git
  libasio-dev libssl-dev libfmt-dev catch2 libsqlite3-dev
  postgresql-client libpq-dev
)
if [[ "${1:-}" == "--dev" ]]; then
  packages+=(clang libfuzzer-14-dev libclang-rt-14-dev libbenchmark-dev postgresql)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
