#!/usr/bin/env bash
# Report benchmark on `db seed --scale large`: every report and the weekly pack for one week
# (2026-W47), release build, all formats — wall time against PostgreSQL's own time for the
# statements of the same run (EXPLAIN ANALYZE, --measure-server-time), the overhead between them,
# and peak RSS; then the same on a second database seeded with 104 weeks of history
# (`db seed --weeks 104`: as many rows per day, most of its tests ended long before the week),
# to show that a one-week report does not slow down as history grows.
#
#   benchmarks/reports.sh            (writes benchmarks/results/reports-large.md; about 40 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product growth-report >&2
bin="$root/.build/release/growth-report"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 69; }
as_of=2026-11-25
scale="${BENCH_SCALE:-large}"   # BENCH_SCALE=small tries the script in a minute

work="$(mktemp -d /tmp/growth-report-bench-XXXXXX)"
chmod 755 "$work"
cleanup() { (cd "$work" && "$bin" db stop >/dev/null 2>&1) || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
url26="$("$bin" db start --quiet)"
psql "$url26" -qc "CREATE DATABASE history_104"
url104="${url26/\/growth_report\?//history_104?}"

declare -A seeded
seed() {   # $1 = weeks, $2 = url
  "$bin" db migrate --quiet --database-url "$2"
  echo "Seeding $1 weeks ($scale)…" >&2
  seeded[$1]=$("$bin" db seed --scale "$scale" --seed 1 --weeks "$1" --as-of "$as_of" --database-url "$2" 2>&1 \
    | tr '\r' '\n' | sed -n 's/^Seeded \(.*\); peak memory \(.*\)\.$/\1, peak memory \2/p')
}
seed 26 "$url26"
seed 104 "$url104"

reports=(partner-roi viral attribution ab-test exec-summary weekly)
declare -A wall server rss
measure() {   # $1 = weeks, $2 = url
  for report in "${reports[@]}"; do
    args=("$report" --quiet --week 2026-W47 --as-of "$as_of" --database-url "$2" --output "$work/out")
    "$bin" "${args[@]}" >/dev/null                      # warm the cache
    walls=(); peak=0
    for i in 1 2 3; do
      /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" "${args[@]}" >/dev/null
      read -r seconds kb < "$work/time.txt"
      walls+=("$seconds"); [ "$kb" -gt "$peak" ] && peak="$kb"
    done
    wall[$1/$report]=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)
    rss[$1/$report]=$((peak / 1024))
    server[$1/$report]=$("$bin" "${args[@]}" --measure-server-time 2>&1 >/dev/null \
      | sed -n 's/.*server time total \([0-9.]*\) ms/\1/p')
  done
}
measure 26 "$url26"
measure 104 "$url104"

result="$root/benchmarks/results/reports-$scale.md"
mkdir -p "$(dirname "$result")"
{
  echo "# Reports for one week (2026-W47) over db seed --scale $scale"
  echo
  echo "Reproduce: \`benchmarks/reports.sh\` (release build, $(nproc) cores, $(date -u +%Y-%m-%d), $(uname -sr))."
  echo "Wall time is the median of three warm runs of the whole command, all formats (HTML, CSV, XLSX); PostgreSQL"
  echo "time is planning + execution of the same statements under EXPLAIN ANALYZE in the same run; overhead is"
  echo "wall − PostgreSQL. 104 weeks: a second database, \`db seed --weeks 104\`."
  echo
  echo "Seed: 26 weeks ${seeded[26]}; 104 weeks ${seeded[104]}."
  echo
  echo "| report | wall | PostgreSQL | ratio (≤ 1.1) | overhead (≤ 100 ms) | peak RSS (< 100 MB) | wall, 104 weeks | PostgreSQL, 104 weeks | 104 / 26 wall (≤ 1.2) | peak RSS, 104 weeks |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  singles=0
  for report in "${reports[@]}"; do
    awk -v r="$report" -v w="${wall[26/$report]}" -v s="${server[26/$report]}" -v m="${rss[26/$report]}" \
        -v w2="${wall[104/$report]}" -v s2="${server[104/$report]}" -v m2="${rss[104/$report]}" \
      'BEGIN { printf "| %s | %.2f s | %.2f s | %.2f | %.0f ms | %d MB | %.2f s | %.2f s | %.2f | %d MB |\n",
               r, w, s / 1000, w / (s / 1000), w * 1000 - s, m, w2, s2 / 1000, w2 / w, m2 }'
  done
  echo
  for weeks in 26 104; do
    awk -v weeks="$weeks" -v p="${server[$weeks/partner-roi]}" -v v="${server[$weeks/viral]}" -v a="${server[$weeks/attribution]}" \
        -v t="${server[$weeks/ab-test]}" -v e="${server[$weeks/exec-summary]}" -v k="${server[$weeks/weekly]}" \
      'BEGIN { sum = p + v + a + t + e; printf "weekly, %d weeks: PostgreSQL %.2f s against %.2f s for the five reports run one by one: %.2f (≤ 0.85)\n\n", weeks, k / 1000, sum / 1000, k / sum }'
  done
} > "$result"
cat "$result"
