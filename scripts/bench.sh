#!/usr/bin/env bash
# Benchmarks at province scale (>= 2,000 units, >= 50,000 people) on SQLite and PostgreSQL:
# generation time, then the responsibility chain: the current year's lists and LEDGER
# duty-ledger entries (default 1,000,000) and FINDINGS findings with their measures (default
# 100,000); the time to recompute all fulfilment (`qingfeng bench-fulfilment`); every list the
# interface has, 50 rows a page with 4 clients (one table: p50, p95, requests/s, then the
# server's peak memory), deep pages both by `page` (offset) and by `after` (keyset); the
# dashboard GET /api/v1/fulfilment; and the two large exports (整改台账 of every finding, 履职台账
# of about 100,000 entries): time, size and the server's memory before and after. Measures
# only; asserts nothing. LEDGER=0 skips the chain and the lists that need it.
# DB=URL DATA_DIR=DIR measures a database generated before (with its data directory, which
# holds the audit key it was sealed with) and generates nothing; LEDGER is then the count it
# was generated with.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
SCALE=${SCALE:-province}
REQUESTS=${REQUESTS:-1000}
LEDGER=${LEDGER:-1000000}
FINDINGS=${FINDINGS:-100000}
RUNS=${RUNS:-5}
DASH_REQUESTS=${DASH_REQUESTS:-200}
ENGINES=${ENGINES:-sqlite postgres}
YEAR=$(date -u -d '+8 hours' +%Y)   # the offices' year (China Standard Time), as the server counts it
BIN=$(release_bin)
TMP=$(mktemp -d /tmp/qingfeng-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_pg "$TMP"
  rm -rf "$TMP"
}
trap cleanup EXIT
export QINGFENG_ADMIN_PASSWORD='Bench#2026x'
DB=${DB:-}
export QINGFENG_DATA_DIR=${DATA_DIR:-$TMP/data}
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
  port=$(free_port)
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
  [ -n "$DB" ] || /usr/bin/time -f "generation peak memory: %M KiB" "$BIN" --database-url "$url" demo --scale "$SCALE"
  local token
  token=$("$BIN" --database-url "$url" token create --user admin --name bench | tail -n 1)
  [ "$LEDGER" -gt 0 ] || return 0

  if [ -z "$DB" ]; then
    echo "-- $name: responsibility chain, $LEDGER ledger entries and $FINDINGS findings in $YEAR"
    RUST_LOG=warn,sqlx=error /usr/bin/time -f "ledger and findings generation peak memory: %M KiB" \
      "$BIN" --database-url "$url" demo --scale "$SCALE" --ledger "$LEDGER" --findings "$FINDINGS"
  fi
  RUST_LOG=warn,sqlx=error "$BIN" --database-url "$url" bench-fulfilment --year "$YEAR" --runs "$RUNS"
  echo "-- $name: every list, 50 rows a page, 4 clients, $REQUESTS requests each"
  start_server "$url"
  local lists=()
  for p in "${LISTS[@]}"; do lists+=(--path "$p"); done
  # deep pages by keyset: the `after` that page N-1 hands on (read once, not measured)
  for deep in "/api/v1/people?per_page=50&page=500" "/api/v1/ledger-entries?per_page=50&page=2000" \
    "/api/v1/findings?per_page=50&page=1000"; do
    local base=${deep%&page=*} n=${deep##*page=} after
    after=$(curl -sf -H "Authorization: Bearer $token" "$SERVER_URL$base&page=$((n - 1))" |
      python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_after", ""))')
    lists+=(--path "$base&page=$n&after=$after")
  done
  "$BIN" bench --url "$SERVER_URL" --token "$token" "${lists[@]}" --requests "$REQUESTS" --concurrency 4 --pid "$SERVER_PID"
  stop_server
  measure_exports "$name" "$url" "$token"
  # a fresh server, so its peak memory is the dashboard's; the first request (the warm-up) finds
  # the snapshot that bench-fulfilment left fresh
  start_server "$url"
  "$BIN" bench --url "$SERVER_URL" --token "$token" --path "/api/v1/fulfilment?year=$YEAR" --requests 50 --concurrency 1 --pid "$SERVER_PID"
  "$BIN" bench --url "$SERVER_URL" --token "$token" --path "/api/v1/fulfilment?year=$YEAR" --requests "$DASH_REQUESTS" --concurrency 4 --pid "$SERVER_PID"
  stop_server
}

# The two large exports, each on a fresh server: seconds, bytes, and the server's resident
# memory before the export and its peak after (VmHWM).
measure_exports() { # name, database url, token
  local from="$YEAR-01-01" to
  # about 100,000 of the year's entries: as many days as that takes at the year's rate
  to=$(python3 -c "import datetime as d; y=$YEAR; s=d.date(y,1,1); t=min(d.date.today(), d.date(y,12,31)); n=(t-s).days+1; print(s+d.timedelta(days=max(0, round(n*100000/max($LEDGER,1))-1)))")
  for path in "/api/v1/findings/export.xlsx" "/api/v1/ledger-entries/export.xlsx?from=$from&to=$to"; do
    start_server "$2"
    local rows before took
    rows=$(curl -sf -H "Authorization: Bearer $3" "$SERVER_URL${path/\/export.xlsx/}$( [[ $path == *\?* ]] && echo '&' || echo '?')per_page=1" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    before=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
    took=$(curl -sf -H "Authorization: Bearer $3" -o "$TMP/export.xlsx" -w '%{time_total}' "$SERVER_URL$path")
    echo "export $path: $rows rows, ${took} s, $(stat -c %s "$TMP/export.xlsx") bytes; server memory $((before / 1024)) MiB before, peak $(( $(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status") / 1024 )) MiB"
    stop_server
  done
}

if [ -n "$DB" ]; then
  run_one "$DB" "$DB"
  exit 0
fi
for engine in $ENGINES; do
  case $engine in
    sqlite) run_one "SQLite" "sqlite:$TMP/bench.db" ;;
    postgres) run_one "PostgreSQL" "$(start_pg "$TMP")" ;;
    *) echo "unknown engine $engine (sqlite, postgres)"; exit 2 ;;
  esac
done
