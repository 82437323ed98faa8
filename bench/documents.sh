#!/usr/bin/env bash
# bench/documents.sh: document upload throughput (MiB/s) against the disk's
# own write rate (dd ... conv=fdatasync into the same data dir, same run),
# and OCR pages per minute for image-only pages.
#
#   BUILD=/work/build-bench WORK=/work/bench-data bench/documents.sh
# Env: COUNT (20) files of SIZE_MIB (20) MiB each, uploaded sequentially and
# then another COUNT with PAR (4) concurrent uploads; OCR_PAGES (10) PNG
# pages at OCR_DPI (300) for OCR.
set -euo pipefail
source "$(dirname "$0")/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
COUNT=${COUNT:-20}
SIZE_MIB=${SIZE_MIB:-20}
PAR=${PAR:-4}
OCR_PAGES=${OCR_PAGES:-10}
OCR_DPI=${OCR_DPI:-300}
DATA=$WORK/data-docs
FILES=$WORK/docfiles
trap stop_server EXIT

machine_info
rm -rf "$DATA" "$DATA".serve.* "$FILES"
mkdir -p "$FILES"
for i in $(seq 1 $((2 * COUNT))); do
  python3 "$HERE/make_pdf.py" "$FILES/doc-$i.pdf" --pad-mib "$SIZE_MIB" --seed "$i"
done
python3 "$HERE/make_pdf.py" "$FILES/ocr.pdf" --pages "$OCR_PAGES" --seed 777
"$BENCH_BIN/render_pages" "$FILES/ocr.pdf" "$FILES/ocr" "$OCR_DPI"
BYTES=$(stat -c %s "$FILES"/doc-1.pdf)
echo "generated $((2 * COUNT)) PDFs of $BYTES bytes, $OCR_PAGES PNG pages at $OCR_DPI dpi"

printf '{"id":"D0001","title":"Document bench object","object_type":"vase"}\n{"id":"D0002","title":"OCR bench object","object_type":"vase"}\n' >"$WORK/docs-artifacts.jsonl"
"$CUSTOS" import --data "$DATA" "$WORK/docs-artifacts.jsonl" >/dev/null 2>&1
TOKEN=$("$CUSTOS" user add bench-curator --role curator --data "$DATA" | tail -1)
start_server "$DATA"
sync

dd_rate() {
  local out
  out=$(dd if=/dev/zero of="$DATA/ddtest" bs=1M count=400 conv=fdatasync 2>&1 | tail -1)
  rm -f "$DATA/ddtest"
  echo "$out" | sed -E 's/.* copied, ([0-9.]+) s.*/\1/' | awk '{printf "%.1f", 400 / $1}'
}
upload() {  # upload FILE ARTIFACT -> "code seconds sha"
  local body
  body=$(curl -s -w '\n%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" \
    -F kind=invoice -F "file=@$1" "$URL/api/v1/artifacts/$2/documents")
  echo "$(echo "$body" | tail -1) $(echo "$body" | head -n -1 | jq -r '.sha256 // .document.sha256 // "?"')"
}
export -f upload
export TOKEN URL

DD1=$(dd_rate)
echo "dd 400 MiB conv=fdatasync (before): $DD1 MiB/s"
T0=$(now)
for i in $(seq 1 "$COUNT"); do upload "$FILES/doc-$i.pdf" D0001; done >"$WORK/upload-seq.txt"
T1=$(now)
SEQ_S=$(elapsed "$T0" "$T1")
T0=$(now)
seq $((COUNT + 1)) $((2 * COUNT)) | xargs -P "$PAR" -I{} bash -c 'upload "$0/doc-{}.pdf" D0001' "$FILES" >"$WORK/upload-par.txt"
T1=$(now)
PAR_S=$(elapsed "$T0" "$T1")
DD2=$(dd_rate)
echo "dd 400 MiB conv=fdatasync (after):  $DD2 MiB/s"
MIB=$(echo "$COUNT * $BYTES / 1048576" | bc -l)
echo "status codes (sequential): $(cut -d' ' -f1 "$WORK/upload-seq.txt" | sort | uniq -c | tr '\n' ' ')"
echo "status codes (parallel):   $(cut -d' ' -f1 "$WORK/upload-par.txt" | sort | uniq -c | tr '\n' ' ')"
printf 'upload sequential: %d x %.1f MiB in %.2f s = %.1f MiB/s (per-request %s s)\n' "$COUNT" \
  "$(echo "$BYTES / 1048576" | bc -l)" "$SEQ_S" "$(echo "$MIB / $SEQ_S" | bc -l)" \
  "$(cut -d' ' -f2 "$WORK/upload-seq.txt" | sort -n | sed -n '1p;$p' | paste -sd- )"
printf 'upload %d concurrent: %d x %.1f MiB in %.2f s = %.1f MiB/s\n' "$PAR" "$COUNT" \
  "$(echo "$BYTES / 1048576" | bc -l)" "$PAR_S" "$(echo "$MIB / $PAR_S" | bc -l)"
printf 'ratio upload/dd (sequential, vs mean dd): %.2f\n' "$(echo "($MIB / $SEQ_S) / (($DD1 + $DD2) / 2)" | bc -l)"

# Let the extraction of the uploaded PDFs finish before the OCR run.
wait_done() {  # wait_done SHA... -> seconds until all are done/failed
  local t0 pending
  t0=$(now)
  while :; do
    pending=0
    for s in "$@"; do
      st=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/documents/$s" | jq -r '.extraction.status')
      case "$st" in done|failed) ;; *) pending=$((pending + 1)) ;; esac
    done
    [ "$pending" = 0 ] && break
    sleep 0.5
  done
  elapsed "$t0" "$(now)"
}
PDF_SHAS=$(cat "$WORK/upload-seq.txt" "$WORK/upload-par.txt" | cut -d' ' -f3)
# shellcheck disable=SC2086
echo "PDF text extraction drained $(wait_done $PDF_SHAS) s after the last upload"

T0=$(now)
: >"$WORK/upload-ocr.txt"
for i in $(seq 1 "$OCR_PAGES"); do upload "$FILES/ocr-$i.png" D0002 >>"$WORK/upload-ocr.txt"; done
OCR_SHAS=$(cut -d' ' -f3 "$WORK/upload-ocr.txt")
# shellcheck disable=SC2086
wait_done $OCR_SHAS >/dev/null
T1=$(now)
OCR_S=$(elapsed "$T0" "$T1")
echo "OCR status codes: $(cut -d' ' -f1 "$WORK/upload-ocr.txt" | sort | uniq -c | tr '\n' ' ')"
for s in $OCR_SHAS; do
  curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/documents/$s" | jq -c '.extraction | {status, reason}'
done | sort | uniq -c
printf 'OCR: %d pages (%s dpi PNG) uploaded and extracted in %.1f s = %.1f pages/min\n' \
  "$OCR_PAGES" "$OCR_DPI" "$OCR_S" "$(echo "$OCR_PAGES * 60 / $OCR_S" | bc -l)"
/usr/bin/time -f "baseline: tesseract CLI on page 1: wall %e s, cpu %U user" tesseract "$FILES/ocr-1.png" - >/dev/null 2>"$WORK/tess.err" || true
tail -1 "$WORK/tess.err"
