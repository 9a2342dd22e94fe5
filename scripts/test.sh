#!/usr/bin/env bash
# Runs every test against SQLite and against a real PostgreSQL that this script starts
# (a temporary cluster from initdb/pg_ctl, stopped and removed afterwards).
# Installs PostgreSQL, Chromium and LibreOffice Calc and Writer (the exports and reports are
# printed to PDF and checked page by page) from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-noto-cjk)
# Calc prints the .xlsx exports, Writer the .docx reports (soffice alone does not say which is there)
dpkg -s libreoffice-calc >/dev/null 2>&1 || need_apt+=(libreoffice-calc fonts-noto-cjk)
dpkg -s libreoffice-writer >/dev/null 2>&1 || need_apt+=(libreoffice-writer fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

TMP=$(mktemp -d /tmp/qingfeng-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$TMP"
  as_pg() { su postgres -s /bin/bash -c "$*"; }
else
  as_pg() { bash -c "$*"; }
fi
as_pg "'$PG_BIN/initdb' -D '$TMP/data' -A trust -U postgres -E UTF8 --no-locale" >/dev/null
as_pg "'$PG_BIN/pg_ctl' -D '$TMP/data' -l '$TMP/pg.log' -w -o \"-p $PORT -k $TMP -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off\" start" >/dev/null
cleanup() {
  as_pg "'$PG_BIN/pg_ctl' -D '$TMP/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# A fresh checkout builds once: incremental artefacts would only double the target's size on disk
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export QINGFENG_TEST_PG_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
export QINGFENG_REQUIRE_PG=1
# the print test (crates/web/tests/print) fails rather than skips without LibreOffice
export QINGFENG_REQUIRE_OFFICE=1
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PORT"
cargo test --workspace "$@"

# Browser test: the real binary with demo data, driven in headless Chromium. Built with the
# features the tests just built it with (store fixtures included), so that nothing is compiled
# or linked a second time.
cargo build -p qingfeng --features qingfeng-store/testing
E2E_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
E2E_PASSWORD='E2e#Admin2026'
BIN="${CARGO_TARGET_DIR:-target}/debug/qingfeng"
QINGFENG_ADMIN_PASSWORD="$E2E_PASSWORD" "$BIN" --data-dir "$TMP/e2e" serve --demo \
  --listen "127.0.0.1:$E2E_PORT" >"$TMP/e2e.log" 2>&1 &
E2E_PID=$!
trap 'kill $E2E_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null || { echo "the server did not start:"; cat "$TMP/e2e.log"; exit 1; }
(cd e2e && npm ci --no-audit --no-fund --silent)
node e2e/smoke.js "http://127.0.0.1:$E2E_PORT" "$E2E_PASSWORD"
