#!/usr/bin/env bash
# Seeding benchmark: `growth-report db seed` (generating as it goes) against psql's \copy of the
# same rows from files, per table, in one run on one private cluster; plus the seeder's peak RSS.
#
#   benchmarks/seed.sh [small|medium|large]     (default large; writes benchmarks/results/seed-SCALE.md)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-large}"
as_of="2026-11-25"
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product growth-report >/dev/null
bin="$PWD/.build/release/growth-report"

work="$(mktemp -d /tmp/growth-report-bench-XXXXXX)"
chmod 755 "$work"
cleanup() { (cd "$work" && "$bin" db stop >/dev/null 2>&1) || true; rm -rf "$work"; }
trap cleanup EXIT

cd "$work"
url="$("$bin" db start --quiet)"
socket="$(printf '%s' "$url" | sed -E 's/.*host=([^&]*).*/\1/' | sed 's/%2F/\//g')"
port="$(printf '%s' "$url" | sed -E 's/.*port=([0-9]+).*/\1/')"
conn() { printf 'host=%s port=%s user=postgres dbname=%s' "$socket" "$port" "$1"; }
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$(conn postgres)" "$@"; }
for db in bench_seed bench_copy; do
  psql_admin -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  "$bin" db migrate --quiet --database-url "$(conn $db)"
done

echo "Seeding ($scale) with growth-report…" >&2
seed_log="$work/seed.log"
"$bin" db seed --scale "$scale" --seed 1 --as-of "$as_of" --database-url "$(conn bench_seed)" 2> >(tee "$seed_log" >&2)

echo "Writing the same rows to files…" >&2
"$bin" db seed --scale "$scale" --seed 1 --as-of "$as_of" --copy-files "$work/files" >/dev/null

echo "Loading the files with psql \\copy…" >&2
declare -A copy_seconds
while IFS=$'\t' read -r table columns file rows; do
  # The same work as the seeder: report indexes (named *_idx) dropped, the rows copied, the
  # indexes built again, in one transaction; primary and unique keys maintained row by row.
  indexes="$(psql -X -q -A -t "$(conn bench_copy)" -c "SELECT indexdef || ';' FROM pg_indexes WHERE tablename = '$table' AND indexname LIKE '%\\_idx'")"
  drops="$(psql -X -q -A -t "$(conn bench_copy)" -c "SELECT 'DROP INDEX ' || indexname || ';' FROM pg_indexes WHERE tablename = '$table' AND indexname LIKE '%\\_idx'")"
  start=$(date +%s.%N)
  printf 'BEGIN;\nSET LOCAL maintenance_work_mem = %s;\n%s\n\\copy %s (%s) FROM %s\n%s\nCOMMIT;\n' \
    "'256MB'" "$drops" "$table" "$columns" "'$file'" "$indexes" | psql -X -q -v ON_ERROR_STOP=1 "$(conn bench_copy)"
  end=$(date +%s.%N)
  copy_seconds[$table]=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
done < "$work/files/manifest.tsv"

out="$OLDPWD/benchmarks/results/seed-$scale.md"
mkdir -p "$(dirname "$out")"
{
  echo "# db seed --scale $scale"
  echo
  echo "Reproduce: \`benchmarks/seed.sh $scale\` (release build, one private cluster, $(nproc) cores, $(date -u +%Y-%m-%d))."
  echo
  echo "Both loads fill freshly migrated tables the same way, each table in one transaction: primary and unique keys"
  echo "maintained row by row, the report indexes dropped before the rows and built once after them."
  echo
  echo "| table | rows | seeder rows/s | psql \\copy rows/s | seeder time / \\copy time |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  while IFS=$'\t' read -r table columns file rows; do
    line="$(grep -E "^  $table: [0-9,]+ rows in" "$seed_log" | tail -1)"
    seeder_seconds="$(printf '%s' "$line" | sed -E 's/.* rows in ([0-9.]+) s.*/\1/')"
    copy="${copy_seconds[$table]}"
    awk -v t="$table" -v n="$rows" -v s="$seeder_seconds" -v c="$copy" \
      'BEGIN { if (s < 0.05 || c < 0.05) printf "| %s | %d | (too small to time) | | |\n", t, n;
             else printf "| %s | %d | %.0f | %.0f | %.2f |\n", t, n, n / s, n / c, s / c }'
  done < "$work/files/manifest.tsv"
  echo
  echo "Seeder: $(grep '^Seeded' "$seed_log")"
} > "$out"
cat "$out"
