#!/usr/bin/env bash
# Runs the real Marquez lineage API server (https://marquezproject.ai) locally, without Docker:
# a private PostgreSQL cluster from Debian's packages plus the marquez-api artifact from Maven Central.
#
#   scripts/marquez.sh start    # idempotent; waits until GET /api/v1/namespaces answers 200
#   scripts/marquez.sh status   # exit 0 when both Postgres and the API are up, 3 otherwise
#   scripts/marquez.sh stop     # stops Marquez, then Postgres (data is kept)
#   scripts/marquez.sh smoke    # POSTs an OpenLineage START+COMPLETE and reads it back (server must be up)
#
# Env (defaults in brackets):
#   MARQUEZ_HOME [$PWD/.marquez]     state: pg/ (cluster), marquez.log, postgres.log, *.pid
#   MARQUEZ_PORT [5000]  MARQUEZ_ADMIN_PORT [5001]  MARQUEZ_PG_PORT [5433]
#   MARQUEZ_VERSION [0.51.1]         io.github.marquezproject:marquez-api version
#   ASSAY_CACHE [$HOME/.cache/assay] classpath cache: $ASSAY_CACHE/marquez/<version>/lib
#   MARQUEZ_JAR                      use this all-in-one (shadow) marquez jar instead of Maven,
#                                    e.g. /usr/src/app/marquez-api-<v>.jar copied out of the
#                                    official marquezproject/marquez image
#   MARQUEZ_CONFIG [scripts/marquez/marquez.yml]
#   MARQUEZ_START_TIMEOUT [180]      seconds to wait for the API
#   MARQUEZ_JAVA_OPTS                extra JVM flags
#   MARQUEZ_BIND_HOST [127.0.0.1]
#   MARQUEZ_PG_OS_USER [postgres]    system user that runs Postgres when this script runs as root
#
# Missing tools (java >= 17, maven, postgresql, curl) are installed with apt-get when running as root.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

MARQUEZ_VERSION="${MARQUEZ_VERSION:-0.51.1}"
MARQUEZ_PORT_SET="${MARQUEZ_PORT:-}"
MARQUEZ_PORT="${MARQUEZ_PORT:-5000}"
MARQUEZ_ADMIN_PORT="${MARQUEZ_ADMIN_PORT:-5001}"
MARQUEZ_PG_PORT="${MARQUEZ_PG_PORT:-5433}"
MARQUEZ_BIND_HOST="${MARQUEZ_BIND_HOST:-127.0.0.1}"
MARQUEZ_START_TIMEOUT="${MARQUEZ_START_TIMEOUT:-180}"
MARQUEZ_CONFIG="$(realpath -m "${MARQUEZ_CONFIG:-$SCRIPT_DIR/marquez/marquez.yml}")"
if [[ -n "${MARQUEZ_JAR:-}" ]]; then MARQUEZ_JAR="$(realpath -m "$MARQUEZ_JAR")"; fi
MARQUEZ_POM="$SCRIPT_DIR/marquez/pom.xml"
CACHE_DIR="${ASSAY_CACHE:-$HOME/.cache/assay}"
LIB_DIR="$CACHE_DIR/marquez/$MARQUEZ_VERSION/lib"
PG_OS_USER="${MARQUEZ_PG_OS_USER:-postgres}"
DB_NAME=marquez DB_USER=marquez DB_PASSWORD=marquez

mkdir -p "${MARQUEZ_HOME:-$PWD/.marquez}"
MARQUEZ_HOME="$(cd "${MARQUEZ_HOME:-$PWD/.marquez}" && pwd)"
PGDATA="$MARQUEZ_HOME/pg"
PG_LOG="$MARQUEZ_HOME/postgres.log"
PG_PID_FILE="$MARQUEZ_HOME/postgres.pid"
MQ_LOG="$MARQUEZ_HOME/marquez.log"
MQ_PID_FILE="$MARQUEZ_HOME/marquez.pid"
MQ_PORT_FILE="$MARQUEZ_HOME/marquez.port"
# status/smoke/stop talk to the port the running server was started with, unless MARQUEZ_PORT is set.
if [[ "${1:-}" != start && -z "${MARQUEZ_PORT_SET:-}" && -f "$MQ_PORT_FILE" ]]; then
  MARQUEZ_PORT="$(cat "$MQ_PORT_FILE")"
fi
API_URL="http://127.0.0.1:$MARQUEZ_PORT"

log() { printf '[marquez] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools

APT_UPDATED=0
apt_install() {
  [[ $EUID -eq 0 ]] || die "need '$*' but not root: install it (apt-get install $*) and retry"
  command -v apt-get >/dev/null || die "need '$*' and there is no apt-get here"
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

ensure_curl() { command -v curl >/dev/null || apt_install curl ca-certificates; }

java_major() {
  local v
  v="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  [[ -n "$v" ]] || { echo 0; return; }
  if [[ "$v" == 1.* ]]; then v="${v#1.}"; fi
  echo "${v%%[.+-]*}"
}

ensure_java() {
  if ! command -v java >/dev/null || (( $(java_major) < 17 )); then
    apt_install openjdk-17-jre-headless
    hash -r
    (( $(java_major) >= 17 )) || die "java >= 17 required; 'java' on PATH is $(java_major). Put a JDK 17+ first on PATH."
  fi
}

ensure_maven() { command -v mvn >/dev/null || { apt_install maven; hash -r; }; }

PGBIN=""
find_pgbin() {
  local d
  PGBIN=""
  while IFS= read -r d; do
    [[ -x "$d/postgres" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/psql" ]] && PGBIN="$d"
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  [[ -n "$PGBIN" ]]
}

ensure_postgres() {
  if ! find_pgbin; then
    # Debian's postinst may create and start a default 'main' cluster on 5432; ours is separate.
    apt_install postgresql
    find_pgbin || die "postgresql installed but no /usr/lib/postgresql/*/bin/{postgres,initdb,pg_ctl,psql}"
  fi
}

# Postgres refuses to run as root: run it as a system user (created if missing).
as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

ensure_pg_os_user() {
  [[ $EUID -eq 0 ]] || return 0
  if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
    log "creating system user $PG_OS_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
  as_pg test -x "$MARQUEZ_HOME" ||
    die "user $PG_OS_USER cannot reach $MARQUEZ_HOME (a parent directory is not world-executable); set MARQUEZ_HOME elsewhere, e.g. under /var/tmp"
}

# ---------------------------------------------------------------- postgres

pg_running() { [[ -n "$PGBIN" && -f "$PGDATA/PG_VERSION" ]] && as_pg "$PGBIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1; }

# The port of the running cluster (line 4 of postmaster.pid), which may differ from
# MARQUEZ_PG_PORT if the cluster was started earlier with another value.
pg_port() { sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true; }

pg_psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(pg_port)" -U postgres "$@"; }

pg_start() {
  ensure_postgres
  ensure_pg_os_user
  if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
    log "initdb $PGDATA ($("$PGBIN/postgres" --version))"
    mkdir -p "$PGDATA"
    [[ $EUID -eq 0 ]] && chown "$PG_OS_USER:" "$PGDATA"
    chmod 700 "$PGDATA"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >"$MARQUEZ_HOME/initdb.log" 2>&1 ||
      { cat "$MARQUEZ_HOME/initdb.log" >&2; die "initdb failed"; }
    # TCP on loopback only, no Unix socket (its default directory may not exist or be writable).
    as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null <<'EOF'

# --- added by scripts/marquez.sh ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
synchronous_commit = off
EOF
  fi
  if pg_running; then
    log "postgres already running on port $(pg_port)"
  else
    touch "$PG_LOG"
    [[ $EUID -eq 0 ]] && chown "$PG_OS_USER:" "$PG_LOG"
    log "starting postgres on 127.0.0.1:$MARQUEZ_PG_PORT (log: $PG_LOG)"
    if ! as_pg "$PGBIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t 60 -o "-p $MARQUEZ_PG_PORT" >/dev/null; then
      tail -n 30 "$PG_LOG" >&2 || true
      die "postgres did not start (is port $MARQUEZ_PG_PORT taken? set MARQUEZ_PG_PORT)"
    fi
  fi
  head -n 1 "$PGDATA/postmaster.pid" >"$PG_PID_FILE"
  if [[ "$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]]; then
    pg_psql -d postgres -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
  fi
  if [[ "$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    pg_psql -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
  fi
}

pg_stop() {
  find_pgbin || true
  if pg_running; then
    log "stopping postgres"
    as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t 60 >/dev/null
  fi
  rm -f "$PG_PID_FILE"
}

# ---------------------------------------------------------------- marquez

# Prints the Java classpath for Marquez, resolving it from Maven Central on first use.
marquez_classpath() {
  if [[ -n "${MARQUEZ_JAR:-}" ]]; then
    [[ -f "$MARQUEZ_JAR" ]] || die "MARQUEZ_JAR=$MARQUEZ_JAR does not exist"
    printf '%s\n' "$MARQUEZ_JAR"
    return
  fi
  if [[ ! -f "$LIB_DIR/.complete" ]]; then
    ensure_maven
    local tmp="$LIB_DIR.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    log "resolving io.github.marquezproject:marquez-api:$MARQUEZ_VERSION and its runtime dependencies from Maven Central into $LIB_DIR"
    # shellcheck disable=SC2086  # MARQUEZ_MAVEN_ARGS is a list of extra Maven flags
    if ! mvn -B -q -Dstyle.color=never -f "$MARQUEZ_POM" -Dmarquez.version="$MARQUEZ_VERSION" \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" ${MARQUEZ_MAVEN_ARGS:-} >&2; then
      rm -rf "$tmp"
      die "could not resolve io.github.marquezproject:marquez-api:$MARQUEZ_VERSION from the Maven repository (see above).
  Choose another MARQUEZ_VERSION, or set MARQUEZ_JAR to an all-in-one marquez jar
  (e.g. copied from /usr/src/app in the marquezproject/marquez:$MARQUEZ_VERSION image)."
    fi
    compgen -G "$tmp/marquez-api-*.jar" >/dev/null || { rm -rf "$tmp"; die "marquez-api jar missing after dependency resolution"; }
    touch "$tmp/.complete"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
    local jars=("$LIB_DIR"/*.jar)
    log "cached ${#jars[@]} jars in $LIB_DIR"
  fi
  printf '%s\n' "$LIB_DIR/*"
}

mq_pid() { if [[ -f "$MQ_PID_FILE" ]]; then cat "$MQ_PID_FILE"; fi; }
mq_alive() { local p; p="$(mq_pid)"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }
api_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$API_URL/api/v1/namespaces" 2>/dev/null || true; }
api_ok() { [[ "$(api_code)" == 200 ]]; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mq_stop() {
  local p i
  p="$(mq_pid)"
  if [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; then
    log "stopping marquez (pid $p)"
    kill -TERM "$p" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$p" 2>/dev/null; then
      log "marquez did not exit after 30 s; killing it"
      kill -KILL "$p" 2>/dev/null || true
    fi
  fi
  rm -f "$MQ_PID_FILE" "$MQ_PORT_FILE"
}

MQ_LOG_OFFSET=0
# The last lines that this start wrote to the log (earlier runs are in the same file).
log_tail() { tail -c "+$((MQ_LOG_OFFSET + 1))" "$MQ_LOG" 2>/dev/null | tail -n 80 >&2 || true; }

wait_for_api() {
  local deadline=$((SECONDS + MARQUEZ_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    api_ok && return 0
    if ! mq_alive; then
      log "marquez exited during startup; last lines of $MQ_LOG:"
      log_tail
      rm -f "$MQ_PID_FILE"
      return 1
    fi
    sleep 0.5
  done
  log "marquez did not answer GET $API_URL/api/v1/namespaces with 200 within ${MARQUEZ_START_TIMEOUT}s (last: $(api_code)); last lines of $MQ_LOG:"
  log_tail
  mq_stop
  return 1
}

cmd_start() {
  local t0=$SECONDS
  ensure_curl
  if mq_alive; then
    local running_port
    running_port="$(cat "$MQ_PORT_FILE" 2>/dev/null || echo "$MARQUEZ_PORT")"
    if [[ -n "$MARQUEZ_PORT_SET" && "$running_port" != "$MARQUEZ_PORT" ]]; then
      die "marquez is already running on port $running_port (pid $(mq_pid)); run '$0 stop' first"
    fi
    MARQUEZ_PORT="$running_port"
    API_URL="http://127.0.0.1:$MARQUEZ_PORT"
    if api_ok || wait_for_api; then
      log "already running (pid $(mq_pid)) at http://localhost:$MARQUEZ_PORT"
      return 0
    fi
    return 1
  fi
  rm -f "$MQ_PID_FILE"
  local p
  for p in "$MARQUEZ_PORT" "$MARQUEZ_ADMIN_PORT"; do
    port_busy "$p" && die "port $p is already in use by another process (set MARQUEZ_PORT / MARQUEZ_ADMIN_PORT)"
  done
  ensure_java
  local cp
  cp="$(marquez_classpath)"
  pg_start
  log "starting marquez $MARQUEZ_VERSION on http://localhost:$MARQUEZ_PORT (admin $MARQUEZ_ADMIN_PORT, log: $MQ_LOG)"
  MQ_LOG_OFFSET="$(stat -c %s "$MQ_LOG" 2>/dev/null || echo 0)"
  printf '\n===== %s marquez.sh start (version %s) =====\n' "$(date -u +%FT%TZ)" "$MARQUEZ_VERSION" >>"$MQ_LOG"
  local db_port
  db_port="$(pg_port)"
  (
    cd "$MARQUEZ_HOME"
    export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$db_port" POSTGRES_DB="$DB_NAME" \
      POSTGRES_USER="$DB_USER" POSTGRES_PASSWORD="$DB_PASSWORD" \
      MARQUEZ_PORT MARQUEZ_ADMIN_PORT MARQUEZ_BIND_HOST
    # shellcheck disable=SC2086  # MARQUEZ_JAVA_OPTS is a list of JVM flags
    exec nohup java -Duser.timezone=UTC -Dlog4j2.formatMsgNoLookups=true ${MARQUEZ_JAVA_OPTS:-} \
      -cp "$cp" marquez.MarquezApp server "$MARQUEZ_CONFIG" </dev/null >>"$MQ_LOG" 2>&1
  ) &
  echo $! >"$MQ_PID_FILE"
  echo "$MARQUEZ_PORT" >"$MQ_PORT_FILE"
  wait_for_api || die "marquez failed to start"
  log "marquez ready at http://localhost:$MARQUEZ_PORT in $((SECONDS - t0)) s (pid $(mq_pid))"
}

cmd_stop() {
  mq_stop
  pg_stop
  log "stopped"
}

cmd_status() {
  local rc=0
  find_pgbin || true
  if pg_running; then echo "postgres: running (pid $(head -n 1 "$PGDATA/postmaster.pid"), port $(pg_port), data $PGDATA)"
  else echo "postgres: stopped"; rc=3; fi
  if mq_alive; then
    local code; code="$(api_code)"
    echo "marquez:  running (pid $(mq_pid), version $MARQUEZ_VERSION), GET /api/v1/namespaces -> ${code:-no answer}"
    [[ "$code" == 200 ]] || rc=3
  else echo "marquez:  stopped"; rc=3; fi
  return $rc
}

# A minimal OpenLineage run (START then COMPLETE), then reads the job and its lineage back.
cmd_smoke() {
  ensure_curl
  api_ok || die "marquez is not answering at $API_URL (run: $0 start)"
  local ns="${1:-assay-smoke}" job="${2:-smoke_job}" run_id now producer
  run_id="$(cat /proc/sys/kernel/random/uuid)"
  producer="urn:assay:scripts/marquez.sh"
  for state in START COMPLETE; do
    now="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
    curl -fsS -X POST "$API_URL/api/v1/lineage" -H 'Content-Type: application/json' -d @- <<EOF
{
  "eventType": "$state",
  "eventTime": "$now",
  "producer": "$producer",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/\$defs/RunEvent",
  "run": { "runId": "$run_id" },
  "job": {
    "namespace": "$ns",
    "name": "$job",
    "facets": {
      "jobType": {
        "_producer": "$producer",
        "_schemaURL": "https://openlineage.io/spec/facets/2-0-2/JobTypeJobFacet.json#/\$defs/JobTypeJobFacet",
        "processingType": "BATCH",
        "integration": "ASSAY",
        "jobType": "ASSET"
      }
    }
  },
  "inputs": [ { "namespace": "$ns", "name": "smoke_input" } ],
  "outputs": [ { "namespace": "$ns", "name": "smoke_output" } ]
}
EOF
    echo " <- POST /api/v1/lineage $state (run $run_id)"
  done
  echo "GET /api/v1/namespaces/$ns/jobs:"
  curl -fsS "$API_URL/api/v1/namespaces/$ns/jobs"; echo
  echo "GET /api/v1/lineage?nodeId=job:$ns:$job:"
  curl -fsS -G "$API_URL/api/v1/lineage" --data-urlencode "nodeId=job:$ns:$job"; echo
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  smoke) shift; cmd_smoke "$@" ;;
  *) echo "usage: $0 start|stop|status|smoke [namespace job]" >&2; exit 2 ;;
esac
