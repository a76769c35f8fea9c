#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server and SLUICE_TEST_POSTGRES_URL set.
#   scripts/with-postgres.sh swift test
# The cluster lives in a fresh temporary directory, listens on 127.0.0.1 only, on a
# free port, and is stopped and removed when the command ends (whatever its status).
# As root the server runs as the `postgres` user (Debian's package creates it).
# Safe to run again and in parallel: nothing is shared between runs.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/with-postgres.sh COMMAND [ARG...]" >&2
    exit 2
fi

PG_BIN="${PG_BIN:-}"
if [ -z "$PG_BIN" ]; then
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/initdb" ] && PG_BIN="$candidate"
    done
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "with-postgres: initdb not found; install the postgresql package (make deps)" >&2
    exit 1
fi

as_server() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ROOT="$(mktemp -d /tmp/sluice-pg.XXXXXX)"
chmod 755 "$ROOT"
mkdir -p "$ROOT/data" "$ROOT/socket"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$ROOT"
fi

cleanup() {
    as_server "$PG_BIN/pg_ctl" -D "$ROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$ROOT"
}
trap cleanup EXIT INT TERM

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

as_server "$PG_BIN/initdb" -D "$ROOT/data" -U postgres --auth-local=trust --auth-host=trust \
    --no-sync -E UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log" 2>&1 || {
    cat "$ROOT/initdb.log" >&2
    exit 1
}
as_server "$PG_BIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$ROOT/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$ROOT/server.log" >&2
    exit 1
}

export SLUICE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"
echo "with-postgres: PostgreSQL on 127.0.0.1:$PORT (SLUICE_TEST_POSTGRES_URL=$SLUICE_TEST_POSTGRES_URL)" >&2
status=0
"$@" || status=$?
exit "$status"
