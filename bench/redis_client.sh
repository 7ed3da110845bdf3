#!/usr/bin/env bash
# Which Redis client should count the rate limit: the hand-written RESP client or redis-py?
# One interleaved run of four servers on a cached GET: limiting off, the in-memory store, Redis
# through the hand-written client (`resp`), Redis through redis-py (`redispy`), both with the
# same batching. Issue 10's rule: keep the hand-written client only if its overhead is at least
# 5 percentage points below redis-py's.
#
#   bash bench/redis_client.sh                 # 40 rounds of 2 s per configuration, 1 worker
#   ROUNDS=60 bash bench/redis_client.sh
#
# Same method and checks as bench/ratelimit.sh (read its section in bench/README.md): each
# server is started once (granian, `bench.redis_clients:create_app`, one SQLite var dir) and
# warmed up; each round gives every configuration one short wrk run on
# GET /api/v1/releases/latest, the order rotating; per configuration the overhead is the median
# over the rounds of 1 - (req/s / req/s off, same round). The report adds the per-round
# difference of the two Redis clients' overheads. Checks: zero non-2xx, no fail-open, the
# configured client answering (/health), and Redis counting every request of every measured
# run. The 1-min load average is recorded before every round.
#
# Knobs (environment): ROUNDS (40), DURATION (s, 2), WARMUP (s, 3), CONNECTIONS (32),
# THREADS (2), WORKERS (1), BENCH_REDIS_URL (redis://127.0.0.1:6379/0, loopback only),
# STARTUP_TIMEOUT (s, 180), RESULTS_FILE (bench/results/redis_client.md), KEEP_WORK=1.
# Exit status: 0 when every check passed, 3 when not, 2 on a usage error.
set -euo pipefail

LOG_PREFIX=bench-redis-client
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-40}"
DURATION="${DURATION:-2}"
DURATION="${DURATION%s}"
WARMUP="${WARMUP:-3}"
WARMUP="${WARMUP%s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-1}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-180}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}"
RESULTS_FILE="${RESULTS_FILE:-$ROOT/bench/results/redis_client.md}"
KEEP_WORK="${KEEP_WORK:-0}"
require_positive_ints ROUNDS DURATION WARMUP CONNECTIONS THREADS WORKERS STARTUP_TIMEOUT
require_tools

redis_chore() {
    local command="$1"
    shift
    timeout 15 "$PY" "$ROOT/bench/redis_keys.py" "$command" "$BENCH_REDIS_URL" "$@"
}
REDIS_VERSION="$(redis_chore ping)" || {
    log "no Redis answering at $BENCH_REDIS_URL (set BENCH_REDIS_URL to a loopback Redis)"
    exit 2
}

WORK="$(mktemp -d -t pydotorg-bench-client.XXXXXX)"
RAW="$WORK/raw"
mkdir -p "$RAW"
RUN_ID="pydotorg-bench-client-$(date +%s)-$$"
declare -A PGIDS=() PORTS=() LOGS=()

cleanup() {
    local status=$? config
    trap - EXIT INT TERM
    for config in "${!PGIDS[@]}"; do stop_group "${PGIDS[$config]}"; done
    [ -z "${REDIS_WATCH_PID:-}" ] || kill "$REDIS_WATCH_PID" 2>/dev/null || true
    redis_chore delete "$RUN_ID:" || log "could not delete the Redis keys under $RUN_ID:"
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

CONFIGS=(off memory resp redispy)
LATEST_PATH="/api/v1/releases/latest"

log "migrating and seeding a fresh SQLite database"
env "${APP_ENV_UNSET[@]}" PYDOTORG_VAR_DIR="$WORK/var" "$VENV/bin/pydotorg" db upgrade >/dev/null
env "${APP_ENV_UNSET[@]}" PYDOTORG_VAR_DIR="$WORK/var" "$VENV/bin/pydotorg" seed >/dev/null

coproc REDIS_WATCH { exec "$PY" "$ROOT/bench/redis_keys.py" watch "$BENCH_REDIS_URL" "$RUN_ID:"; }
REDIS_WATCH_PID="$REDIS_WATCH_PID"
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
for config in "${CONFIGS[@]}"; do
    limiter_env "$config" "$WORK/var" "$HUGE_LIMITS" "$BENCH_REDIS_URL" "$RUN_ID:$config:"
    PORTS[$config]="$(free_port)"
    LOGS[$config]="$WORK/$config.log"
    PGIDS[$config]="$(cd "$ROOT" && start_server "${LOGS[$config]}" \
        env "${APP_ENV_UNSET[@]}" -u BENCH_REDIS_CLIENT "${LIMITER_ENV[@]}" \
        "$VENV/bin/granian" --interface asgi --factory --workers "$WORKERS" \
        --host "$HOST" --port "${PORTS[$config]}" --working-dir "$ROOT" \
        bench.redis_clients:create_app)"
    wait_healthy "$config" "${PORTS[$config]}" "${PGIDS[$config]}"
    url="http://$HOST:${PORTS[$config]}$LATEST_PATH"
    get_body "$url" "$WORK/$config.body" >/dev/null
    cmp -s "$WORK/$config.body" "$WORK/off.body" || {
        log "$config answers other bytes than off"
        exit 3
    }
    log "$config: warm-up ${WARMUP}s ($url)"
    run_wrk "$WARMUP" "$url" >"$RAW/warmup__$config.txt"
done

CLK_TCK="$(getconf CLK_TCK)"
LOAD_AT_START="$(cut -d' ' -f1 /proc/loadavg)"
: >"$RAW/rounds.env"
for round in $(seq "$ROUNDS"); do
    order=()
    for i in 0 1 2 3; do order+=("${CONFIGS[$(((i + round - 1) % 4))]}"); done
    load="$(cut -d' ' -f1 /proc/loadavg)"
    printf 'ORDER_%s=%s\nLOAD_%s=%s\n' "$round" "${order[*]}" "$round" "$load" >>"$RAW/rounds.env"
    log "round $round/$ROUNDS: ${order[*]} (load $load)"
    for config in "${order[@]}"; do
        stem="r${round}__$config"
        url="http://$HOST:${PORTS[$config]}$LATEST_PATH"
        case "$config" in resp | redispy) redis_state "$RAW/$stem.redis-before.json" ;; esac
        cpu_before="$(group_cpu_ticks "${PGIDS[$config]}")"
        run_wrk "$DURATION" "$url" >"$RAW/$stem.txt"
        cpu_after="$(group_cpu_ticks "${PGIDS[$config]}")"
        case "$config" in resp | redispy) redis_state "$RAW/$stem.redis-after.json" ;; esac
        printf 'SERVER_TICKS=%s\nCLK_TCK=%s\n' "$((cpu_after - cpu_before))" "$CLK_TCK" \
            >"$RAW/$stem.cpu"
    done
done
for config in "${CONFIGS[@]}"; do
    curl -fsS --max-time 5 "http://$HOST:${PORTS[$config]}/health" >"$RAW/$config.health.json"
    stop_group "${PGIDS[$config]}"
    unset "PGIDS[$config]"
    grep -c 'rate-limit store unavailable' "${LOGS[$config]}" >"$RAW/$config.failopen" || true
done

{
    common_meta
    echo "LOAD=$LOAD_AT_START"
    echo "LOAD_AT_END=$(cut -d' ' -f1 /proc/loadavg)"
    echo "ROUNDS=$ROUNDS"
    echo "WORKERS=$WORKERS"
    echo "WARMUP=$WARMUP"
    echo "CONFIGS=${CONFIGS[*]}"
    echo "REDIS=${BENCH_REDIS_URL%%\?*} (Redis $REDIS_VERSION)"
    echo "REDIS_PY=$("$PY" -c 'import redis, redis.utils as u; print(redis.__version__, "hiredis" if u.HIREDIS_AVAILABLE else "no hiredis")')"
    echo "COMMAND=ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS THREADS=$THREADS WORKERS=$WORKERS bash bench/redis_client.sh"
    cat "$RAW/rounds.env"
} >"$RAW/meta.env"

report_status=0
"$PY" "$ROOT/bench/redis_client_report.py" "$RAW" "$RESULTS_FILE" || report_status=$?
log "written to $RESULTS_FILE"
exit "$report_status"
