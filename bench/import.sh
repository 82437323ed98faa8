#!/usr/bin/env bash
# bench/import.sh [N...]: LIDO import, records/s and peak memory, for lidoWraps
# of N records (default 10000 and 100000: two sizes in one run show whether
# peak memory grows with the file). Per N, in the same run:
#   1. baseline: raw_lido_read, one libxml2 xmlTextReader pass over the file
#      counting lidoRecID elements (the parsing ceiling: nothing mapped or
#      stored);
#   2. custos import --data FRESH_DIR FILE (checks the whole file, then maps
#      and writes every record), wall time, CPU and peak RSS (/usr/bin/time).
# The files come from gen_lido (deterministic, seed 42; a sample is validated
# against the shipped LIDO 1.1 XSD first) and are kept in $WORK for re-runs;
# the data directories are removed afterwards (KEEP=1 keeps them).
#
#   BUILD=/work/build-bench WORK=/work/bench-data/import bench/import.sh 10000 100000
set -euo pipefail
source "$(dirname "$0")/common.sh"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)

machine_info
SAMPLE=$WORK/lido-sample.xml
"$BENCH_BIN/gen_lido" --n 200 --seed 42 --out "$SAMPLE" 2>/dev/null
if command -v xmllint >/dev/null; then
  xmllint --noout --nonet --schema "$bench_root/archive/schemas/lido/lido-v1.1.xsd" "$SAMPLE" 2>&1 |
    sed 's/^/xsd check: /'
else
  echo "xsd check: skipped (no xmllint)"
fi

ROWS=()
for N in "${SIZES[@]}"; do
  FILE=$WORK/lido-$N.xml
  DATA=$WORK/data-lido-$N
  [ -f "$FILE" ] || "$BENCH_BIN/gen_lido" --n "$N" --seed 42 --out "$FILE"
  MB=$(du -m "$FILE" | cut -f1)
  echo
  echo "== N=$N: $FILE ($MB MiB, md5 $(md5sum <"$FILE" | cut -c1-12)), load $(cut -d' ' -f1-3 /proc/loadavg)"

  /usr/bin/time -f "%e %M" -o "$WORK/raw-$N.time" "$BENCH_BIN/raw_lido_read" "$FILE" >"$WORK/raw-$N.out"
  read -r RAW_S RAW_KB <"$WORK/raw-$N.time"
  RAW_RATE=$(sed -n 's/.*= \([0-9]*\) records.*/\1/p' "$WORK/raw-$N.out")
  printf 'raw libxml2 reader: %s (wall %s s, peak rss %d MiB)\n' "$(cat "$WORK/raw-$N.out")" \
    "$RAW_S" $((RAW_KB / 1024))

  rm -rf "$DATA"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/import-$N.time" \
    "$CUSTOS" import --data "$DATA" "$FILE" >"$WORK/import-$N.out" 2>"$WORK/import-$N.err" || {
    echo "custos import failed:"; tail -5 "$WORK/import-$N.err"; exit 1; }
  read -r WALL USR SYS KB <"$WORK/import-$N.time"
  RATE=$(echo "$N / $WALL" | bc -l)
  echo "custos import: $(cat "$WORK/import-$N.out")"
  printf 'custos import: wall %s s = %.0f records/s (cpu %s user + %s sys), peak rss %d MiB, load after %s\n' \
    "$WALL" "$RATE" "$USR" "$SYS" $((KB / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
  echo "sizes: $(du -sh "$DATA/custos.db"* 2>/dev/null | tr '\t\n' ' ')"
  ROWS+=("$(printf '| %s | %s MiB | %s /s | %d MiB | %.0f /s | %d MiB | %.2f |' "$N" "$MB" "$RAW_RATE" \
    $((RAW_KB / 1024)) "$RATE" $((KB / 1024)) "$(echo "$RATE / $RAW_RATE" | bc -l)")")
  [ "${KEEP:-0}" = 1 ] || rm -rf "$DATA"
done

echo
echo "| N | file | raw reader | raw peak rss | custos import | custos peak rss | import/raw |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
