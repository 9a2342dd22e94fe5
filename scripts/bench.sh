#!/usr/bin/env bash
# Benchmarks at province scale (>= 2,000 units, >= 50,000 people) on SQLite and PostgreSQL:
# generation time, then the responsibility chain: the current year's lists and LEDGER
# duty-ledger entries (default 1,000,000) and FINDINGS findings with their measures (default
# 100,000); the time to recompute all fulfilment (`qingfeng bench-fulfilment`); every list the
# interface has, 50 rows a page with 4 clients (one table: p50, p95, requests/s, then the
# server's peak memory); and the dashboard GET /api/v1/fulfilment. Measures only; asserts
# nothing. LEDGER=0 skips the chain and the lists that need it.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-province}
REQUESTS=${REQUESTS:-1000}
LEDGER=${LEDGER:-1000000}
FINDINGS=${FINDINGS:-100000}
RUNS=${RUNS:-5}
DASH_REQUESTS=${DASH_REQUESTS:-200}
YEAR=$(date -u -d '+8 hours' +%Y)   # the offices' year (China Standard Time), as the server counts it
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
# every list the interface has: with and without a search, deep pages, each filter of the
# responsibility items (level included)
LISTS=(
  "/api/v1/people?per_page=50"
  "/api/v1/people?per_page=50&q=%E5%BC%A0"
  "/api/v1/people?per_page=50&page=500"
  "/api/v1/ledger-entries?per_page=50"
  "/api/v1/ledger-entries?per_page=50&page=2000"
  "/api/v1/ledger-entries?per_page=50&q=%E5%AD%A6%E4%B9%A0"
  "/api/v1/responsibility-items?per_page=50"
  "/api/v1/responsibility-items?per_page=50&owner_role=division_head"
  "/api/v1/responsibility-items?per_page=50&level=middle"
  "/api/v1/responsibility-items?per_page=50&q=%E8%B0%88%E8%AF%9D"
  "/api/v1/findings?per_page=50"
  "/api/v1/findings?per_page=50&state=rectifying"
  "/api/v1/findings?per_page=50&page=1000"
  "/api/v1/findings?per_page=50&overdue=true"
  "/api/v1/rectifications?per_page=50"
  "/api/v1/tasks?per_page=50"
  "/api/v1/audit-log?per_page=50"
)

start_server() { # database url; sets SERVER_PID and SERVER_URL
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  RUST_LOG=warn "$BIN" --database-url "$1" serve --listen "127.0.0.1:$port" >/dev/null &
  SERVER_PID=$!
  SERVER_URL="http://127.0.0.1:$port"
  PIDS+=("$SERVER_PID")
  for _ in $(seq 50); do curl -sf "$SERVER_URL/healthz" >/dev/null && break; sleep 0.2; done
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
}

run_one() { # name, database url
  local name=$1 url=$2
  echo "== $name"
  /usr/bin/time -f "generation peak memory: %M KiB" "$BIN" --database-url "$url" demo --scale "$SCALE"
  local token
  token=$("$BIN" --database-url "$url" token create --user admin --name bench | tail -n 1)
  [ "$LEDGER" -gt 0 ] || return 0

  echo "-- $name: responsibility chain, $LEDGER ledger entries and $FINDINGS findings in $YEAR"
  RUST_LOG=warn,sqlx=error /usr/bin/time -f "ledger and findings generation peak memory: %M KiB" \
    "$BIN" --database-url "$url" demo --scale "$SCALE" --ledger "$LEDGER" --findings "$FINDINGS"
  RUST_LOG=warn,sqlx=error "$BIN" --database-url "$url" bench-fulfilment --year "$YEAR" --runs "$RUNS"
  echo "-- $name: every list, 50 rows a page, 4 clients, $REQUESTS requests each"
  start_server "$url"
  local lists=()
  for p in "${LISTS[@]}"; do lists+=(--path "$p"); done
  "$BIN" bench --url "$SERVER_URL" --token "$token" "${lists[@]}" --requests "$REQUESTS" --concurrency 4 --pid "$SERVER_PID"
  stop_server
  # a fresh server, so its peak memory is the dashboard's; the first request (the warm-up) finds
  # the snapshot that bench-fulfilment left fresh
  start_server "$url"
  "$BIN" bench --url "$SERVER_URL" --token "$token" --path "/api/v1/fulfilment?year=$YEAR" --requests 50 --concurrency 1 --pid "$SERVER_PID"
  "$BIN" bench --url "$SERVER_URL" --token "$token" --path "/api/v1/fulfilment?year=$YEAR" --requests "$DASH_REQUESTS" --concurrency 4 --pid "$SERVER_PID"
  stop_server
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
