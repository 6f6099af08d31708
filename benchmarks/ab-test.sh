#!/usr/bin/env bash
# A/B readout benchmark: `growth-report ab-test` over all 20 tests of `db seed --scale large`, all
# formats, release build. Wall time against PostgreSQL's own time for the same counting
# statements (EXPLAIN ANALYZE in the same run), and peak RSS.
#
#   benchmarks/ab-test.sh            (writes benchmarks/results/ab-test-large.md)
# Set BENCH_DATABASE_URL to a database already seeded with `db seed --scale large --as-of 2026-11-25`
# to skip the seeding.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out_dir="$work/out"
# The whole 26 weeks of the seed, so every one of its 20 tests is in the readout.
period=(--from 2026-05-25 --to 2026-11-22)
run() { "$bin" ab-test --quiet --as-of "$as_of" "${period[@]}" --database-url "$url" --output "$out_dir" "$@"; }
run >/dev/null                                   # warm the cache
walls=()
rss=0
for i in 1 2 3; do
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" ab-test --quiet --as-of "$as_of" "${period[@]}" --database-url "$url" --output "$out_dir" >/dev/null
  read -r wall kb < "$work/time.txt"
  walls+=("$wall")
  [ "$kb" -gt "$rss" ] && rss="$kb"
done
wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)   # the median of three
server=$(run --measure-server-time --format csv 2>&1 >/dev/null | sed -n 's/.*server time total \([0-9.]*\) ms/\1/p')
tests=$(tail -n +2 "$out_dir"/*/ab-test-tests.csv | wc -l)

result="$root/benchmarks/results/ab-test-large.md"
mkdir -p "$(dirname "$result")"
{
  echo "# ab-test over db seed --scale large"
  echo
  echo "Reproduce: \`benchmarks/ab-test.sh\` (release build, $(nproc) cores, $(date -u +%Y-%m-%d)); $tests tests in the readout, all formats (HTML, CSV, XLSX)."
  echo
  echo "| measure | value |"
  echo "| --- | ---: |"
  echo "| wall time of the whole run (median of 3, warm cache) | ${wall} s |"
  awk -v s="$server" 'BEGIN { printf "| PostgreSQL planning + execution of the same statements (EXPLAIN ANALYZE) | %.3f s |\n", s / 1000 }'
  awk -v w="$wall" -v s="$server" 'BEGIN { printf "| ratio (target ≤ 1.25) | %.2f |\n", w / (s / 1000) }'
  echo "| peak RSS (target < 100 MB) | $((rss / 1024)) MB |"
} > "$result"
cat "$result"
