# shellcheck shell=bash
# Shell helpers shared by bench/run.sh and bench/ratelimit.sh. Source it; do not run it.
#
# Sets ROOT, VENV, PY, HOST, OWN_PGID and HUGE_LIMITS. Functions read these globals, plus
# STARTUP_TIMEOUT (wait_healthy) and the WRK array (run_wrk, built by init_wrk). Every server
# binds to, and every request goes to, 127.0.0.1.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
HOST=127.0.0.1
OWN_PGID="$(ps -o pgid= -p $$ | tr -d ' ')"
LOG_PREFIX="${LOG_PREFIX:-bench}"
# One client IP sends every request, so the app's anonymous limits (LOW: 120 a minute) would
# answer 429 within a second. This raises every tier out of reach: the limiter still runs and
# counts each request, it just never refuses one.
HUGE=1000000000/1000000000/1000000000
# shellcheck disable=SC2034  # used by the scripts that source this file
HUGE_LIMITS="CRITICAL=$HUGE;HIGH=$HUGE;MEDIUM=$HUGE;LOW=$HUGE"
# Settings of pydotorg that the scripts set themselves (or want at the app's default): the
# caller's shell must not leak them into the server, or runs would not be comparable.
# shellcheck disable=SC2034
APP_ENV_UNSET=(-u DATABASE_URL -u REDIS_URL -u REDIS_KEY_PREFIX -u RATE_LIMITS
    -u RATE_LIMIT_ENABLED -u RESPONSE_CACHE -u TRUSTED_PROXY_HOPS -u ACCESS_LOG -u APP_ENV
    -u PUBLIC_BASE_URL)

log() { printf '%s: %s\n' "$LOG_PREFIX" "$*" >&2; }

# limiter_env CONFIG VAR_DIR LIMITS REDIS_URL KEY_PREFIX: set the array LIMITER_ENV to the
# server environment of one rate-limit benchmark configuration (off, memory or redis). Every
# configuration serves the same bytes (links name PUBLIC_BASE_URL, not the port) from the
# response cache, and counts the peer's address (no proxy hops).
limiter_env() {
    local config="$1" var_dir="$2" limits="$3" redis_url="$4" prefix="$5"
    LIMITER_ENV=(PYDOTORG_VAR_DIR="$var_dir" PUBLIC_BASE_URL="http://$HOST" RESPONSE_CACHE=1
        TRUSTED_PROXY_HOPS=0 RATE_LIMITS="$limits" REDIS_KEY_PREFIX="$prefix")
    case "$config" in
    off) LIMITER_ENV+=(RATE_LIMIT_ENABLED=0) ;;
    memory) LIMITER_ENV+=(RATE_LIMIT_ENABLED=1) ;;
    redis) LIMITER_ENV+=(RATE_LIMIT_ENABLED=1 REDIS_URL="$redis_url") ;;
    *) log "unknown configuration '$config'"; return 2 ;;
    esac
}

# require_positive_ints NAME...: each named variable holds an integer >= 1, else exit 2.
require_positive_ints() {
    local knob
    for knob in "$@"; do
        if ! [[ "${!knob}" =~ ^[0-9]+$ ]] || [ "${!knob}" -lt 1 ]; then
            log "$knob must be a positive integer, not '${!knob}'"
            exit 2
        fi
    done
}

require_tools() {
    local tool
    for tool in wrk curl setsid timeout; do
        command -v "$tool" >/dev/null || {
            log "'$tool' not found (apt-get install -y wrk curl util-linux coreutils)"
            exit 2
        }
    done
    [ -x "$PY" ] || { log "no virtualenv at $VENV"; exit 2; }
}

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

free_port() {
    "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_server LOGFILE CMD...: run CMD in its own session (so its process group holds granian's
# main process and all its workers) and print that group's id.
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

# wait_healthy NAME PORT PGID: until GET /health answers 2xx, or the group dies, or time is up.
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

# get_body URL FILE [HEADERS_FILE]: fetch a 200 body (and its headers); print its Content-Type.
get_body() {
    local url="$1" out="$2" headers="${3:-/dev/null}" status ctype
    read -r status ctype < <(curl -sS --max-time 10 -o "$out" -D "$headers" \
        -w '%{http_code} %{content_type}\n' "$url")
    if [ "$status" != 200 ]; then
        log "GET $url answered $status, not 200"
        return 1
    fi
    printf '%s\n' "$ctype"
}

# init_wrk: the wrk command line, from THREADS and CONNECTIONS. wrk's own --timeout is per
# request; run_wrk bounds each whole run with `timeout` (--foreground keeps wrk in our process
# group, so that Ctrl-C reaches it). bench/wrk_report.lua prints one WRK_JSON line at the end.
init_wrk() {
    WRK=(wrk --threads "$THREADS" --connections "$CONNECTIONS" --timeout 10s --latency
        --script "$ROOT/bench/wrk_report.lua")
}

# run_wrk SECONDS URL
run_wrk() {
    local seconds="$1" url="$2"
    timeout --foreground --kill-after=5 "$((seconds + 30))" \
        "${WRK[@]}" --duration "${seconds}s" "$url"
}

# group_cpu_ticks PGID: user + system CPU time of every process in the group so far, in clock
# ticks (getconf CLK_TCK a second). Threads are included; processes that already exited are not.
group_cpu_ticks() {
    local pgid="$1" pid total=0 ticks
    for pid in $(ps -o pid= -g "$pgid" 2>/dev/null); do
        # Fields 14 and 15 (utime, stime), counted after the ")" that ends the command name.
        ticks="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')" || ticks=0
        total=$((total + ${ticks:-0}))
    done
    echo "$total"
}

# common_meta: KEY=value lines about the machine and the software, for the report scripts.
common_meta() {
    local commit
    commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -n 1)" ]; then
        commit="$commit (dirty tree)"
    fi
    echo "DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "COMMIT=$commit"
    echo "CPUS=$(nproc)"
    echo "CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "GRANIAN=$("$VENV/bin/granian" --version | awk '{print $2}')"
    echo "PYTHON=$("$PY" -c 'import platform; print(platform.python_version())')"
    echo "LITESTAR=$("$PY" -c 'from importlib.metadata import version; print(version("litestar"))')"
    echo "WRK_CMD=${WRK[*]/#$ROOT\//} --duration ${DURATION}s URL"
}
