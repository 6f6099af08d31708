#!/usr/bin/env bash
# Report benchmark on `db seed --scale large`: each report for one week (2026-W47), release
# build — wall time against PostgreSQL's own time for its statements (EXPLAIN ANALYZE in the
# same run) and peak RSS; then three more seeds appended before it (104 weeks of history) and
# the same week timed again, to show a one-week report does not slow down as history grows.
#
#   benchmarks/reports.sh            (writes benchmarks/results/reports-large.md; about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product growth-report >&2
bin="$root/.build/release/growth-report"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 69; }

work="$(mktemp -d /tmp/growth-report-bench-XXXXXX)"
chmod 755 "$work"
cleanup() { (cd "$work" && "$bin" db stop >/dev/null 2>&1) || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
url="$("$bin" db start --quiet)"
"$bin" db migrate --quiet --database-url "$url"
echo "Seeding 26 weeks (large)…" >&2
"$bin" db seed --quiet --scale large --seed 1 --as-of 2026-11-25 --database-url "$url"

reports=(partner-roi viral attribution ab-test)
declare -A wall server rss
measure() {   # $1 = label
  for report in "${reports[@]}"; do
    args=("$report" --quiet --week 2026-W47 --as-of 2026-11-25 --database-url "$url" --output "$work/out")
    "$bin" "${args[@]}" >/dev/null                      # warm the cache
    walls=(); peak=0
    for i in 1 2 3; do
      /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" "${args[@]}" >/dev/null
      read -r seconds kb < "$work/time.txt"
      walls+=("$seconds"); [ "$kb" -gt "$peak" ] && peak="$kb"
    done
    wall[$1/$report]=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)
    rss[$1/$report]=$((peak / 1024))
    server[$1/$report]=$("$bin" "${args[@]}" --measure-server-time --format csv 2>&1 >/dev/null \
      | sed -n 's/.*server time total \([0-9.]*\) ms/\1/p')
  done
}
measure 26
echo "Appending 78 older weeks (three more large seeds)…" >&2
for i in 1 2 3; do
  as_of=$(date -u -d "2026-11-25 - $((26 * 7 * i)) days" +%Y-%m-%d)
  "$bin" db seed --quiet --append --scale large --seed $((i + 1)) --as-of "$as_of" --database-url "$url"
done
measure 104

result="$root/benchmarks/results/reports-large.md"
mkdir -p "$(dirname "$result")"
{
  echo "# Reports for one week (2026-W47) over db seed --scale large"
  echo
  echo "Reproduce: \`benchmarks/reports.sh\` (release build, $(nproc) cores, $(date -u +%Y-%m-%d)). Wall time is the median of three"
  echo "warm runs of the whole command, all formats; PostgreSQL time is planning + execution of the same statements"
  echo "under EXPLAIN ANALYZE in the same run. 104 weeks: three more large seeds appended before the first."
  echo
  echo "| report | wall (26 weeks) | PostgreSQL | ratio (≤ 1.25) | peak RSS (< 100 MB) | wall (104 weeks) | 104 / 26 (≤ 1.2) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for report in "${reports[@]}"; do
    awk -v r="$report" -v w="${wall[26/$report]}" -v s="${server[26/$report]}" -v m="${rss[26/$report]}" \
        -v w2="${wall[104/$report]}" \
      'BEGIN { printf "| %s | %.2f s | %.2f s | %.2f | %d MB | %.2f s | %.2f |\n", r, w, s / 1000, w / (s / 1000), m, w2, w2 / w }'
  done
  echo
  echo "ab-test reads each running test's whole life, so its time follows the tests, not the week."
} > "$result"
cat "$result"
