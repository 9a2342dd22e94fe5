#!/usr/bin/env bash
# Mixed load (issue 16 item 4): USERS simulated people of the demo 县委办 (default 200) for
# DURATION (default 10m) sign in through the login form, browse pages, JSON lists and the
# dashboard, record ledger entries (form and API) and step findings (API), with think time —
# first against ONE server on SQLite, then against TWO servers (replicas) on one temporary
# PostgreSQL database, each request to either (no sticky sessions). The load tool is locust (PyPI, pinned,
# installed into a venv on first use); the scenario is scripts/load/locustfile.py.
#
# Prints per request p50/p95, failures and requests/s, each server's peak memory (VmHWM; VmRSS
# sampled every second) and what the reminder job did on each replica; writes everything (locust
# CSVs, memory samples, failed requests, each server's log and /metrics) to OUT.
#
#   DURATION=10m USERS=200 SPAWN_RATE=2 ENGINES="sqlite postgres" scripts/load.sh
#   DURATION=1m ENGINES=sqlite scripts/load.sh       # a smoke run
#
# LEDGER / FINDINGS (default 20000 / 2000) generated ledger entries and findings are added to the
# demo so the lists are not toy-sized (0: the demo alone). QF_THINK="3,12" is the think time in
# seconds. QINGFENG_BIN names a built binary to use instead of building the release one.
# Measures only; exits 0 whatever the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
DURATION=${DURATION:-10m}
USERS=${USERS:-200}
SPAWN_RATE=${SPAWN_RATE:-2}
ENGINES=${ENGINES:-sqlite postgres}
LEDGER=${LEDGER:-20000}
FINDINGS=${FINDINGS:-2000}
export QF_THINK=${QF_THINK:-3,12}
LOCUST_VERSION=2.47.0
VENV=${LOAD_VENV:-$HOME/.cache/qingfeng/locust-$LOCUST_VERSION}
OUT=${OUT:-target/load/$(date -u +%Y%m%dT%H%M%SZ)}
PASSWORD='Load#2026x'

if [ ! -x "$VENV/bin/locust" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "locust==$LOCUST_VERSION"
fi
QINGFENG_BIN=$(release_bin)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d /tmp/qingfeng-load.XXXXXX)
# run a copy: a rebuild during the run must not swap the binary under the servers
BIN=$TMP/qingfeng
cp "$QINGFENG_BIN" "$BIN"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_pg "$TMP"
  rm -rf "$TMP"
}
trap cleanup EXIT
export QINGFENG_ADMIN_PASSWORD=$PASSWORD
# every replica must have the same keys; each keeps its own data directory
QINGFENG_AUDIT_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
QINGFENG_REPORTER_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export QINGFENG_AUDIT_KEY QINGFENG_REPORTER_KEY

wait_healthy() { # url, log
  for _ in $(seq 600); do curl -sf "$1/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "the server at $1 did not start:"; cat "$2"; exit 1
}

start_server() { # name, data dir, database url (empty: SQLite in the data dir), extra args...; sets URL and PID
  local name=$1 dir=$2 db=$3 port
  shift 3
  port=$(free_port)
  URL="http://127.0.0.1:$port"
  mkdir -p "$dir"
  local db_arg=()
  if [ -n "$db" ]; then db_arg=(--database-url "$db"); fi
  RUST_LOG=warn "$BIN" "${db_arg[@]}" --data-dir "$dir" serve --listen "127.0.0.1:$port" "$@" \
    >>"$OUT/$name.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  wait_healthy "$URL" "$OUT/$name.log"
}

stop_server() { kill "$1"; wait "$1" 2>/dev/null || true; }

qf() { # database url (empty: SQLite in the data dir), then the binary's arguments
  local db=$1
  shift
  if [ -n "$db" ]; then "$BIN" --database-url "$db" "$@"; else "$BIN" "$@"; fi
}

# The demo, seeded by a server of its own (stopped again, so the measured servers' peak memory is
# the load's), plus generated ledger entries and findings.
seed() { # engine, data dir, database url
  start_server "$1-seed" "$2" "$3" --demo
  stop_server "$PID"
  if [ "$LEDGER" -gt 0 ] || [ "$FINDINGS" -gt 0 ]; then
    RUST_LOG=warn,sqlx=error qf "$3" --data-dir "$2" demo --ledger "$LEDGER" \
      --findings "$FINDINGS" >>"$OUT/$1-seed.log" 2>&1
  fi
}

# VmRSS of each server every second, until the load ends: "epoch,name,kib"
sample_memory() { # name=pid...
  while true; do
    for np in "$@"; do
      local rss
      rss=$(awk '/^VmRSS:/ {print $2}' "/proc/${np#*=}/status" 2>/dev/null) || true
      [ -n "$rss" ] && echo "$(date +%s),${np%%=*},$rss"
    done
    sleep 1
  done
}

run_load() { # engine, then name=pid=url for each server
  local engine=$1 hosts="" np
  shift
  for np in "$@"; do hosts+="${np##*=},"; done
  local token
  token=$(qf "$DB_URL" --data-dir "$DATA" token create --user admin --name load | tail -n 1)
  local servers=()
  for np in "$@"; do servers+=("${np%=*}"); done
  sample_memory "${servers[@]}" >"$OUT/$engine-memory.csv" &
  local sampler=$!
  echo "== $engine: $USERS users for $DURATION against ${hosts%,}"
  QF_HOSTS=${hosts%,} QF_PASSWORD=$PASSWORD QF_FAILURES="$OUT/$engine-failures.tsv" \
    "$VENV/bin/locust" -f scripts/load/locustfile.py --headless --only-summary -u "$USERS" -r "$SPAWN_RATE" \
    -t "$DURATION" --stop-timeout 30 --csv "$OUT/$engine" --host "${hosts%%,*}" \
    >"$OUT/$engine-locust.log" 2>&1 || true
  kill "$sampler"
  for np in "$@"; do
    local name=${np%%=*} rest=${np#*=}
    local pid=${rest%%=*} url=${rest#*=}
    echo "$name,$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")" >>"$OUT/$engine-peak.csv"
    curl -sf -H "Authorization: Bearer $token" "$url/metrics" >"$OUT/$name-metrics.txt" || true
  done
  "$VENV/bin/python" scripts/load/summary.py "$OUT" "$engine"
}

for engine in $ENGINES; do
  case $engine in
    sqlite)
      DATA=$TMP/sqlite DB_URL=""
      seed sqlite "$DATA" ""
      start_server sqlite "$DATA" ""
      run_load sqlite "sqlite=$PID=$URL"
      stop_server "$PID"
      ;;
    postgres)
      DB_URL=$(start_pg "$TMP") || continue
      PGPORT=${DB_URL##*:}; PGPORT=${PGPORT%%/*}
      PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
      DATA=$TMP/replica-1
      seed postgres "$DATA" "$DB_URL"
      start_server replica-1 "$TMP/replica-1" "$DB_URL"
      A="replica-1=$PID=$URL"
      start_server replica-2 "$TMP/replica-2" "$DB_URL"
      B="replica-2=$PID=$URL"
      # which replica held the reminder job's lease last, every 5 seconds
      while true; do
        "$PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -At -c "SELECT now(), holder FROM job_leases" || true
        sleep 5
      done >"$OUT/postgres-job-leases.txt" 2>&1 &
      LEASES=$!
      run_load postgres "$A" "$B"
      kill "$LEASES"
      echo "reminder job lease holders seen (holder: samples):"
      cut -d'|' -f2 "$OUT/postgres-job-leases.txt" | sort | uniq -c
      cp "$TMP/pg.log" "$OUT/postgres-server.log"
      ;;
    *) echo "unknown engine $engine (sqlite, postgres)"; exit 2 ;;
  esac
done
echo "everything is in $OUT"
