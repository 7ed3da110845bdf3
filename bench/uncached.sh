#!/usr/bin/env bash
# Uncached reads against their floor: pydotorg with RESPONSE_CACHE=0 against bench/floor_app.py
# (Litestar + SQLAlchemy Core, one query per request, no middleware) on the same database.
#
#   bash bench/uncached.sh                  # SQLite, 1 worker each, 10 rounds of 3 s
#   ROUNDS=20 bash bench/uncached.sh
#   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pydotorg_bench bash bench/uncached.sh
#
# Both servers run under granian with the same worker count on the same DATABASE_URL (a fresh
# SQLite file that pydotorg migrates and seeds, or BENCH_DATABASE_URL) and the same
# PUBLIC_BASE_URL, so they answer byte-identical bodies (checked, with X-Total-Count). pydotorg
# keeps rate limiting on, with every tier at 10^9/min (the limiter counts, never refuses). After a
# warm-up, each of ROUNDS rounds runs wrk for DURATION seconds on each endpoint against each
# server, the order of the two servers alternating from round to round. The report gives, per
# endpoint, pydotorg / floor in req/s: the median of the per-round ratios and the ratio of the
# median req/s, plus server CPU per request.
#
# Knobs (environment): ROUNDS (10), DURATION (s, 3), WARMUP (s, 3), CONNECTIONS (32), THREADS
# (wrk threads, 2), WORKERS (granian workers per server, 1), BENCH_DATABASE_URL (empty: SQLite),
# FLOOR_ONE_TRIP=1 (the floor on pydotorg's SQLite connections, one trip to aiosqlite's thread
# per statement, instead of SQLAlchemy's adapter), STARTUP_TIMEOUT (s, 180), RESULTS_FILE
# (bench/results/uncached.md), KEEP_WORK=1.
# Exit status: 0, or 3 when a run had errors (429s, socket errors) or the bodies differ.
set -euo pipefail

LOG_PREFIX=bench-uncached
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-10}"
DURATION="${DURATION:-3}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-1}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-180}"
BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-}"
FLOOR_ONE_TRIP="${FLOOR_ONE_TRIP:-0}"
RESULTS_FILE="${RESULTS_FILE:-$ROOT/bench/results/uncached.md}"
KEEP_WORK="${KEEP_WORK:-0}"
require_positive_ints ROUNDS DURATION WARMUP CONNECTIONS THREADS WORKERS STARTUP_TIMEOUT
require_tools

WORK="$(mktemp -d -t pydotorg-bench-uncached.XXXXXX)"
RAW="$WORK/raw"
mkdir -p "$RAW"
declare -A PGIDS=() PORTS=()
cleanup() {
    local status=$? name
    trap - EXIT INT TERM
    for name in "${!PGIDS[@]}"; do stop_group "${PGIDS[$name]}"; done
    if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
        for name in pydotorg floor; do
            [ -s "$WORK/$name.log" ] && { log "last lines of the $name log:"; tail -n 20 "$WORK/$name.log" >&2; }
        done
    fi
    if [ "$KEEP_WORK" = 1 ] || [ "$status" -ne 0 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DATABASE="${BENCH_DATABASE_URL:-sqlite:///$WORK/var/pydotorg.sqlite3}"
SHARED_ENV=(DATABASE_URL="$DATABASE" PUBLIC_BASE_URL="http://$HOST")
SERVERS=(pydotorg floor)
declare -A PATHS=([latest]=/api/v1/releases/latest [list]="/api/v1/releases?pageSize=20")

# pydotorg first: `serve` migrates and seeds the database the floor then reads.
PORTS[pydotorg]="$(free_port)"
log "starting pydotorg ($WORKERS worker(s), RESPONSE_CACHE=0, rate limits on but out of reach)"
PGIDS[pydotorg]="$(cd "$WORK" && start_server "$WORK/pydotorg.log" \
    env "${APP_ENV_UNSET[@]}" "${SHARED_ENV[@]}" PYDOTORG_VAR_DIR="$WORK/var" RESPONSE_CACHE=0 \
    RATE_LIMIT_ENABLED=1 RATE_LIMITS="$HUGE_LIMITS" TRUSTED_PROXY_HOPS=0 \
    "$VENV/bin/pydotorg" serve --host "$HOST" --port "${PORTS[pydotorg]}" --workers "$WORKERS")"
wait_healthy pydotorg "${PORTS[pydotorg]}" "${PGIDS[pydotorg]}"
PORTS[floor]="$(free_port)"
while [ "${PORTS[floor]}" = "${PORTS[pydotorg]}" ]; do PORTS[floor]="$(free_port)"; done
log "starting the floor app ($WORKERS worker(s))"
PGIDS[floor]="$(cd "$ROOT" && start_server "$WORK/floor.log" \
    env "${APP_ENV_UNSET[@]}" "${SHARED_ENV[@]}" FLOOR_ONE_TRIP="$FLOOR_ONE_TRIP" \
    "$VENV/bin/granian" --interface asgi \
    --factory --workers "$WORKERS" --host "$HOST" --port "${PORTS[floor]}" --no-access-log \
    --working-dir "$ROOT" bench.floor_app:create_app)"
wait_healthy floor "${PORTS[floor]}" "${PGIDS[floor]}"

# The same bytes, and the same X-Total-Count; RateLimit headers from pydotorg (limiter on).
total() { awk -F': ' 'tolower($1) == "x-total-count" {print $2}' "$1" | tr -d '\r'; }
for endpoint in latest list; do
    for server in "${SERVERS[@]}"; do
        get_body "http://$HOST:${PORTS[$server]}${PATHS[$endpoint]}" "$WORK/$server.$endpoint.json" \
            "$WORK/$server.$endpoint.headers" >/dev/null
    done
    if ! cmp -s "$WORK/pydotorg.$endpoint.json" "$WORK/floor.$endpoint.json" ||
        [ "$(total "$WORK/pydotorg.$endpoint.headers")" != "$(total "$WORK/floor.$endpoint.headers")" ]; then
        log "$endpoint: the floor answers other bytes (or another X-Total-Count) than pydotorg"
        exit 3
    fi
done
grep -qi '^ratelimit-remaining:' "$WORK/pydotorg.latest.headers" || { log "pydotorg is not rate limiting"; exit 3; }
log "same bodies: latest $(wc -c <"$WORK/floor.latest.json") B, list $(wc -c <"$WORK/floor.list.json") B (X-Total-Count $(total "$WORK/floor.list.headers"))"

init_wrk
for endpoint in latest list; do
    for server in "${SERVERS[@]}"; do
        run_wrk "$WARMUP" "http://$HOST:${PORTS[$server]}${PATHS[$endpoint]}" >"$RAW/warmup__${server}__$endpoint.txt"
    done
done
LOAD_AT_START="$(cut -d' ' -f1 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
    order=("${SERVERS[@]}")
    [ $((round % 2)) = 0 ] && order=(floor pydotorg)
    log "round $round/$ROUNDS: ${order[*]}, ${DURATION}s per endpoint (load $(cut -d' ' -f1 /proc/loadavg))"
    for endpoint in latest list; do
        for server in "${order[@]}"; do
            stem="r${round}__${server}__$endpoint"
            before="$(group_cpu_ticks "${PGIDS[$server]}")"
            run_wrk "$DURATION" "http://$HOST:${PORTS[$server]}${PATHS[$endpoint]}" >"$RAW/$stem.txt"
            echo "$(($(group_cpu_ticks "${PGIDS[$server]}") - before))" >"$RAW/$stem.ticks"
        done
    done
done

{
    common_meta
    echo "LOAD=$LOAD_AT_START"
    echo "LOAD_AT_END=$(cut -d' ' -f1 /proc/loadavg)"
    echo "CLK_TCK=$(getconf CLK_TCK)"
    echo "ROUNDS=$ROUNDS"
    echo "WORKERS=$WORKERS"
    echo "DATABASE=${BENCH_DATABASE_URL:-SQLite (fresh file)}$([ "$FLOOR_ONE_TRIP" = 1 ] && echo ", floor on one-trip connections")"
    echo "COMMAND=ROUNDS=$ROUNDS DURATION=$DURATION WORKERS=$WORKERS${BENCH_DATABASE_URL:+ BENCH_DATABASE_URL=$BENCH_DATABASE_URL}$([ "$FLOOR_ONE_TRIP" = 1 ] && echo " FLOOR_ONE_TRIP=1") bash bench/uncached.sh"
} >"$RAW/meta.env"
"$PY" "$ROOT/bench/uncached_report.py" "$RAW" "$RESULTS_FILE"
