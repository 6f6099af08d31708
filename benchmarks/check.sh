#!/usr/bin/env bash
# Alert benchmark: `growth-report check` on `db seed --scale large` for one week (2026-W47), release
# build, with rules over every report (partner-roi, viral, the A/B readout, real_time_metrics) and
# both anomaly series (9 weeks of daily values). Wall time against PostgreSQL's own time for the
# same statements (EXPLAIN ANALYZE in the same run), the anomaly series alone, and peak RSS.
#
#   benchmarks/check.sh              (writes benchmarks/results/check-large.md; about 5 minutes)
# Set BENCH_DATABASE_URL to a database already seeded with `db seed --scale large --as-of 2026-11-25`
# to skip the seeding; BENCH_SCALE=small tries the script in a minute.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

cat > "$work/all.toml" <<'RULES'
[defaults]
min_base = 100
[rules.roi]
when = "partner-roi.total.roi < 1.5"
[rules.partner_drop]
when = "partner-roi.any.revenue drops 30 %"
[rules.k_factor]
when = "viral.total.k_factor drops 20 %"
[rules.srm]
when = "ab-test.any.srm_flag"
[rules.stale]
when = "exec-summary.real_time.stale"
[rules.actions]
when = "anomaly viral.daily.actions"
[rules.users]
when = "anomaly viral.daily.users"
[rules.revenue]
when = "anomaly partner-roi.daily.revenue"
RULES
cat > "$work/anomaly.toml" <<'RULES'
[rules.actions]
when = "anomaly viral.daily.actions"
RULES

median() { sort -n | sed -n 2p; }
declare -A wall server rss alerts
for rules in all anomaly; do
  args=(check --quiet --rules "$work/$rules.toml" --week 2026-W47 --as-of "$as_of" --database-url "$url" --output "$work/out")
  "$bin" "${args[@]}" >/dev/null || true                  # warm the cache
  walls=(); servers=(); peak=0
  for i in 1 2 3; do
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/time.txt" "$bin" "${args[@]}" > "$work/alerts.txt" || true
    end=$(date +%s%N)
    walls+=("$(( (end - start) / 1000000 ))")
    kb=$(tail -1 "$work/time.txt")
    [ "$kb" -gt "$peak" ] && peak="$kb"
    # check exits 1 when an alert is new: not a failure here.
    servers+=("$({ "$bin" "${args[@]}" --measure-server-time 2>&1 >/dev/null || true; } | sed -n 's/.*server time total \([0-9.]*\) ms/\1/p')")
  done
  wall[$rules]=$(printf '%s\n' "${walls[@]}" | median)
  server[$rules]=$(printf '%s\n' "${servers[@]}" | median)
  rss[$rules]=$((peak / 1024))
  alerts[$rules]=$(wc -l < "$work/alerts.txt")
done
rows=$(psql "$url" -Atc "SELECT (SELECT count(*) FROM viral_metrics) + (SELECT count(*) FROM ab_test_assignments) + (SELECT count(*) FROM conversion_events) + (SELECT count(*) FROM partnership_analytics)")

result="$root/benchmarks/results/check-$scale.md"
mkdir -p "$(dirname "$result")"
{
  echo "# check for one week (2026-W47) over db seed --scale $scale"
  echo
  echo "Reproduce: \`benchmarks/check.sh\` (release build, $(nproc) cores, $(date -u +%Y-%m-%d)); $rows rows in the large tables."
  echo "Wall: median of three warm runs, all formats of the digest; PostgreSQL: median of three runs of the same"
  echo "statements under EXPLAIN (ANALYZE, TIMING OFF) (\`--measure-server-time\`)."
  echo
  echo "| rules | alerts | wall | PostgreSQL | ratio (target ≤ 1.1) | peak RSS (target < 100 MB) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for rules in all anomaly; do
    label=$([ "$rules" = all ] && echo "every report and 3 anomaly series (8 rules)" || echo "one anomaly series (viral.daily.actions)")
    awk -v l="$label" -v a="${alerts[$rules]}" -v w="${wall[$rules]}" -v s="${server[$rules]}" -v r="${rss[$rules]}" \
      'BEGIN { printf "| %s | %d | %.3f s | %.3f s | %.2f | %d MB |\n", l, a, w / 1000, s / 1000, (s > 0 ? w / s : 0), r }'
  done
} > "$result"
cat "$result"
