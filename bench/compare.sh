#!/usr/bin/env bash
# make bench-compare: fuyou's bench (bench/run.sh) and, in the same run and
# with the same wrk settings, the peer — Medplum's FHIR router with its
# MemoryRepository behind node:http (bench/peer/server.mjs), seeded with
# 10,000 Patients — then fuyou ÷ peer for reads, writes and ID search.
# Appends the comparison to build/bench.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/run.sh
dur=${BENCH_DURATION:-10}
runs=${BENCH_RUNS:-3}
conns=${BENCH_CONNECTIONS:-64}
wthreads=${BENCH_THREADS:-2}
B=build-bench
(cd bench/peer && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
ids="$B/peer-ids"
mkdir -p "$ids"
PEER_IDS_DIR="$ids" PEER_PATIENTS=${PEER_PATIENTS:-10000} node bench/peer/server.mjs > "$B/peer.out" 2> "$B/peer.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q listening "$B/peer.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$B/peer.out")
[ -n "$url" ] || { echo "bench-compare: the peer did not start (see $B/peer.log)" >&2; exit 1; }

cat bench/get_ids.lua bench/report.lua > "$B/peer-get.lua"
cat bench/post_observation.lua bench/report.lua > "$B/peer-post.lua"
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
declare -A PEER
peer_one() {
  local name=$1; shift
  local rr=()
  for i in $(seq "$runs"); do
    out=$(wrk -t "$wthreads" -c "$conns" -d "${dur}s" --timeout 10s "$@" 2>&1 | grep '^RESULT' || true)
    [ -n "$out" ] && rr+=("$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<<"$out")")
  done
  PEER[$name]=$(printf '%s\n' "${rr[@]}" | median)
  echo "bench-compare: peer $name ${PEER[$name]} req/s"
}
peer_one read -s "$B/peer-get.lua" "$url" -- none "$ids/patients" "/fhir/R4/Patient/%s"
peer_one write -s "$B/peer-post.lua" "$url"
peer_one search -s "$B/peer-get.lua" "$url" -- none "$ids/identifiers" "/fhir/R4/Patient?identifier=%s"
rss=$(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)

rps() { awk -v n="$1" '$1 == n {print $2}' build/bench.tsv; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
{
  echo
  echo "peer: Medplum fhir-router MemoryRepository, node:http, 10,000 Patients (no auth, no audit, memory only); peak RSS $rss"
  printf '%-40s %12s %12s %10s\n' "operation" "fuyou req/s" "peer req/s" "fuyou÷peer"
  printf '%-40s %12s %12s %10s\n' "record read (pregnancy / Patient)" "$(rps record)" "${PEER[read]}" "$(ratio "$(rps record)" "${PEER[read]}")"
  printf '%-40s %12s %12s %10s\n' "durable write (visit / Observation)" "$(rps visits)" "${PEER[write]}" "$(ratio "$(rps visits)" "${PEER[write]}")"
  printf '%-40s %12s %12s %10s\n' "search by ID number / identifier" "$(rps idsearch)" "${PEER[search]}" "$(ratio "$(rps idsearch)" "${PEER[search]}")"
} | tee -a build/bench.txt
