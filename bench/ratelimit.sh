#!/usr/bin/env bash
# What rate limiting costs on a cached GET: pydotorg with limiting off, on with the in-memory
# store, and on with Redis, in one run, as a ratio to the run with limiting off.
#
#   bash bench/ratelimit.sh                        # 2 workers, 3 rounds, 10 s per measured run
#   ROUNDS=5 DURATION=15 bash bench/ratelimit.sh
#
# Per round, each configuration gets a fresh server (same worker count, same SQLite var dir,
# seeded on the first start), a warm-up and a measured wrk run on GET /api/v1/releases/latest,
# which the response cache answers from memory after the first request. The order of the three
# configurations rotates from round to round. The report gives the median req/s of each
# configuration over the rounds and the overhead 1 - (with limiting / without).
#
# Knobs (environment): ROUNDS (3), DURATION (s, 10), WARMUP (s, 3), CONNECTIONS (32),
# THREADS (wrk threads, 2), WORKERS (granian workers, 2), BENCH_REDIS_URL
# (redis://127.0.0.1:6379/0, loopback only), BENCH_RATE_LIMITS (default: every tier at
# 10^9/min, so that every request is counted and none refused), STARTUP_TIMEOUT (s, 180),
# RESULTS_FILE (bench/results/ratelimit.md), KEEP_WORK=1 (keep the temp dir and logs).
#
# Exit status: 0 when every request was answered 2xx and every check passed (whether or not the
# overhead targets are met, which the report says), 3 when not, 2 on a usage error.
# Everything binds to and is loaded on 127.0.0.1 only. The server is killed on exit, and the
# run's Redis keys are deleted.
set -euo pipefail

LOG_PREFIX=bench-ratelimit
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
DURATION="${DURATION%s}"
WARMUP="${WARMUP:-3}"
WARMUP="${WARMUP%s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-2}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-180}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}"
BENCH_RATE_LIMITS="${BENCH_RATE_LIMITS:-$HUGE_LIMITS}"
RESULTS_FILE="${RESULTS_FILE:-$ROOT/bench/results/ratelimit.md}"
KEEP_WORK="${KEEP_WORK:-0}"

require_positive_ints ROUNDS DURATION WARMUP CONNECTIONS THREADS WORKERS STARTUP_TIMEOUT
require_tools

# redis_chore ping|cpu|count|delete [PREFIX]: bench/redis_keys.py against BENCH_REDIS_URL.
redis_chore() {
    local command="$1"
    shift
    timeout 15 "$PY" "$ROOT/bench/redis_keys.py" "$command" "$BENCH_REDIS_URL" "$@"
}

REDIS_VERSION="$(redis_chore ping)" || {
    log "no Redis answering at $BENCH_REDIS_URL (set BENCH_REDIS_URL to a loopback Redis)"
    exit 2
}

WORK="$(mktemp -d -t pydotorg-bench-rl.XXXXXX)"
RAW="$WORK/raw"
mkdir -p "$RAW"
# Every Redis key of this run starts with this; each round's server gets "$RUN_ID:r<n>:".
RUN_ID="pydotorg-bench-rl-$(date +%s)-$$"
SERVER_PGID=""
SERVER_LOG=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_group "$SERVER_PGID"
    redis_chore delete "$RUN_ID:" ||
        log "could not delete the Redis keys under $RUN_ID: (they expire within ~65 s)"
    if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ] &&
        [ -n "$SERVER_LOG" ] && [ -s "$SERVER_LOG" ]; then
        log "last lines of the server log ($SERVER_LOG):"
        tail -n 20 "$SERVER_LOG" >&2
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

CONFIGS=(off memory redis)
LATEST_PATH="/api/v1/releases/latest"

# start_pydotorg CONFIG ROUND: start the server for one configuration; sets SERVER_PGID, PORT.
start_pydotorg() {
    local config="$1" round="$2"
    local app_env=(
        PYDOTORG_VAR_DIR="$WORK/var"
        # Links in the body name this base instead of the port, so every start answers the same
        # bytes.
        PUBLIC_BASE_URL="http://$HOST"
        RESPONSE_CACHE=1
        TRUSTED_PROXY_HOPS=0
        RATE_LIMITS="$BENCH_RATE_LIMITS"
        REDIS_KEY_PREFIX="$RUN_ID:r$round:"
    )
    case "$config" in
    off) app_env+=(RATE_LIMIT_ENABLED=0) ;;
    memory) app_env+=(RATE_LIMIT_ENABLED=1) ;;
    redis) app_env+=(RATE_LIMIT_ENABLED=1 REDIS_URL="$BENCH_REDIS_URL") ;;
    esac
    PORT="$(free_port)"
    SERVER_LOG="$WORK/r${round}__$config.log"
    SERVER_PGID="$(cd "$WORK" && start_server "$SERVER_LOG" \
        env "${APP_ENV_UNSET[@]}" "${app_env[@]}" \
        "$VENV/bin/pydotorg" serve --host "$HOST" --port "$PORT" --workers "$WORKERS")"
    wait_healthy "pydotorg ($config)" "$PORT" "$SERVER_PGID"
}

# check_first_answer CONFIG URL: 200, the same bytes as every other configuration, and the
# RateLimit headers exactly when limiting is on.
check_first_answer() {
    local config="$1" url="$2" body="$WORK/body.json" headers="$WORK/headers.txt"
    get_body "$url" "$body" "$headers" >/dev/null
    if [ ! -e "$WORK/first-body.json" ]; then
        cp "$body" "$WORK/first-body.json"
    elif ! cmp -s "$body" "$WORK/first-body.json"; then
        log "$config answers other bytes than the first configuration did"
        return 1
    fi
    local limited=0
    grep -qi '^ratelimit-limit:' "$headers" && limited=1
    if [ "$config" = off ] && [ "$limited" = 1 ]; then
        log "limiting is off but the answer carries RateLimit headers"
        return 1
    elif [ "$config" != off ] && [ "$limited" = 0 ]; then
        log "limiting is on ($config) but the answer carries no RateLimit headers"
        return 1
    fi
}

init_wrk
LOAD_AT_START="$(cut -d' ' -f1 /proc/loadavg)"
ORDERS=()
for round in $(seq "$ROUNDS"); do
    # Rotate the order, so that no configuration always runs first (or right after a start-up).
    order=()
    for i in 0 1 2; do order+=("${CONFIGS[$(((i + round - 1) % 3))]}"); done
    ORDERS+=("${order[*]}")
    for config in "${order[@]}"; do
        [ -e "$WORK/var" ] || log "first start: migrating and seeding a fresh SQLite database"
        start_pydotorg "$config" "$round"
        url="http://$HOST:$PORT$LATEST_PATH"
        check_first_answer "$config" "$url"
        log "round $round/$ROUNDS, $config: warm-up ${WARMUP}s, then ${DURATION}s measured ($url)"
        stem="r${round}__$config"
        run_wrk "$WARMUP" "$url" >"$RAW/warmup__$stem.txt"
        # CPU time of the server's processes (and of Redis) across the measured run only.
        redis_cpu_before="$(redis_chore cpu)"
        cpu_before="$(group_cpu_ticks "$SERVER_PGID")"
        run_wrk "$DURATION" "$url" >"$RAW/$stem.txt"
        cpu_after="$(group_cpu_ticks "$SERVER_PGID")"
        redis_cpu_after="$(redis_chore cpu)"
        printf 'SERVER_TICKS=%s\nCLK_TCK=%s\nREDIS_CPU_SECONDS=%s\n' \
            "$((cpu_after - cpu_before))" "$(getconf CLK_TCK)" \
            "$(awk -v a="$redis_cpu_before" -v b="$redis_cpu_after" \
                'BEGIN {printf "%.6f", b - a}')" \
            >"$RAW/$stem.cpu"
        curl -fsS --max-time 5 "http://$HOST:$PORT/health" >"$RAW/$stem.health.json"
        if [ "$config" = redis ]; then
            redis_chore count "$RUN_ID:r$round:" >"$RAW/$stem.redis-count"
        fi
        stop_group "$SERVER_PGID"
        SERVER_PGID=""
        # /health shows one worker only; every worker logs each time the store fails open.
        grep -c 'rate-limit store unavailable' "$SERVER_LOG" >"$RAW/$stem.failopen" || true
    done
done

# --- report -------------------------------------------------------------------------------------
COMMAND="ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS"
COMMAND="$COMMAND THREADS=$THREADS WORKERS=$WORKERS bash bench/ratelimit.sh"
{
    common_meta
    echo "LOAD=$LOAD_AT_START"
    echo "LOAD_AT_END=$(cut -d' ' -f1 /proc/loadavg)"
    echo "ROUNDS=$ROUNDS"
    echo "WORKERS=$WORKERS"
    echo "WARMUP=$WARMUP"
    echo "REDIS=${BENCH_REDIS_URL%%\?*} (Redis $REDIS_VERSION)"
    echo "LIMITS=$BENCH_RATE_LIMITS"
    echo "COMMAND=$COMMAND"
    echo "PYTHONPATH=${PYTHONPATH:-}"
    echo "BODY_BYTES=$(wc -c <"$WORK/first-body.json")"
    for round in $(seq "$ROUNDS"); do echo "ORDER_$round=${ORDERS[$((round - 1))]}"; done
} >"$RAW/meta.env"

report_status=0
"$PY" "$ROOT/bench/ratelimit_report.py" "$RAW" "$RESULTS_FILE" || report_status=$?
log "written to $RESULTS_FILE"
if [ "$report_status" -ne 0 ]; then
    log "some checks failed (see the report): its figures are not valid"
    exit "$report_status"
fi
