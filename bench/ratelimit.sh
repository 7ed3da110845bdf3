#!/usr/bin/env bash
# What rate limiting costs on a cached GET: pydotorg with limiting off, on with the in-memory
# store, and on with Redis, in one run, as a ratio to the run with limiting off.
#
#   bash bench/ratelimit.sh                        # 1 worker, 30 rounds, 2 s per measured run
#   ROUNDS=60 WORKERS=2 bash bench/ratelimit.sh
#
# The three servers (same worker count, same SQLite var dir, seeded on the first start) are
# started once and warmed up; then each round gives each configuration one short measured wrk
# run on GET /api/v1/releases/latest, which the response cache answers from memory after the
# first request. The order rotates from round to round, so the three runs of a round are seconds
# apart and see the same machine. The report gives, per configuration, the median over the
# rounds of 1 - (req/s with limiting / req/s without, same round), and cross-checks it with the
# ratio of the median req/s and with the server CPU spent per request.
#
# Knobs (environment): ROUNDS (30), DURATION (s, 2), WARMUP (s, 3), CONNECTIONS (32),
# THREADS (wrk threads, 2), WORKERS (granian workers per server, 1: with two, how wrk's 32
# connections happen to split between the workers changes from run to run, and with it the
# req/s; the limiter's cost is per worker either way), BENCH_REDIS_URL
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

ROUNDS="${ROUNDS:-30}"
DURATION="${DURATION:-2}"
DURATION="${DURATION%s}"
WARMUP="${WARMUP:-3}"
WARMUP="${WARMUP%s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-1}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-180}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}"
BENCH_RATE_LIMITS="${BENCH_RATE_LIMITS:-$HUGE_LIMITS}"
RESULTS_FILE="${RESULTS_FILE:-$ROOT/bench/results/ratelimit.md}"
KEEP_WORK="${KEEP_WORK:-0}"

require_positive_ints ROUNDS DURATION WARMUP CONNECTIONS THREADS WORKERS STARTUP_TIMEOUT
require_tools

# redis_chore ping|delete [PREFIX]: bench/redis_keys.py against BENCH_REDIS_URL.
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
# Every Redis key of this run starts with this.
RUN_ID="pydotorg-bench-rl-$(date +%s)-$$"
declare -A PGIDS=() PORTS=() LOGS=()

cleanup() {
    local status=$? config
    trap - EXIT INT TERM
    for config in "${!PGIDS[@]}"; do stop_group "${PGIDS[$config]}"; done
    [ -z "${REDIS_WATCH_PID:-}" ] || kill "$REDIS_WATCH_PID" 2>/dev/null || true
    redis_chore delete "$RUN_ID:" ||
        log "could not delete the Redis keys under $RUN_ID: (they expire within ~65 s)"
    if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
        for config in "${!LOGS[@]}"; do
            [ -s "${LOGS[$config]}" ] || continue
            log "last lines of the $config server's log (${LOGS[$config]}):"
            tail -n 20 "${LOGS[$config]}" >&2
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

CONFIGS=(off memory redis)
LATEST_PATH="/api/v1/releases/latest"

# start_pydotorg CONFIG: start the server of one configuration; sets PGIDS, PORTS, LOGS.
start_pydotorg() {
    local config="$1"
    limiter_env "$config" "$WORK/var" "$BENCH_RATE_LIMITS" "$BENCH_REDIS_URL" "$RUN_ID:"
    PORTS[$config]="$(free_port)"
    LOGS[$config]="$WORK/$config.log"
    PGIDS[$config]="$(cd "$WORK" && start_server "${LOGS[$config]}" \
        env "${APP_ENV_UNSET[@]}" "${LIMITER_ENV[@]}" \
        "$VENV/bin/pydotorg" serve --host "$HOST" --port "${PORTS[$config]}" \
        --workers "$WORKERS")"
    wait_healthy "pydotorg ($config)" "${PORTS[$config]}" "${PGIDS[$config]}"
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

# One helper process reads Redis's CPU time and the run's counters on demand (a line in, a JSON
# line out), so that the runs of a round follow each other without a Python start-up between.
coproc REDIS_WATCH { exec "$PY" "$ROOT/bench/redis_keys.py" watch "$BENCH_REDIS_URL" "$RUN_ID:"; }
REDIS_WATCH_PID="$REDIS_WATCH_PID"

# redis_state FILE: write Redis's CPU seconds so far and the run's counters (JSON) to FILE.
redis_state() {
    local line
    echo state >&"${REDIS_WATCH[1]}"
    IFS= read -r -t 15 line <&"${REDIS_WATCH[0]}" || {
        log "no answer from bench/redis_keys.py watch"
        return 1
    }
    printf '%s\n' "$line" >"$1"
}

init_wrk
# The first start migrates and seeds the database; the others find it ready.
log "starting the three servers ($WORKERS workers each); the first migrates and seeds SQLite"
for config in "${CONFIGS[@]}"; do
    start_pydotorg "$config"
    url="http://$HOST:${PORTS[$config]}$LATEST_PATH"
    check_first_answer "$config" "$url"
    log "$config: warm-up ${WARMUP}s ($url)"
    run_wrk "$WARMUP" "$url" >"$RAW/warmup__$config.txt"
done
LOAD_AT_START="$(cut -d' ' -f1 /proc/loadavg)"
CLK_TCK="$(getconf CLK_TCK)"
ORDERS=()
for round in $(seq "$ROUNDS"); do
    # Rotate the order, so that no configuration always runs first.
    order=()
    for i in 0 1 2; do order+=("${CONFIGS[$(((i + round - 1) % 3))]}"); done
    ORDERS+=("${order[*]}")
    log "round $round/$ROUNDS: ${order[*]}, ${DURATION}s each"
    for config in "${order[@]}"; do
        stem="r${round}__$config"
        url="http://$HOST:${PORTS[$config]}$LATEST_PATH"
        # CPU time of the server's processes across the measured run only; for the Redis
        # server, also Redis's CPU time and the run's counters right before and after it.
        [ "$config" != redis ] || redis_state "$RAW/$stem.redis-before.json"
        cpu_before="$(group_cpu_ticks "${PGIDS[$config]}")"
        run_wrk "$DURATION" "$url" >"$RAW/$stem.txt"
        cpu_after="$(group_cpu_ticks "${PGIDS[$config]}")"
        [ "$config" != redis ] || redis_state "$RAW/$stem.redis-after.json"
        printf 'SERVER_TICKS=%s\nCLK_TCK=%s\n' "$((cpu_after - cpu_before))" "$CLK_TCK" \
            >"$RAW/$stem.cpu"
    done
done
for config in "${CONFIGS[@]}"; do
    curl -fsS --max-time 5 "http://$HOST:${PORTS[$config]}/health" >"$RAW/$config.health.json"
done
for config in "${CONFIGS[@]}"; do
    stop_group "${PGIDS[$config]}"
    unset "PGIDS[$config]"
    # /health shows one worker only; every worker logs each time the store fails open.
    grep -c 'rate-limit store unavailable' "${LOGS[$config]}" >"$RAW/$config.failopen" || true
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
