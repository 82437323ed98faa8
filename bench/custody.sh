#!/usr/bin/env bash
# bench/custody.sh: durable custody appends/s over HTTP at 1 and 16 clients
# (only 201s count) and custos-verify on a bundle of ENTRIES entries, against
# `openssl speed ed25519` sign/s and verify/s measured in the same run.
#
#   BUILD=/work/build-bench WORK=/work/bench-data bench/custody.sh [ENTRIES=10000]
#   VERIFY_ONLY=1 ROUNDS=5 ... bench/custody.sh   # only the custos-verify part
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
# VERIFY_ONLY=1: skip the appends and verify the bundle a previous run left
# in $WORK (C0000.bundle, log.vkey).
if [ "${VERIFY_ONLY:-0}" != 1 ]; then
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
fi
# custos-verify on one thread against openssl's one-thread verify/s, in
# ROUNDS interleaved pairs (openssl speed, then custos-verify), because the
# VM's speed drifts by 20-30% within a minute: each round's ratio compares
# two measurements taken seconds apart, and the median round is the result.
# Then on every core (wall) against `openssl speed -multi`.
NPROC=$(nproc)
ROUNDS=${ROUNDS:-5}
run_verify() {  # run_verify JOBS -> sets ENTRIES_IN V_CPU PER_CPU PER_WALL V_WALL V_RSS RC
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/verify.time" \
    "$CUSTOS_VERIFY" --jobs "$1" "$WORK/C0000.bundle" --key "$WORK/log.vkey" >"$WORK/verify.out" 2>&1 && RC=0 || RC=$?
  t1=$(now)
  ENTRIES_IN=$(sed -n 's/.*bundle format: \([0-9]*\) entries.*/\1/p' "$WORK/verify.out")
  read -r V_WALL V_USER V_SYS V_RSS <"$WORK/verify.time"
  V_CPU=$(echo "$V_USER + $V_SYS" | bc -l)
  PER_CPU=$(echo "$ENTRIES_IN / $V_CPU" | bc -l)
  PER_WALL=$(echo "$ENTRIES_IN / $(elapsed "$t0" "$t1")" | bc -l)
}
RATIOS=()
for r in $(seq 1 "$ROUNDS"); do
  OSSL1=$(openssl speed -seconds 2 ed25519 2>/dev/null | tail -1 | awk '{print $NF}')
  run_verify 1
  RATIO=$(echo "$PER_CPU / $OSSL1" | bc -l)
  RATIOS+=("$RATIO")
  printf 'round %s: openssl 1-thread verify %s/s; custos-verify --jobs 1: exit %s, %s entries, cpu %.2f s, %.0f per cpu-second, ratio %.3f\n' \
    "$r" "$OSSL1" "$RC" "$ENTRIES_IN" "$V_CPU" "$PER_CPU" "$RATIO"
done
echo "custos-verify --jobs 1: $(tail -1 "$WORK/verify.out")"
printf 'ratio per cpu-second / openssl 1-thread verify, median of %s rounds: %.3f (min %.3f, max %.3f; target >= 0.8)\n' \
  "$ROUNDS" "$(printf '%s\n' "${RATIOS[@]}" | sort -g | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')" \
  "$(printf '%s\n' "${RATIOS[@]}" | sort -g | head -1)" "$(printf '%s\n' "${RATIOS[@]}" | sort -g | tail -1)"
OSSLN=$(openssl speed -multi "$NPROC" -seconds 3 ed25519 2>/dev/null | tail -1 | awk '{print $NF}')
run_verify "$NPROC"
printf 'custos-verify --jobs %s: exit %s, %s entries, wall %s s, cpu %.2f s, maxrss %s KiB: %.0f entries/s wall; openssl speed -multi %s verify %s/s; ratio %.2f\n' \
  "$NPROC" "$RC" "$ENTRIES_IN" "$V_WALL" "$V_CPU" "$V_RSS" "$PER_WALL" "$NPROC" "$OSSLN" "$(echo "$PER_WALL / $OSSLN" | bc -l)"
echo "bundle: $(du -h "$WORK/C0000.bundle" | cut -f1)"
echo "openssl speed -seconds 3 ed25519 (after):"
openssl speed -seconds 3 ed25519 2>/dev/null | tail -1 | tee "$WORK/openssl-after.txt"
