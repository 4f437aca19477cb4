#!/usr/bin/env bash
# make bench: a release build, the synthetic city (timed, cached by size and
# seed), the server on it, and wrk on loopback: several fixed-length runs per
# endpoint, medians, throughput as a ratio of the HTTP floor, peak RSS.
# Writes the table to build/bench.txt. Settings (environment):
#   BENCH_BIRTHS (100000) BENCH_SEED (1) BENCH_DURATION s (10) BENCH_RUNS (3)
#   BENCH_CONNECTIONS (64) BENCH_THREADS (2)
set -euo pipefail
cd "$(dirname "$0")/.."
births=${BENCH_BIRTHS:-100000}
seed=${BENCH_SEED:-1}
dur=${BENCH_DURATION:-10}
runs=${BENCH_RUNS:-3}
conns=${BENCH_CONNECTIONS:-64}
wthreads=${BENCH_THREADS:-2}
B=build-bench
mkdir -p build "$B"
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$B" -j "$(nproc)" --target fuyou >/dev/null

city="$B/city-$births-$seed.db"
gen="cached"
if [ ! -f "$city" ]; then
  echo "bench: generating the city ($births births, seed $seed)…"
  rm -f "$city.tmp"*
  t0=$(date +%s.%N)
  "$B/fuyou" demo --db "$city.tmp" --births "$births" --seed "$seed"
  t1=$(date +%s.%N)
  gen=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f s", b-a}')
  sqlite3 "$city.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  sqlite3 "$city.tmp-reads" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  mv "$city.tmp-reads" "$city-reads" # the read log (store.h)
  mv "$city.tmp" "$city"
  echo "$gen" > "$city.gentime"
elif [ -f "$city.gentime" ]; then
  gen="$(cat "$city.gentime") (cached)"
fi
dbsize=$(du -h "$city" | cut -f1)

work="$B/bench.db"
rm -f "$work"*
cp "$city" "$work"
[ ! -f "$city-reads" ] || cp "$city-reads" "$work-reads"

# an obstetrician at every hospital with open pregnancies: visits go to the
# open pregnancies of the whole city, each posted by its own hospital (an
# obstetrician's scope), so that a pregnancy gets a few visits in a run as in
# life, not hundreds
hosps=$(sqlite3 "$work" "SELECT DISTINCT delivery_institution_id FROM pregnancies WHERE status='open' AND delivery_institution_id IS NOT NULL ORDER BY 1")
for h in $hosps; do
  echo "bench-password" | "$B/fuyou" user add --db "$work" --username "bench-obs-$h" --role obstetrician --institution "$h" --password-stdin >/dev/null
done
echo "bench-password" | "$B/fuyou" user add --db "$work" --username bench-city --role city_admin --password-stdin >/dev/null
ids="$B/bench-ids"
mkdir -p "$ids"
sqlite3 "$work" "SELECT id FROM pregnancies ORDER BY random() LIMIT 20000" > "$ids/pregnancies"
sqlite3 "$work" "SELECT id_number FROM women ORDER BY random() LIMIT 20000" > "$ids/idnums"
sqlite3 -separator ' ' "$work" "SELECT delivery_institution_id, id FROM pregnancies WHERE status='open' AND delivery_institution_id IS NOT NULL ORDER BY random()" > "$ids/open"
# the report year of the latest delivery (a year ends on 30 September)
year=$(sqlite3 "$work" "SELECT CAST(strftime('%Y', max(delivered_on)*86400, 'unixepoch') AS INTEGER)
                         + (CAST(strftime('%m', max(delivered_on)*86400, 'unixepoch') AS INTEGER) >= 10) FROM deliveries")

log="$B/server.log"
"$B/fuyou" serve --db "$work" --port 0 --threads "${BENCH_SERVER_THREADS:-3}" > "$B/server.out" 2> "$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$B/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$B/server.out")
login() { curl -sf -X POST "$url/api/v1/auth/login" -d "{\"username\":\"$1\",\"password\":\"bench-password\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
tcity=$(login bench-city)
# "TOKEN PREGNANCY-ID" lines for the visits
declare -A tok
for h in $hosps; do tok[$h]=$(login "bench-obs-$h"); done
while read -r h id; do echo "${tok[$h]} $id"; done < "$ids/open" > "$ids/open-visits"
today=$(date -u -d '+8 hours' +%F)

script() { cat "bench/$1" bench/report.lua > "$B/$1.run.lua"; echo "$B/$1.run.lua"; }
cat bench/report.lua > "$B/plain.lua"

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

declare -A RPS P50 P99 ERR
bench_one() { # name, wrk args...
  local name=$1; shift
  local r50=() rr=() r99=() errs=0
  for i in $(seq "$runs"); do
    out=$(wrk -t "$wthreads" -c "$conns" -d "${dur}s" --latency "$@" 2>&1 | grep '^RESULT' || true)
    [ -n "$out" ] || { echo "bench: wrk failed for $name" >&2; continue; }
    rr+=("$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<<"$out")")
    r50+=("$(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' <<<"$out")")
    r99+=("$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<<"$out")")
    e=$(sed 's/.*errors=\([0-9]*\) non2xx=\([0-9]*\).*/\1+\2/' <<<"$out"); errs=$((errs + e))
  done
  RPS[$name]=$(printf '%s\n' "${rr[@]}" | median)
  P50[$name]=$(printf '%s\n' "${r50[@]}" | median)
  P99[$name]=$(printf '%s\n' "${r99[@]}" | median)
  ERR[$name]=$errs
  echo "bench: $name ${RPS[$name]} req/s (p50 ${P50[$name]} ms, p99 ${P99[$name]} ms, errors $errs)"
}

bench_one health -s "$B/plain.lua" "$url/api/v1/health"
bench_one record -s "$(script get_ids.lua)" "$url" -- "$tcity" "$ids/pregnancies" "/api/v1/pregnancies/%s"
bench_one idsearch -s "$(script get_ids.lua)" "$url" -- "$tcity" "$ids/idnums" "/api/v1/women?id_number=%s"
bench_one visits -s "$(script post_visits.lua)" "$url" -- "$ids/open-visits" "$today"

# the indicator call: one client, timed end to end
itimes=()
for i in $(seq 7); do
  itimes+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $tcity" \
              "$url/api/v1/indicators?year=$year&by=district_month")")
done
ind_ms=$(printf '%s\n' "${itimes[@]}" | awk '{printf "%.1f\n", $1*1000}' | median)
rss=$(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)

{
  echo "fuyou bench — $(date -u +%FT%TZ), $(nproc) cores, wrk -t$wthreads -c$conns, ${dur}s × $runs runs (medians)"
  echo "city: $births births (seed $seed), generated in $gen, database $dbsize; report year $year"
  echo
  printf '%-44s %12s %10s %10s %8s %7s\n' endpoint "req/s" "p50 ms" "p99 ms" "÷ (a)" errors
  for n in health record idsearch visits; do
    case $n in
      health) label="(a) GET /api/v1/health";;
      record) label="(b) GET /api/v1/pregnancies/{id}";;
      idsearch) label="(c) GET /api/v1/women?id_number=";;
      visits) label="(d) POST /api/v1/pregnancies/{id}/visits";;
    esac
    ratio=$(awk -v a="${RPS[$n]}" -v b="${RPS[health]}" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }')
    printf '%-44s %12s %10s %10s %8s %7s\n' "$label" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}" "$ratio" "${ERR[$n]}"
  done
  printf '%-44s %12s\n' "(e) GET /api/v1/indicators?by=district_month" "$ind_ms ms"
  echo
  echo "server peak RSS: $rss"
} | tee build/bench.txt
# machine-readable, for bench/compare.sh
{
  for n in health record idsearch visits; do printf '%s\t%s\t%s\t%s\n' "$n" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}"; done
  printf 'indicators_ms\t%s\n' "$ind_ms"
} > build/bench.tsv
