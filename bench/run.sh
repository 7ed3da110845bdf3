#!/usr/bin/env bash
# Load-test pydotorg against a minimal Litestar app serving the same bytes, in one run.
#
#   bash bench/run.sh                       # SQLite, 2 workers, 10 s per measured run
#   WORKERS=1 DURATION=10 bash bench/run.sh
#   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pydotorg_bench bash bench/run.sh
#
# Knobs (environment): DURATION (s, default 10), WARMUP (s, default 3), CONNECTIONS (32),
# THREADS (wrk threads, 2), WORKERS (granian workers for both servers, 2),
# BENCH_DATABASE_URL (PostgreSQL instead of a fresh SQLite file), BENCH_REDIS_URL (rate-limit
# counters in Redis), BENCH_RATE_LIMITS (default: every tier at 10^9/min; empty: the app's own),
# STARTUP_TIMEOUT (s, 180),
# RESULTS_FILE (default bench/results/latest.md), KEEP_WORK=1 (keep the temp dir and logs).
#
# Everything binds to and is loaded on 127.0.0.1 only. Both servers are killed on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
HOST=127.0.0.1

DURATION="${DURATION:-10}"
DURATION="${DURATION%s}"
WARMUP="${WARMUP:-3}"
WARMUP="${WARMUP%s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-2}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-180}"
RESULTS_FILE="${RESULTS_FILE:-$ROOT/bench/results/latest.md}"
BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-}"
# One client IP sends every request, so the anonymous limits would answer 429 within a second.
# Raise every tier far out of reach (unset-vs-empty matters: empty keeps the app's limits).
HUGE=1000000000/1000000000/1000000000
BENCH_RATE_LIMITS="${BENCH_RATE_LIMITS-CRITICAL=$HUGE;HIGH=$HUGE;MEDIUM=$HUGE;LOW=$HUGE}"
KEEP_WORK="${KEEP_WORK:-0}"

for knob in DURATION WARMUP CONNECTIONS THREADS WORKERS STARTUP_TIMEOUT; do
    if ! [[ "${!knob}" =~ ^[0-9]+$ ]] || [ "${!knob}" -lt 1 ]; then
        echo "bench: $knob must be a positive integer, not '${!knob}'" >&2
        exit 2
    fi
done
for tool in wrk curl setsid; do
    command -v "$tool" >/dev/null || {
        echo "bench: '$tool' not found (apt-get install -y wrk curl util-linux)" >&2
        exit 2
    }
done
[ -x "$PY" ] || { echo "bench: no virtualenv at $VENV" >&2; exit 2; }

WORK="$(mktemp -d -t pydotorg-bench.XXXXXX)"
RAW="$WORK/raw"
BODIES="$WORK/bodies"
mkdir -p "$RAW" "$BODIES"
REAL_PGID=""
BASE_PGID=""
OWN_PGID="$(ps -o pgid= -p $$ | tr -d ' ')"

log() { printf 'bench: %s\n' "$*" >&2; }

# Stop a server started by start_server: TERM to its whole process group, then KILL.
stop_group() {
    local pgid="$1"
    [ -n "$pgid" ] || return 0
    kill -TERM -- "-$pgid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 -- "-$pgid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_group "$REAL_PGID"
    stop_group "$BASE_PGID"
    if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
        for name in pydotorg baseline; do
            if [ -s "$WORK/$name.log" ]; then
                log "last lines of the $name server log:"
                tail -n 20 "$WORK/$name.log" >&2
            fi
        done
    fi
    if [ "$KEEP_WORK" = 1 ] || [ "$status" -ne 0 ]; then
        log "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_server NAME LOGFILE CMD...: run CMD in its own session (so its process group holds
# granian's main process and all its workers) and print that group's id.
start_server() {
    local logfile="$1"
    shift
    setsid "$@" >"$logfile" 2>&1 </dev/null &
    local pid=$!
    # setsid execs directly (no fork) since a background job is never a group leader, so the
    # pid is the group id; read it back anyway in case that ever changes.
    sleep 0.2
    local pgid
    pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
    pgid="${pgid:-$pid}"
    if [ "$pgid" = "$OWN_PGID" ]; then
        log "server did not get its own process group; refusing to signal the script's group"
        kill -TERM "$pid" 2>/dev/null || true
        return 1
    fi
    echo "$pgid"
}

wait_healthy() {
    local name="$1" port="$2" pgid="$3"
    local deadline=$((SECONDS + STARTUP_TIMEOUT))
    until curl -fs -o /dev/null --max-time 2 "http://$HOST:$port/health"; do
        if ! kill -0 -- "-$pgid" 2>/dev/null; then
            log "$name server exited before answering /health"
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "$name server not healthy after ${STARTUP_TIMEOUT}s"
            return 1
        fi
        sleep 0.5
    done
}

# get_body URL FILE: fetch a 200 body; print its Content-Type.
get_body() {
    local url="$1" out="$2" status ctype
    read -r status ctype < <(curl -sS --max-time 10 -o "$out" -w '%{http_code} %{content_type}\n' "$url")
    if [ "$status" != 200 ]; then
        log "GET $url answered $status, not 200"
        return 1
    fi
    printf '%s\n' "$ctype"
}

REAL_PORT="$(free_port)"
BASE_PORT="$(free_port)"
while [ "$BASE_PORT" = "$REAL_PORT" ]; do BASE_PORT="$(free_port)"; done

# --- the real server, on a fresh var dir (and a fresh SQLite DB unless told otherwise) ----
# Its environment is set here, not inherited: DATABASE_URL, REDIS_URL and RATE_LIMIT* from the
# caller's shell would make runs incomparable.
APP_ENV=(PYDOTORG_VAR_DIR="$WORK/var")
if [ -n "$BENCH_DATABASE_URL" ]; then
    DB_DESC="PostgreSQL (${BENCH_DATABASE_URL%%\?*})"
    APP_ENV+=(DATABASE_URL="$BENCH_DATABASE_URL")
else
    DB_DESC="SQLite (fresh file in a temp dir)"
fi
if [ -n "$BENCH_REDIS_URL" ]; then
    APP_ENV+=(REDIS_URL="$BENCH_REDIS_URL")
    DB_DESC="$DB_DESC, Redis ${BENCH_REDIS_URL%%\?*}"
fi
if [ -n "$BENCH_RATE_LIMITS" ]; then
    APP_ENV+=(RATE_LIMITS="$BENCH_RATE_LIMITS")
    LIMITS_DESC="RATE_LIMITS=$BENCH_RATE_LIMITS (the limiter runs but never trips)"
else
    LIMITS_DESC="the app's own rate limits (expect 429s under load)"
fi
log "starting pydotorg on $HOST:$REAL_PORT ($WORKERS worker(s), $DB_DESC)"
REAL_PGID="$(cd "$WORK" && start_server "$WORK/pydotorg.log" \
    env -u DATABASE_URL -u REDIS_URL -u RATE_LIMITS -u RATE_LIMIT_ENABLED "${APP_ENV[@]}" \
    "$VENV/bin/pydotorg" serve --host "$HOST" --port "$REAL_PORT" --workers "$WORKERS")"
wait_healthy pydotorg "$REAL_PORT" "$REAL_PGID"

REAL="http://$HOST:$REAL_PORT"
LATEST_PATH="/api/v1/releases/latest"
LIST_PATH="/api/v1/releases?pageSize=20"
CTYPE_LATEST="$(get_body "$REAL$LATEST_PATH" "$BODIES/latest.json")"
CTYPE_LIST="$(get_body "$REAL$LIST_PATH" "$BODIES/list.json")"
if [ "$CTYPE_LATEST" != "$CTYPE_LIST" ]; then
    log "the two endpoints answer different Content-Types ($CTYPE_LATEST, $CTYPE_LIST)"
    exit 1
fi
printf '%s\n' "$CTYPE_LATEST" >"$BODIES/content-type"
log "captured bodies: latest $(wc -c <"$BODIES/latest.json") B, list $(wc -c <"$BODIES/list.json") B ($CTYPE_LATEST)"

# --- the baseline: same granian, same interface and worker count, same bytes ------------------
log "starting baseline on $HOST:$BASE_PORT ($WORKERS worker(s))"
BASE_PGID="$(cd "$ROOT" && start_server "$WORK/baseline.log" \
    env BENCH_BODY_DIR="$BODIES" "$VENV/bin/granian" --interface asgi --factory \
    --workers "$WORKERS" --host "$HOST" --port "$BASE_PORT" --no-access-log \
    --working-dir "$ROOT" bench.baseline_app:create_app)"
wait_healthy baseline "$BASE_PORT" "$BASE_PGID"

BASE="http://$HOST:$BASE_PORT"
for pair in "latest:$LATEST_PATH" "list:$LIST_PATH"; do
    name="${pair%%:*}"
    path="${pair#*:}"
    ctype="$(get_body "$BASE$path" "$WORK/check.json")"
    if ! cmp -s "$WORK/check.json" "$BODIES/$name.json" || [ "$ctype" != "$CTYPE_LATEST" ]; then
        log "baseline does not answer the captured bytes for $path"
        exit 1
    fi
done
log "baseline answers the same bytes and Content-Type"

# --- load ---------------------------------------------------------------------------------------
# wrk's own --timeout is per request; `timeout` bounds each whole wrk run (--foreground keeps
# wrk in our process group, so that Ctrl-C reaches it).
WRK=(wrk --threads "$THREADS" --connections "$CONNECTIONS" --timeout 10s --latency
    --script "$ROOT/bench/wrk_report.lua")
run_wrk() {
    local seconds="$1" url="$2"
    timeout --foreground --kill-after=5 "$((seconds + 30))" "${WRK[@]}" --duration "${seconds}s" "$url"
}

# Per endpoint, the two servers are measured back to back, so that whatever else the machine is
# doing at that moment weighs on both figures of a ratio alike.
LOAD_AT_START="$(cut -d' ' -f1 /proc/loadavg)"
for pair in "latest:$LATEST_PATH" "list:$LIST_PATH"; do
    name="${pair%%:*}"
    for server in pydotorg baseline; do
        if [ "$server" = pydotorg ]; then base="$REAL"; else base="$BASE"; fi
        url="$base${pair#*:}"
        log "$server $name: warm-up ${WARMUP}s, then ${DURATION}s measured ($url)"
        run_wrk "$WARMUP" "$url" >"$RAW/warmup__${server}__${name}.txt"
        run_wrk "$DURATION" "$url" >"$RAW/${server}__${name}.txt"
    done
done

# --- report -------------------------------------------------------------------------------------
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -n 1)" ]; then
    COMMIT="$COMMIT (dirty tree)"
fi
COMMAND="DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS THREADS=$THREADS WORKERS=$WORKERS"
[ -n "$BENCH_DATABASE_URL" ] && COMMAND="$COMMAND BENCH_DATABASE_URL=$BENCH_DATABASE_URL"
COMMAND="$COMMAND bash bench/run.sh"
{
    echo "DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "COMMIT=$COMMIT"
    echo "CPUS=$(nproc)"
    echo "LOAD=$LOAD_AT_START"
    echo "CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "GRANIAN=$("$VENV/bin/granian" --version | awk '{print $2}')"
    echo "PYTHON=$("$PY" -c 'import platform; print(platform.python_version())')"
    echo "LITESTAR=$("$PY" -c 'from importlib.metadata import version; print(version("litestar"))')"
    echo "WORKERS=$WORKERS"
    echo "WARMUP=$WARMUP"
    echo "DATABASE=$DB_DESC"
    echo "LIMITS=$LIMITS_DESC"
    echo "WRK_CMD=${WRK[*]/#$ROOT\//} --duration ${DURATION}s URL"
    echo "COMMAND=$COMMAND"
    echo "BODY_LATEST=$(wc -c <"$BODIES/latest.json")"
    echo "BODY_LIST=$(wc -c <"$BODIES/list.json")"
} >"$RAW/meta.env"

report_status=0
"$PY" "$ROOT/bench/report.py" "$RAW" "$RESULTS_FILE" || report_status=$?
log "written to $RESULTS_FILE"
if [ "$report_status" -ne 0 ]; then
    log "some runs had errors (see the errors column): their ratios are not valid"
    exit "$report_status"
fi
