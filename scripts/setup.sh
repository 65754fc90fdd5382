#!/usr/bin/env bash
# Installs the Debian packages pgwire-cpp needs, and nothing that is already
# there. Idempotent; safe to run on every build. Needs root (or sudo) only when
# something is missing.
#   scripts/setup.sh          what building and running the examples needs
#   scripts/setup.sh --test   also what the test suite runs (a real PostgreSQL,
#                             the drivers of the compatibility suite, and the
#                             Node.js drivers with `npm ci` from
#                             tests/compat/node/package-lock.json into
#                             tests/compat/node/node_modules, git-ignored)
#   scripts/setup.sh --dev    also fuzzing and benchmark tools
# The Go (pgx), Java (pgjdbc) and Rust (tokio-postgres) driver programs are
# compiled by the build (tests/compat/CMakeLists.txt), never by a test.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build ccache pkg-config git
  libasio-dev libssl-dev libfmt-dev catch2 libsqlite3-dev
  postgresql-client libpq-dev
  tzdata  # the time zone database SET TIME ZONE names (pgwire/types/time_zone.hpp)
)
test_packages=(
  # Real-driver compatibility suite (tests/compat): a real PostgreSQL as the
  # reference server, and the drivers it runs (javac compiles the pgjdbc
  # program). The npm packages (pg, pg-cursor, pg-copy-streams, postgres) come from the lock
  # file, below.
  postgresql libpqxx-dev python3-psycopg2 python3-psycopg python3-asyncpg
  libpostgresql-jdbc-java openjdk-17-jdk-headless odbc-postgresql unixodbc python3-pyodbc
  golang-go golang-github-jackc-pgx-v4-dev nodejs openssl
  # tokio-postgres: Debian's cargo (and rustc) build it offline against the
  # crate sources of these packages (/usr/share/cargo/registry).
  cargo librust-tokio-postgres-dev librust-postgres-protocol-dev librust-tokio-dev
  librust-tokio-macros-dev librust-futures-util-dev librust-futures-channel-dev librust-bytes-dev
  librust-chrono-dev librust-serde-json-dev librust-uuid-dev librust-tokio-rustls-dev
  librust-rustls-dev
  # The catalog layer's tools (tests/server/test_catalog_tools.py).
  python3-sqlalchemy pgcli python3-django python3-alembic ruby-activerecord ruby-pg
  # More clients, each run against sqlite_server and PostgreSQL (the same file):
  # Perl's DBD::Pg, PHP's PDO and pgsql, pg8000 (its own protocol code), Sequel.
  libdbd-pg-perl php-cli php-pgsql python3-pg8000 ruby-sequel ruby-sequel-pg
  # A connection pooler in front of sqlite_server (tests/server/test_pgbouncer.py).
  pgbouncer
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
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# The Node.js drivers of the compatibility suite, exactly as the committed
# lock file pins them (every transitive package too). `npm ci` only when the
# lock changed since the last install here: the stamp is a copy of the lock
# it installed. tests/compat/compat.py checks the installed versions against
# the lock and fails, naming this script, when they differ.
if $want_npm; then
  node_dir=tests/compat/node
  stamp=$node_dir/node_modules/.pgwire-installed-lock.json
  if ! { [[ -f $stamp ]] && cmp -s "$node_dir/package-lock.json" "$stamp"; }; then
    echo "setup: npm ci in $node_dir (package-lock.json)"
    (cd "$node_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    cp "$node_dir/package-lock.json" "$stamp"
  fi
fi
