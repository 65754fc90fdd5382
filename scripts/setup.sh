#!/usr/bin/env bash
# Installs the Debian packages pgwire-cpp needs, and nothing that is already
# there. Idempotent; safe to run on every build. Needs root (or sudo) only when
# something is missing.
#   scripts/setup.sh          what building and running the examples needs
#   scripts/setup.sh --test   also what the test suite runs (a real PostgreSQL,
#                             the drivers of the compatibility suite)
#   scripts/setup.sh --dev    also fuzzing and benchmark tools
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git
  libasio-dev libssl-dev libfmt-dev catch2 libsqlite3-dev
  postgresql-client libpq-dev
)
test_packages=(
  # Real-driver compatibility suite (tests/compat): a real PostgreSQL as the
  # reference server, and the drivers it runs. npm packages (pg, postgres) are
  # installed by the suite into the build tree.
  postgresql libpqxx-dev python3-psycopg2 python3-psycopg python3-asyncpg
  libpostgresql-jdbc-java odbc-postgresql unixodbc python3-pyodbc
  golang-go golang-github-jackc-pgx-v4-dev nodejs openssl
)
case "${1:-}" in
  --test) packages+=("${test_packages[@]}") ;;
  --dev) packages+=("${test_packages[@]}" clang libfuzzer-14-dev libclang-rt-14-dev libbenchmark-dev) ;;
esac
want_npm=false
[[ "${1:-}" == "--test" || "${1:-}" == "--dev" ]] && want_npm=true

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Debian's nodejs ships npm separately; NodeSource's nodejs includes it (and
# conflicts with Debian's npm package), so ask for npm only when it is absent.
if $want_npm && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
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
