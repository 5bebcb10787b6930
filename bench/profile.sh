#!/usr/bin/env bash
# Profiles one tally run of the reconciliation job with callgrind (instruction counts, so the
# numbers do not depend on machine load) and prints the top frames by inclusive and by self cost.
#
#   bench/profile.sh [SET] [TOP]    # SET: a dataset under bench/data (default 1m), TOP: frames (default 15)
#
# Run bench/run.sh first (it builds .build-bench/release/tally and generates the data).
# Output: bench/data/profile/<SET>/callgrind.out (open with kcachegrind or callgrind_annotate).
set -euo pipefail

SET="${1:-1m}"
TOP="${2:-15}"
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
TALLY="$REPO/.build-bench/release/tally"
DATA="$BENCH/data/$SET"
OUT="$BENCH/data/profile/$SET"
DATE=2024-03-01

die() { printf 'bench/profile.sh: %s\n' "$*" >&2; exit 2; }
command -v valgrind >/dev/null || die "needs valgrind (apt-get install -y valgrind)"
command -v callgrind_annotate >/dev/null || die "needs callgrind_annotate (valgrind package)"
[[ -x "$TALLY" ]] || die "no $TALLY: run bench/run.sh first"
[[ -f "$DATA/.complete" ]] || die "no dataset $DATA: run bench/run.sh (--full for 10m) first"

if [[ "${PROFILE_REUSE:-}" == 1 && -f "$OUT/callgrind.out" ]]; then
  echo "==> reusing $OUT/callgrind.out (PROFILE_REUSE=1)" >&2
else
  rm -rf "$OUT"
  mkdir -p "$OUT/root"
  ln -s "$DATA/pos" "$OUT/root/pos"
  ln -s "$DATA/inventory" "$OUT/root/inventory"
  echo "==> callgrind: tally run on $SET (about 50-100x slower than a normal run)" >&2
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    "$TALLY" run "$REPO/pipelines/retail_inventory_reconciliation.yaml" --date "$DATE" --root "$OUT/root" \
    --color never 2>"$OUT/valgrind.log" || { tail -20 "$OUT/valgrind.log" >&2; die "profiled run failed"; }
fi

demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else swift demangle --simplified; fi; }

# callgrind_annotate prints "Ir (pct) file:function"; keep the first TOP lines of the function table
# (after the third dashed rule) and demangle them. awk reads to the end: no SIGPIPE under pipefail.
# Frames above Runner.run (process start, argument parsing) are left out of the inclusive list, and
# the same function listed under two file names (inlining) is shown once.
WRAPPERS='PROGRAM TOTALS|ld-linux|below main|libc-start|tally_main|Tally\.main|ParsableCommand|Run\.run\(\)|RunCommand\.run'
annotate() {
  callgrind_annotate --threshold=100 "$@" "$OUT/callgrind.out" 2>/dev/null \
    | awk '/^-+$/ { dashes++; next } dashes >= 3 && NF && !/^ *Ir/' | demangle \
    | grep -Ev "$WRAPPERS" \
    | sed -E 's#^( *[0-9,]+ \( *[0-9.]+%\)) +(/work/[^:]*/)?([^ ].*)$#\1  \3#; s# \[/[^]]*/([^/]+)\]$# [\1]#' \
    | awk -v top="$TOP" '{ key = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\) +/, "", key); sub(/ \[[^]]*\]$/, "", key); sub(/^[^:]*\//, "", key) }
                         !seen[key]++ && shown < top { print; shown++ }' \
    | cut -c1-200
}
total=$(callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }')
echo "total instructions: $total"
echo
echo "## top $TOP by inclusive cost"
annotate --inclusive=yes
echo
echo "## top $TOP by self cost"
annotate --inclusive=no
