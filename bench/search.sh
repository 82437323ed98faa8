#!/usr/bin/env bash
# bench/search.sh [N]: the query list of the corpus against `custos serve`
# over HTTP keep-alive (anonymous, facets included) at 1 and 8 clients, then
# the same queries in-process (XapianSearchIndex::Search and raw Xapian) on
# the same index directory. Needs the data dir left by bench/ingest.sh N.
#
#   BUILD=/work/build-bench WORK=/work/bench-data bench/search.sh 10000
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-${N:-100000}}
QUERIES=$WORK/queries-$N.txt
DATA=$WORK/data-$N
REQS=${REQS:-2000}
SECS=${SECS:-90}
trap stop_server EXIT

machine_info
echo "queries: $QUERIES ($(wc -l <"$QUERIES") lines), index docs expected: $N"
start_server "$DATA"
"$BENCH_BIN/bench_http" search --port "$PORT" --queries "$QUERIES" --clients 2 --requests 300 >/dev/null  # warm-up
echo "HTTP (server pid $SRV_PID, port $PORT):"
"$BENCH_BIN/bench_http" search --port "$PORT" --queries "$QUERIES" --clients 1 --requests "$REQS" --seconds "$SECS"
"$BENCH_BIN/bench_http" search --port "$PORT" --queries "$QUERIES" --clients 8 --requests "$REQS" --seconds "$SECS"
echo "HTML search page / (issue 7: server time under 20 ms), 1 client:"
"$BENCH_BIN/bench_http" search --path / --port "$PORT" --queries "$QUERIES" --clients 1 --requests "$REQS" --seconds "$SECS"
echo "server peak rss: $(peak_rss_mib "$SRV_PID") MiB"
stop_server
echo "in-process, single thread, same index dir:"
"$BENCH_BIN/search_inproc" "$DATA/index" "$QUERIES" 1 2>/dev/null
