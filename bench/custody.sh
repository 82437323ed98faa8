#!/usr/bin/env bash
# bench/custody.sh: durable custody appends/s over HTTP at 1 and 16 clients
# (only 201s count) and custos-verify on a bundle of ENTRIES entries, against
# `openssl speed ed25519` sign/s and verify/s measured in the same run.
#
#   BUILD=/work/build-bench WORK=/work/bench-data bench/custody.sh [ENTRIES=10000]
# The 1-client run appends ENTRIES entries to artifact C0000 (that is also
# the artifact whose bundle is verified); the 16-client run appends to
# C0001..C0016, one artifact per client, for SECS16 seconds.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ENTRIES=${1:-${ENTRIES:-10000}}
SECS1=${SECS1:-180}
SECS16=${SECS16:-30}
DATA=$WORK/data-custody
trap stop_server EXIT

machine_info
echo "openssl speed -seconds 3 ed25519 (before):"
openssl speed -seconds 3 ed25519 2>/dev/null | tail -1 | tee "$WORK/openssl-before.txt"

rm -rf "$DATA" "$DATA".serve.*
for i in $(seq 0 16); do
  printf '{"id":"C%04d","title":"Custody bench object %d","object_type":"vase","country_of_origin":"IQ"}\n' "$i" "$i"
done >"$WORK/custody-artifacts.jsonl"
"$CUSTOS" import --data "$DATA" "$WORK/custody-artifacts.jsonl" >/dev/null 2>&1
TOKEN=$("$CUSTOS" user add bench-curator --role curator --data "$DATA" | tail -1)
start_server "$DATA"
ARTS16=$(seq -f 'C%04g' 1 16 | paste -sd,)

echo "appends, 1 client, $ENTRIES requests to C0000:"
"$BENCH_BIN/bench_http" custody --port "$PORT" --token "$TOKEN" --artifacts C0000 --clients 1 \
  --requests "$ENTRIES" --seconds "$SECS1"
echo "appends, 16 clients (one artifact each), ${SECS16} s:"
if [ "${PERF:-0}" = 1 ]; then
  perf record -q -e cpu-clock -F 99 -g -p "$SRV_PID" -o "$WORK/perf-custody.data" 2>/dev/null & PERF_PID=$!
fi
"$BENCH_BIN/bench_http" custody --port "$PORT" --token "$TOKEN" --artifacts "$ARTS16" --clients 16 \
  --requests 1000000 --seconds "$SECS16"
if [ -n "${PERF_PID:-}" ]; then kill -TERM "$PERF_PID"; wait "$PERF_PID" || true; fi
echo "server cpu so far: $(cpu_of "$SRV_PID") s"

curl -sf -H "Authorization: Bearer $TOKEN" "$URL/api/v1/artifacts/C0000/bundle" -o "$WORK/C0000.bundle"
curl -sf "$URL/api/v1/log/key" -o "$WORK/log.vkey"
stop_server
T0=$(now)
/usr/bin/time -f "custos-verify: wall %e s, cpu %U user + %S sys, maxrss %M KiB" -o "$WORK/verify.time" \
  "$CUSTOS_VERIFY" "$WORK/C0000.bundle" --key "$WORK/log.vkey" >"$WORK/verify.out" 2>&1 && RC=0 || RC=$?
T1=$(now)
ENTRIES_IN=$(sed -n 's/.*bundle format: \([0-9]*\) entries.*/\1/p' "$WORK/verify.out")
echo "bundle: $(du -h "$WORK/C0000.bundle" | cut -f1), $ENTRIES_IN entries; custos-verify exit $RC: $(tail -1 "$WORK/verify.out")"
cat "$WORK/verify.time"
printf 'custos-verify: %.0f entries/s (wall, incl. process start and bundle parse)\n' "$(echo "$ENTRIES_IN / $(elapsed "$T0" "$T1")" | bc -l)"
echo "openssl speed -seconds 3 ed25519 (after):"
openssl speed -seconds 3 ed25519 2>/dev/null | tail -1 | tee "$WORK/openssl-after.txt"
