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

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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
# Unset-vs-empty matters: empty keeps the app's own limits (and so 429s under load).
BENCH_RATE_LIMITS="${BENCH_RATE_LIMITS-$HUGE_LIMITS}"
KEEP_WORK="${KEEP_WORK:-0}"
# BASELINE=raw: a bare ASGI callable serving the same bytes instead of a minimal Litestar app.
BASELINE="${BASELINE:-litestar}"
case "$BASELINE" in
    litestar) BASELINE_FACTORY=create_app ;;
    raw) BASELINE_FACTORY=create_raw_app ;;
    *) echo "BASELINE is litestar or raw" >&2; exit 2 ;;
esac

require_positive_ints DURATION WARMUP CONNECTIONS THREADS WORKERS STARTUP_TIMEOUT
require_tools

WORK="$(mktemp -d -t pydotorg-bench.XXXXXX)"
RAW="$WORK/raw"
BODIES="$WORK/bodies"
mkdir -p "$RAW" "$BODIES"
REAL_PGID=""
BASE_PGID=""

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
    # A key prefix of its own, so that counters of other runs (or of a real server) never mix.
    APP_ENV+=(REDIS_URL="$BENCH_REDIS_URL" REDIS_KEY_PREFIX="pydotorg-bench-$(date +%s)-$$:")
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
    env "${APP_ENV_UNSET[@]}" "${APP_ENV[@]}" \
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
    --working-dir "$ROOT" "bench.baseline_app:$BASELINE_FACTORY")"
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
init_wrk

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
COMMAND="DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS THREADS=$THREADS WORKERS=$WORKERS"
[ -n "$BENCH_DATABASE_URL" ] && COMMAND="$COMMAND BENCH_DATABASE_URL=$BENCH_DATABASE_URL"
[ -n "$BENCH_REDIS_URL" ] && COMMAND="$COMMAND BENCH_REDIS_URL=$BENCH_REDIS_URL"
[ "$BASELINE" != litestar ] && COMMAND="$COMMAND BASELINE=$BASELINE"
COMMAND="$COMMAND bash bench/run.sh"
{
    common_meta
    echo "LOAD=$LOAD_AT_START"
    echo "WORKERS=$WORKERS"
    echo "WARMUP=$WARMUP"
    echo "DATABASE=$DB_DESC"
    echo "LIMITS=$LIMITS_DESC"
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
