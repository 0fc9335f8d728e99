#!/usr/bin/env bash
# A real PostgreSQL on 127.0.0.1 for the sample API's migration tests (Debian's `postgresql` package; never a mock).
# Installs it quietly when missing, starts the newest cluster with Debian's cluster tools (initdb refuses root, and CI
# runs as root), creates the test role and database, and prints the URL the tests read as TEST_DATABASE_URL.
# Needs root (or sudo) for apt-get and `su postgres`. Safe to run again: every step checks first.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "postgres.sh must run as root (apt-get, su postgres): sudo bash .ci/postgres.sh" >&2
    exit 1
fi
# Only the URL goes to stdout, because callers capture it. What the tools print (pg_ctlcluster's "Removed stale pid
# file.", for one) goes to stderr; no extra descriptor is opened, so the server it starts holds no pipe of the caller.
setup() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "installing postgresql (Debian package)..." >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi

    version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
    pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main" || pg_createcluster "$version" main >/dev/null
    pg_ctlcluster "$version" main status >/dev/null 2>&1 || pg_ctlcluster "$version" main start
    port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"

    psql_admin() { su postgres -c "psql -p $port -qtAc \"$1\""; }
    psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'api_test'" | grep -q 1 ||
        psql_admin "CREATE ROLE api_test LOGIN CREATEDB CREATEROLE PASSWORD 'api_test'"
    psql_admin "SELECT 1 FROM pg_database WHERE datname = 'api_test'" | grep -q 1 || su postgres -c "createdb -p $port -O api_test api_test"
}
setup >&2

# The cluster listens on localhost only (Debian's default listen_addresses); the tests connect over TCP.
echo "postgres://api_test:api_test@127.0.0.1:${port}/api_test"
