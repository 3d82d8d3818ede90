#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL server on 127.0.0.1 for the test suite.
#   .ci/postgres.sh start   -> prints the QUIZAPP_DATABASE_URL to use
#   .ci/postgres.sh stop
# Uses Debian's postgresql package (installed if missing and we are root).
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDATA=${PGDATA:-/tmp/quizapp-postgres}

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
    # PostgreSQL refuses to run as root: use the postgres account when we are root.
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

case "${1:-start}" in
start)
    if [ -z "$(bin_dir)" ]; then
        if [ "$(id -u)" != 0 ]; then echo "install Debian's postgresql package first" >&2; exit 1; fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    fi
    BIN=$(bin_dir)
    as_owner "$BIN/pg_ctl -D $PGDATA stop -m immediate" >/dev/null 2>&1 || true
    rm -rf "$PGDATA" && mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
    as_owner "$BIN/initdb -D $PGDATA -A trust -U postgres --no-sync" >/dev/null
    # A test server: durability off for speed, enough connections for the suite.
    as_owner "$BIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w start -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200'" >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
    ;;
stop)
    BIN=$(bin_dir)
    as_owner "$BIN/pg_ctl -D $PGDATA stop -m fast" >/dev/null 2>&1 || true
    ;;
esac
