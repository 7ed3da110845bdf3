#!/usr/bin/env bash
# What rate limiting costs on a cached GET, counted in CPU instructions instead of seconds.
#
#   bash bench/ratelimit_instructions.sh            # needs valgrind (Debian: valgrind) and wrk
#
# bench/ratelimit.sh measures throughput, which on a shared or virtual machine moves by tens of
# per cent from one second to the next. This script runs the same server (`granian`, one worker,
# the same app factory and settings as `pydotorg serve`) under valgrind's callgrind, which counts
# the instructions the server executes: the same work gives the same count, whatever else the
# machine does. For each configuration (limiting off, in-memory store, Redis store) it warms the
# server up with wrk, counts the instructions of a MEASURE-second wrk run, then of MEASURE
# seconds with no load (the background work a server does anyway: the response cache polls the
# data version four times a second), and reports
#
#   instructions per request = (loaded - idle) / requests wrk completed
#   overhead = 1 - (per request with limiting off / per request with limiting on)
#
# Counted: everything in the server's processes (granian's Rust, Python, the app, the kernel
# calls' user-space side). Not counted: time in the kernel, and the Redis server's own work
# (bench/ratelimit.sh reports Redis's CPU seconds per request). So this is the app's side of the
# cost, exactly; bench/ratelimit.sh gives the whole cost, noisily.
#
# Knobs (environment): MEASURE (s, 8), CONNECTIONS (8), BENCH_REDIS_URL
# (redis://127.0.0.1:6379/0, loopback only), RESULTS_FILE (bench/results/instructions.md),
# KEEP_WORK=1 (keep the temp dir with callgrind's files and the logs).
set -euo pipefail

LOG_PREFIX=bench-instructions
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MEASURE="${MEASURE:-8}"
MEASURE="${MEASURE%s}"
CONNECTIONS="${CONNECTIONS:-8}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}"
RESULTS_FILE="${RESULTS_FILE:-$ROOT/bench/results/instructions.md}"
KEEP_WORK="${KEEP_WORK:-0}"
require_positive_ints MEASURE CONNECTIONS STARTUP_TIMEOUT
require_tools
for tool in valgrind callgrind_control; do
    command -v "$tool" >/dev/null || { log "'$tool' not found (apt-get install -y valgrind)"; exit 2; }
done
"$PY" "$ROOT/bench/redis_keys.py" ping "$BENCH_REDIS_URL" >/dev/null || {
    log "no Redis answering at $BENCH_REDIS_URL (set BENCH_REDIS_URL to a loopback Redis)"
    exit 2
}

WORK="$(mktemp -d -t pydotorg-bench-instr.XXXXXX)"
RUN_ID="pydotorg-bench-instr-$(date +%s)-$$"
SERVER_PGID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_group "$SERVER_PGID"
    timeout 15 "$PY" "$ROOT/bench/redis_keys.py" delete "$BENCH_REDIS_URL" "$RUN_ID:" || true
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

URL_PATH=/api/v1/releases/latest
log "migrating and seeding a fresh SQLite database"
env "${APP_ENV_UNSET[@]}" PYDOTORG_VAR_DIR="$WORK/var" "$VENV/bin/pydotorg" db upgrade >/dev/null
env "${APP_ENV_UNSET[@]}" PYDOTORG_VAR_DIR="$WORK/var" "$VENV/bin/pydotorg" seed >/dev/null

# callgrind_total DIR: the instructions counted in every callgrind file of DIR.
callgrind_total() {
    cat "$1"/callgrind.out.* | awk '/^(summary|totals):/ {sum += $2} END {printf "%d\n", sum}'
}

# count PHASE DIR SECONDS URL: switch counting on for SECONDS (under wrk load unless PHASE is
# idle), then off; print the requests wrk completed (0 when idle).
count() {
    local phase="$1" dir="$2" seconds="$3" url="$4" requests=0
    for pid in $(ps -o pid= -g "$SERVER_PGID"); do
        callgrind_control --zero "$pid" >/dev/null 2>&1
        callgrind_control --instr=on "$pid" >/dev/null 2>&1
    done
    if [ "$phase" = idle ]; then
        sleep "$seconds"
    else
        requests="$(wrk --threads 1 --connections "$CONNECTIONS" --duration "${seconds}s" \
            --timeout 30s "$url" | awk '/requests in/ {print $1}')"
    fi
    for pid in $(ps -o pid= -g "$SERVER_PGID"); do
        callgrind_control --instr=off "$pid" >/dev/null 2>&1
        callgrind_control --dump="$phase" "$pid" >/dev/null 2>&1
    done
    echo "$requests"
}

{
    echo "| configuration | requests | instructions loaded | instructions idle | per request |"
    echo "|---|---:|---:|---:|---:|"
} >"$WORK/table.md"
declare -A PER_REQUEST=()
for config in off memory redis; do
    limiter_env "$config" "$WORK/var" "$HUGE_LIMITS" "$BENCH_REDIS_URL" "$RUN_ID:"
    mkdir -p "$WORK/$config"
    port="$(free_port)"
    log "$config: starting granian under callgrind (slow: about a minute)"
    SERVER_PGID="$(cd "$WORK/$config" && start_server "$WORK/$config/server.log" \
        env "${APP_ENV_UNSET[@]}" "${LIMITER_ENV[@]}" \
        valgrind --tool=callgrind --trace-children=yes --instr-atstart=no \
        --callgrind-out-file="$WORK/$config/callgrind.out.%p" \
        "$VENV/bin/granian" --interface asgi --factory --workers 1 --no-ws \
        --host "$HOST" --port "$port" pydotorg.app:create_app)"
    wait_healthy "$config" "$port" "$SERVER_PGID"
    url="http://$HOST:$port$URL_PATH"
    wrk --threads 1 --connections "$CONNECTIONS" --duration 3s --timeout 30s "$url" >/dev/null
    rm -f "$WORK/$config"/callgrind.out.*
    loaded_requests="$(count loaded "$WORK/$config" "$MEASURE" "$url")"
    loaded="$(callgrind_total "$WORK/$config")"
    mkdir -p "$WORK/$config/loaded" && mv "$WORK/$config"/callgrind.out.* "$WORK/$config/loaded/"
    count idle "$WORK/$config" "$MEASURE" "$url" >/dev/null
    idle="$(callgrind_total "$WORK/$config")"
    stop_group "$SERVER_PGID"
    SERVER_PGID=""
    if [ "${loaded_requests:-0}" -lt 100 ]; then
        log "$config: wrk completed only ${loaded_requests:-0} requests; see $WORK/$config"
        exit 3
    fi
    PER_REQUEST[$config]=$(((loaded - idle) / loaded_requests))
    printf '| %s | %s | %s | %s | %s |\n' "$config" "$loaded_requests" "$loaded" "$idle" \
        "${PER_REQUEST[$config]}" >>"$WORK/table.md"
done

overhead() { awk -v a="${PER_REQUEST[off]}" -v b="$1" 'BEGIN {printf "%.1f %%", (1 - a / b) * 100}'; }
{
    echo "# Rate limiting overhead on a cached GET, in instructions"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "- server: granian $("$VENV/bin/granian" --version | awk '{print $2}'), 1 worker, under \`valgrind --tool=callgrind\`; \`GET $URL_PATH\` from the response cache"
    echo "- load: \`wrk --threads 1 --connections $CONNECTIONS --duration ${MEASURE}s\`; idle: ${MEASURE}s without load, subtracted"
    echo "- command: \`MEASURE=$MEASURE CONNECTIONS=$CONNECTIONS bash bench/ratelimit_instructions.sh\`"
    echo
    cat "$WORK/table.md"
    echo
    echo "| store | overhead: 1 - (per request off / on) | target |"
    echo "|---|---:|---:|"
    echo "| memory | $(overhead "${PER_REQUEST[memory]}") | < 10 % |"
    echo "| redis | $(overhead "${PER_REQUEST[redis]}") | < 25 % (Redis's own CPU not included) |"
} | tee "$RESULTS_FILE"
log "written to $RESULTS_FILE"
