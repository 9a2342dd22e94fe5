# Shared by scripts/bench.sh and scripts/load.sh (sourced, from the repository's root): a free
# port, the release binary, and a throw-away PostgreSQL cluster.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The release binary: QINGFENG_BIN when it names one, else built here (in CARGO_TARGET_DIR when
# that is set). Prints its path.
release_bin() {
  if [ -n "${QINGFENG_BIN:-}" ]; then echo "$QINGFENG_BIN"; return; fi
  cargo build --release -p qingfeng >/dev/null
  local target=${CARGO_TARGET_DIR:-target}
  (cd "$target/release" && echo "$PWD/qingfeng")
}

# Runs a command as the postgres user when root (initdb refuses root), else as oneself.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

# Starts a PostgreSQL cluster in DIR/pg on a free port (its socket in DIR) and prints its URL;
# stop it with stop_pg DIR. Extra server options (e.g. "-c fsync=off") follow DIR.
start_pg() {
  local dir=$1 port bin
  shift
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (scripts/test.sh installs it)" >&2; return 1; }
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  port=$(free_port)
  as_pg "'$bin/initdb' -D '$dir/pg' -A trust -U postgres -E UTF8 --no-locale" >/dev/null
  as_pg "'$bin/pg_ctl' -D '$dir/pg' -l '$dir/pg.log' -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 $*\" start" >/dev/null
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop_pg() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$bin" ] && [ -d "$1/pg" ] && as_pg "'$bin/pg_ctl' -D '$1/pg' -m fast -w stop" >/dev/null 2>&1 || true
}
