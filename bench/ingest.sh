#!/usr/bin/env bash
# bench/ingest.sh [N]: end-to-end ingest (custos import into a fresh data dir
# that custos serve runs on, until the index has caught up) vs a raw
# in-process Xapian indexer over the same JSONL, in the same run. Leaves the data dir
# ($WORK/data-N) and the server stopped, for bench/search.sh.
# PERF=1 also samples the import and the server's catch-up with perf (99 Hz):
#   perf report -i $WORK/perf-index-N.data --no-children --sort dso,sym
#
#   BUILD=/work/build-bench WORK=/work/bench-data bench/ingest.sh 10000
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-${N:-100000}}
CORPUS=$WORK/corpus-$N.jsonl
QUERIES=$WORK/queries-$N.txt
DATA=$WORK/data-$N
trap stop_server EXIT

machine_info
[ -f "$CORPUS" ] || "$BENCH_BIN/gen_corpus" --n "$N" --seed 42 --out "$CORPUS" --queries "$QUERIES" --nqueries 2000
echo "corpus: $CORPUS ($(du -h "$CORPUS" | cut -f1), md5 $(md5sum <"$CORPUS" | cut -c1-12))"

# 1. Raw Xapian ceiling (same JSONL, one commit). RAW=0 skips it (the 1M run,
# which records size, memory and search p99 rather than the ratio).
rm -rf "$WORK/raw-xapian-$N"
RAW_RATE=
if [ "${RAW:-1}" != 0 ]; then
  /usr/bin/time -f "raw: wall %e s, cpu %U user + %S sys, maxrss %M KiB" \
    "$BENCH_BIN/raw_xapian_index" "$CORPUS" "$WORK/raw-xapian-$N" 2>&1 | tee "$WORK/raw-$N.out"
  RAW_RATE=$(sed -n 's/.*= \([0-9]*\) records.*/\1/p' "$WORK/raw-$N.out")
fi

# 2. custos. By default the server runs on the fresh data dir while
# `custos import` writes into it, the way an archive takes a large import:
# the server's index follower indexes each import commit as it lands, on the
# other core. SERIAL=1 imports first and starts the server afterwards (the
# figures recorded before 2026-11-23 06:00).
rm -rf "$DATA" "$DATA".serve.*
PERF_IMPORT=()
if [ "${PERF:-0}" = 1 ]; then PERF_IMPORT=(perf record -q -e cpu-clock -F 99 -g -o "$WORK/perf-import-$N.data" --); fi
start_perf() {
  if [ "${PERF:-0}" = 1 ]; then
    perf record -q -e cpu-clock -F 99 -g -p "$SRV_PID" -o "$WORK/perf-index-$N.data" 2>/dev/null & PERF_PID=$!
  fi
}
run_import() {
  /usr/bin/time -f "import: wall %e s, cpu %U user + %S sys, maxrss %M KiB" \
    "${PERF_IMPORT[@]}" "$CUSTOS" import --data "$DATA" "$CORPUS" 2>&1 | { grep -v '^progress' || true; } | tail -3
}
if [ "${SERIAL:-0}" = 1 ]; then
  echo "mode: serial (import, then serve and catch up)"
  T0=$(now)
  run_import
  T1=$(now)
  start_server "$DATA"
  start_perf
else
  echo "mode: concurrent (serve, then import into the live data dir)"
  start_server "$DATA"
  start_perf
  T0=$(now)
  run_import
  T1=$(now)
fi
while :; do
  total=$(search_total "")
  [ "$total" = "$N" ] && break
  waited=$(elapsed "$T1" "$(now)" | cut -d. -f1)
  if [ "${waited:-0}" -gt "${MAX_WAIT:-1800}" ]; then echo "index total $total after MAX_WAIT"; exit 1; fi
  kill -0 "$SRV_PID" || { echo "server died"; exit 1; }
  sleep 0.2
done
T2=$(now)
SRV_CPU=$(cpu_of "$SRV_PID")
if [ -n "${PERF_PID:-}" ]; then kill -TERM "$PERF_PID"; wait "$PERF_PID" || true; fi
SRV_RSS=$(peak_rss_mib "$SRV_PID")
IMPORT_S=$(elapsed "$T0" "$T1")
INDEX_S=$(elapsed "$T1" "$T2")
E2E_S=$(elapsed "$T0" "$T2")
E2E_RATE=$(echo "$N / $E2E_S" | bc -l)
printf 'custos import: %.1f s (%.0f records/s)\n' "$IMPORT_S" "$(echo "$N / $IMPORT_S" | bc -l)"
printf 'import end -> index total == %s: %.1f s (server cpu %s s, peak rss %s MiB)\n' "$N" "$INDEX_S" "$SRV_CPU" "$SRV_RSS"
printf 'end to end: %.1f s = %.0f records/s\n' "$E2E_S" "$E2E_RATE"
if [ -n "$RAW_RATE" ]; then
  printf 'raw xapian ceiling: %s records/s\n' "$RAW_RATE"
  printf 'ratio end-to-end / raw: %.3f (target >= 0.7)\n' "$(echo "$E2E_RATE / $RAW_RATE" | bc -l)"
else
  echo "raw xapian ceiling: skipped (RAW=0), no ratio"
fi
echo "sizes: $(du -sh "$DATA/custos.db"* "$DATA/index" "$WORK/raw-xapian-$N" 2>/dev/null | tr '\t\n' ' ')"
