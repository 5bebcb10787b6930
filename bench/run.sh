#!/usr/bin/env bash
# Side-by-side benchmark of the daily retail reconciliation job: tally vs DuckDB, Polars, pandas,
# and a "read the bytes" baseline. See bench/README.md.
#
#   bench/run.sh                 # --small, 3 runs per engine
#   bench/run.sh --full --runs 5 # 10M POS rows (and the 1M set)
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--small | --full] [--runs N] [--rev REV] [--engines LIST] [--timeout SECONDS] [--max-rss-mib MIB]

  --small          1M POS rows for one day (default)
  --full           10M POS rows for one day, plus the 1M set
  --runs N         timed runs per engine (default 3); the table shows medians
  --rev REV        build the committed tree of REV (git archive into .build-bench-src/) instead of the
                   working tree, e.g. --rev HEAD while others edit Sources/
  --engines LIST   only these (comma list of tally,duckdb,polars,pandas; tally and baselines always run)
  --timeout S      kill a run after S seconds (default 600)
  --max-rss-mib M  kill a run whose process tree holds more than M MiB resident (default 16384)

Builds tally in release mode into .build-bench/, generates data into bench/data/ (only when
missing), creates bench/.venv with duckdb, polars, pandas and pyarrow (only when missing), runs
every engine, prints the table and checks that every engine produced the same tables as tally.
Exit status: 0 all results identical, 1 a result differs or a run failed, 2 setup error.
EOF
}

SIZE=small
RUNS=3
ENGINES=all
REV=
TIMEOUT=600
MAX_RSS_MIB=16384
while [[ $# -gt 0 ]]; do
  case "$1" in
    --small) SIZE=small ;;
    --full) SIZE=full ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --engines) ENGINES="${2:?--engines needs a list}"; shift ;;
    --rev) REV="${2:?--rev needs a commit}"; shift ;;
    --timeout) TIMEOUT="${2:?--timeout needs seconds}"; shift ;;
    --max-rss-mib) MAX_RSS_MIB="${2:?--max-rss-mib needs MiB}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --runs must be a positive integer" >&2; exit 2; }

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data"
VENV="$BENCH/.venv"
SCRATCH="$REPO/.build-bench"
TALLY="$SCRATCH/release/tally"
DATE=2024-03-01

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 2; }

# --- tools --------------------------------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "needs \`$1\` ($2)"; }
need swift "install Swift 6 (https://swift.org/install)"
need python3 "install Python 3.9+"
need cc "apt-get install -y gcc"
if [[ ! -x /usr/bin/time ]]; then
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    say "installing GNU time (/usr/bin/time) with apt-get"
    { apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }; } \
      || die "could not install GNU time; apt-get install -y time"
  fi
  [[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time (apt-get install -y time)"
fi
# (No `| grep -q` here: with pipefail, grep's early exit can fail the pipe through SIGPIPE.)
[[ "$(/usr/bin/time -v true 2>&1)" == *"Maximum resident set size"* ]] || die "/usr/bin/time is not GNU time (-v)"

# --- build --------------------------------------------------------------------------------------
# Other work may edit Sources/ during the build ("modified during the build"): retry a few times.
PACKAGE="$REPO"
if [[ -n "$REV" ]]; then
  COMMIT=$(cd "$REPO" && git rev-parse --verify "$REV^{commit}") || die "--rev: unknown commit $REV"
  PACKAGE="$REPO/.build-bench-src"
  say "exporting $REV ($COMMIT) into ${PACKAGE#"$REPO"/}"
  rm -rf "$PACKAGE"
  mkdir -p "$PACKAGE"
  (cd "$REPO" && git archive "$COMMIT") | tar -x -C "$PACKAGE"
  [[ -f "$PACKAGE/Package.resolved" || ! -f "$REPO/Package.resolved" ]] || cp "$REPO/Package.resolved" "$PACKAGE/"
  TALLY_VERSION="$(cd "$REPO" && git rev-parse --short "$COMMIT") (committed tree)"
else
  TALLY_VERSION="$(cd "$REPO" && git describe --always --dirty 2>/dev/null || echo unknown) (working tree)"
fi
say "building tally (release) into ${SCRATCH#"$REPO"/}"
for attempt in 1 2 3; do
  if (cd "$PACKAGE" && swift build -c release --scratch-path "$SCRATCH" --product tally) >"$SCRATCH.log" 2>&1; then
    break
  fi
  if [[ $attempt == 3 ]] || ! grep -q "modified during the build" "$SCRATCH.log"; then
    tail -30 "$SCRATCH.log" >&2
    die "swift build failed (log: $SCRATCH.log)"
  fi
  say "sources changed during the build; retrying ($attempt/3)"
done
[[ -x "$TALLY" ]] || die "no tally binary at $TALLY"
mkdir -p "$DATA/bin"
cc -O2 -o "$DATA/bin/csvrows" "$BENCH/baseline/csvrows.c"

# --- data ---------------------------------------------------------------------------------------
# generate LABEL ROWS SKUS: bench/data/LABEL holds pos/ and inventory/ for $DATE. A dataset counts
# only once its .complete marker exists, so an interrupted generation is redone from scratch.
generate() {
  local label=$1 rows=$2 skus=$3 dir="$DATA/$1"
  if [[ -f "$dir/.complete" ]] && grep -qx "rows=$rows skus=$skus seed=42 date=$DATE" "$dir/.complete"; then
    say "dataset $label: present ($(du -sh "$dir/pos" | cut -f1) of POS files)"
    return
  fi
  say "dataset $label: generating $rows POS rows, $skus SKUs for $DATE"
  rm -rf "$dir" "$dir.tmp"
  "$TALLY" generate --out "$dir.tmp" --from "$DATE" --days 1 --skus "$skus" --rows "$rows" --seed 42 >&2
  # Checks: quoting, commas, quotes and non-ASCII in names, returns; fail loudly if the generator changed.
  local pos=("$dir.tmp/pos/date=$DATE/"*.csv)
  local stats
  stats=$(LC_ALL=C awk '
      FNR == 1 { next }
      { n++ }
      /"/ { quoted++ }
      /"[^"]*,[^"]*"/ { comma++ }
      /""/ { dq++ }
      /[\200-\377]/ { utf8++ }
      /,-[0-9]+,[0-9.]+,[0-9][0-9][0-9][0-9]-/ { returns++ }
      END { printf "%d %d %d %d %d %d", n, quoted, comma, dq, utf8, returns }' "${pos[@]}")
  read -r n quoted comma dq utf8 returns <<<"$stats"
  say "dataset $label: $n data lines; $((100 * quoted / n))% with quoted fields, $((100 * comma / n))% with a comma" \
      "inside quotes, $((100 * dq / n))% with doubled quotes, $((100 * utf8 / n))% non-ASCII, $returns returns"
  (( quoted * 100 >= n * 20 )) || die "dataset $label: only $quoted of $n lines quoted (expected >= 20%)"
  (( comma > 0 && dq > 0 && utf8 > 0 && returns > 0 )) || die "dataset $label: missing commas, quotes, UTF-8 or returns"
  echo "rows=$rows skus=$skus seed=42 date=$DATE" >"$dir.tmp/.complete"
  mv "$dir.tmp" "$dir"
}

DATASETS=()
generate 1m 1000000 20000
DATASETS+=(--dataset "1M=$DATA/1m")
if [[ $SIZE == full ]]; then
  generate 10m 10000000 200000
  DATASETS+=(--dataset "10M=$DATA/10m")
fi

# --- peers --------------------------------------------------------------------------------------
if ! "$VENV/bin/python" -c 'import duckdb, polars, pandas, pyarrow' >/dev/null 2>&1; then
  say "creating $VENV with duckdb, polars, pandas, pyarrow (pip)"
  python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install -y python3-venv)"
  "$VENV/bin/pip" install --quiet --upgrade pip >&2
  "$VENV/bin/pip" install --quiet duckdb polars pandas pyarrow >&2 || die "pip install failed"
fi
VERSIONS=$("$VENV/bin/python" -c 'import duckdb, polars, pandas, pyarrow, sys
print(f"duckdb {duckdb.__version__}, polars {polars.__version__}, pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, python {sys.version.split()[0]}")')

# --- run ----------------------------------------------------------------------------------------
echo "# tally benchmark ($SIZE, $RUNS run(s) per engine) — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- tally $TALLY_VERSION, release build; $VERSIONS"
echo "- $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
rc=0
"$VENV/bin/python" "$BENCH/harness.py" --tally "$TALLY" --spec "$PACKAGE/pipelines/retail_inventory_reconciliation.yaml" --python "$VENV/bin/python" --csvrows "$DATA/bin/csvrows" \
  "${DATASETS[@]}" --date "$DATE" --runs "$RUNS" --work "$DATA/runs" --timeout "$TIMEOUT" \
  --max-rss-mib "$MAX_RSS_MIB" --engines "$ENGINES" || rc=$?
if [[ $rc != 0 ]]; then
  echo "bench/run.sh: FAILED (see above)" >&2
  exit 1
fi
