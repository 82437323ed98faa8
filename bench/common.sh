# Shared helpers for the bench/*.sh scripts (sourced, not run).
# BUILD: the Release build with benchmarks (default build/bench, made by
# `scripts/build bench`); WORK: scratch dir (default build/bench-data).
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$bench_root/build/bench}
WORK=${WORK:-$bench_root/build/bench-data}
CUSTOS=${CUSTOS:-$BUILD/tools/custos}
CUSTOS_VERIFY=${CUSTOS_VERIFY:-$BUILD/tools/custos-verify}
BENCH_BIN=${BENCH_BIN:-$BUILD/bench}
mkdir -p "$WORK"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
# CPU seconds (user+sys) consumed so far by a live process.
cpu_of() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }
peak_rss_mib() { awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$1/status"; }

machine_info() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(uname -sr)  nproc: $(nproc)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  free -h | sed -n 2p
}

# start_server DATA_DIR -> sets SRV_PID, PORT, URL; ADMIN_TOKEN on first start.
start_server() {
  local data=$1 out="$1.serve.out"
  : >"$out"
  "$CUSTOS" serve --data "$data" --port 0 >"$out" 2>"$data.serve.err" &
  SRV_PID=$!
  for _ in $(seq 1 600); do
    if grep -q "custos: serving" "$out"; then break; fi
    if ! kill -0 "$SRV_PID" 2>/dev/null; then echo "server died:"; cat "$data.serve.err"; return 1; fi
    sleep 0.1
  done
  URL=$(grep "custos: serving" "$out" | sed 's/.* on //')
  PORT=${URL##*:}
  local t
  t=$(grep "API token:" "$out" | awk '{print $NF}' || true)
  if [ -n "$t" ]; then ADMIN_TOKEN=$t; fi
}

stop_server() {
  if [ -n "${SRV_PID:-}" ] && kill -0 "$SRV_PID" 2>/dev/null; then
    kill -TERM "$SRV_PID"
    wait "$SRV_PID" 2>/dev/null || true
  fi
  SRV_PID=
}

search_total() {  # search_total QUERY -> total (as admin)
  curl -s -G -H "Authorization: Bearer $ADMIN_TOKEN" --data-urlencode "q=$1" \
    --data-urlencode "per_page=1" "$URL/api/v1/search" | jq -r '.total // -1'
}
