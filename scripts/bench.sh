#!/usr/bin/env bash
# Benchmarks at province scale (>= 2,000 units, >= 50,000 people) on SQLite and PostgreSQL:
# generation time, then the people-list request (50 per page, with a search term):
# p50, p95, requests/s and the server's peak memory. Measures only; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-province}
REQUESTS=${REQUESTS:-1000}
QUERY=${QUERY:-/api/v1/people?per_page=50&q=%E5%BC%A0}   # q=张
cargo build --release -p qingfeng >/dev/null
BIN=$PWD/target/release/qingfeng
TMP=$(mktemp -d /tmp/qingfeng-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${PG_BIN:-}" ] && as_pg "'$PG_BIN/pg_ctl' -D '$TMP/pg' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
export QINGFENG_ADMIN_PASSWORD='Bench#2026x'

run_one() { # name, database url
  local name=$1 url=$2 port
  echo "== $name"
  /usr/bin/time -f "generation peak memory: %M KiB" "$BIN" --database-url "$url" demo --scale "$SCALE"
  local token
  token=$("$BIN" --database-url "$url" token create --user admin --name bench | tail -n 1)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  RUST_LOG=warn "$BIN" --database-url "$url" serve --listen "127.0.0.1:$port" >/dev/null &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  "$BIN" bench --url "http://127.0.0.1:$port" --token "$token" --path "$QUERY" --requests "$REQUESTS" --concurrency 4 --pid "$pid"
  "$BIN" bench --url "http://127.0.0.1:$port" --token "$token" --path "/api/v1/people?per_page=50&page=500" --requests "$REQUESTS" --concurrency 4 --pid "$pid"
  kill "$pid"
}

run_one "SQLite" "sqlite:$TMP/bench.db"

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$PG_BIN" ]; then
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$TMP"; as_pg() { su postgres -s /bin/bash -c "$*"; }; else as_pg() { bash -c "$*"; }; fi
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "'$PG_BIN/initdb' -D '$TMP/pg' -A trust -U postgres -E UTF8 --no-locale" >/dev/null
  as_pg "'$PG_BIN/pg_ctl' -D '$TMP/pg' -l '$TMP/pg.log' -w -o \"-p $PGPORT -k $TMP -c listen_addresses=127.0.0.1\" start" >/dev/null
  run_one "PostgreSQL" "postgres://postgres@127.0.0.1:$PGPORT/postgres"
fi
