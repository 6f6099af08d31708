# Sourced by the benchmarks that run on one seeded database (ab-test.sh, check.sh): a release
# build in $bin, a work folder in $work removed on exit (with the private cluster it started),
# and $url: BENCH_DATABASE_URL, or a private cluster migrated and seeded at BENCH_SCALE
# (default large) as of $as_of. Leaves the current folder at the repository's root ($root).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
as_of="2026-11-25"
scale="${BENCH_SCALE:-large}"
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product growth-report >&2
bin="$root/.build/release/growth-report"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 69; }

work="$(mktemp -d /tmp/growth-report-bench-XXXXXX)"
chmod 755 "$work"
cleanup() { (cd "$work" && "$bin" db stop >/dev/null 2>&1) || true; rm -rf "$work"; }
trap cleanup EXIT

url="${BENCH_DATABASE_URL:-}"
if [ -z "$url" ]; then
  cd "$work"
  url="$("$bin" db start --quiet)"
  "$bin" db migrate --quiet --database-url "$url"
  echo "Seeding ($scale)…" >&2
  "$bin" db seed --quiet --scale "$scale" --seed 1 --as-of "$as_of" --database-url "$url"
  cd "$root"
fi
