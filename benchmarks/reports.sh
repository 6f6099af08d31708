#!/usr/bin/env bash
# Report benchmark on `db seed --scale large`: every report and the weekly pack for one week
# (2026-W47), release build, all formats — wall time against PostgreSQL's own time for the
# statements of the same run (EXPLAIN ANALYZE, --measure-server-time), the overhead between them,
# and peak RSS; then the same on a second database seeded with 104 weeks of history
# (`db seed --weeks 104`: as many rows per day, most of its tests ended long before the week),
# to show that a one-week report does not slow down as history grows.
#
#   benchmarks/reports.sh            (writes benchmarks/results/reports-large.md; about 45 minutes)
#   BENCH_SCALE=small benchmarks/reports.sh   (writes reports-small.md: a few minutes; the targets are for large)
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
declare -A wall server cpu rss
median() { sort -n | sed -n 2p; }   # of three lines
measure() {   # $1 = weeks, $2 = url
  for report in "${reports[@]}"; do
    args=("$report" --quiet --week 2026-W47 --as-of "$as_of" --database-url "$2" --output "$work/out")
    "$bin" "${args[@]}" >/dev/null                      # warm the cache
    walls=(); cpus=(); servers=(); peak=0
    for i in 1 2 3; do
      start=$(date +%s%N)
      /usr/bin/time -f '%U %S %M' -o "$work/time.txt" "$bin" "${args[@]}" >/dev/null
      end=$(date +%s%N)
      read -r user system kb < "$work/time.txt"
      walls+=("$(( (end - start) / 1000000 ))")
      cpus+=("$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.0f", (u + s) * 1000 }')")
      [ "$kb" -gt "$peak" ] && peak="$kb"
      servers+=("$("$bin" "${args[@]}" --measure-server-time 2>&1 >/dev/null \
        | sed -n 's/.*server time total \([0-9.]*\) ms/\1/p')")
    done
    wall[$1/$report]=$(printf '%s\n' "${walls[@]}" | median)
    cpu[$1/$report]=$(printf '%s\n' "${cpus[@]}" | median)
    server[$1/$report]=$(printf '%s\n' "${servers[@]}" | median)
    rss[$1/$report]=$((peak / 1024))
  done
}
measure 26 "$url26"
measure 104 "$url104"

result="$root/benchmarks/results/reports-$scale.md"
mkdir -p "$(dirname "$result")"
command_line="benchmarks/reports.sh"
[ "$scale" != large ] && command_line="BENCH_SCALE=$scale $command_line"
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
  echo "# Reports for one week (2026-W47) over db seed --scale $scale"
  echo
  echo "Reproduce: \`$command_line\` ($(date -u +%Y-%m-%d); release build; $(nproc) cores, ${cpu_model:-unknown CPU};"
  echo "$(uname -sr); $(psql --version | head -1); $(swift --version 2>&1 | head -1 | sed 's/ (.*//'))."
  echo "Wall is the median of three warm runs of the whole command, all formats (HTML, CSV, XLSX), timed to the"
  echo "millisecond; PostgreSQL is the median of three runs of the same statements under EXPLAIN (ANALYZE,"
  echo "TIMING OFF) (\`--measure-server-time\`); overhead is wall − PostgreSQL, so it also holds the server's"
  echo "run-to-run variation; CPU is the user + system time of the growth-report process itself (median"
  echo "of the three runs): what the tool spends, whatever the server does. Target: ratio ≤ 1.1, or"
  echo "overhead ≤ 100 ms where the statements take less than a second; peak RSS < 100 MB;"
  echo "104 / 26 weeks ≤ 1.2. 104 weeks: a second database, \`db seed --weeks 104\`."
  echo
  echo "Seed: 26 weeks ${seeded[26]}; 104 weeks ${seeded[104]}."
  for weeks in 26 104; do
    echo
    echo "$weeks weeks of history:"
    echo
    if [ "$weeks" = 26 ]; then
      echo "| report | wall | PostgreSQL | ratio | overhead | target | CPU of growth-report | peak RSS |"
      echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
    else
      echo "| report | wall | PostgreSQL | ratio | overhead | target | CPU of growth-report | peak RSS | wall 104 / 26 weeks |"
      echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
    fi
    for report in "${reports[@]}"; do
      awk -v r="$report" -v weeks="$weeks" -v w="${wall[$weeks/$report]}" -v s="${server[$weeks/$report]}" \
          -v c="${cpu[$weeks/$report]}" -v m="${rss[$weeks/$report]}" -v w26="${wall[26/$report]}" \
        'BEGIN {
           ratio = w / s; overhead = w - s
           met = (ratio <= 1.1 || (overhead <= 100 && s < 1000)) && m < 100 && (weeks == 26 || w / w26 <= 1.2)
           printf "| %s | %.3f s | %.3f s | %.2f | %.0f ms | %s | %d ms | %d MB |", r, w / 1000, s / 1000, ratio, overhead, met ? "met" : "**missed**", c, m
           if (weeks != 26) printf " %.2f |", w / w26
           printf "\n"
         }'
    done
  done
  echo
  for weeks in 26 104; do
    awk -v weeks="$weeks" -v p="${server[$weeks/partner-roi]}" -v v="${server[$weeks/viral]}" -v a="${server[$weeks/attribution]}" \
        -v t="${server[$weeks/ab-test]}" -v e="${server[$weeks/exec-summary]}" -v k="${server[$weeks/weekly]}" \
      'BEGIN { sum = p + v + a + t + e; printf "weekly, %d weeks: PostgreSQL %.2f s against %.2f s for the five reports run one by one: %.2f (≤ 0.85); against exec-summary and attribution alone (the pack'"'"'s statements that no other report runs): %.2f\n\n", weeks, k / 1000, sum / 1000, k / sum, k / (e + a) }'
  done
} > "$result"
cat "$result"
