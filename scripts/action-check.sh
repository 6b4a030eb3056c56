#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): runs prodlint once per
# report the inputs ask for and sets the step's outputs. Inputs arrive as
# environment variables only; lists are split into words, never evaluated.
set -uo pipefail

fail() {
    echo "::error title=prodlint action::$1"
    exit 2
}

for flag in INPUT_ANNOTATIONS INPUT_SUMMARY INPUT_AUDIT; do
    case "${!flag}" in
        true | false) ;;
        *) fail "input ${flag#INPUT_} must be true or false, not '${!flag}'" ;;
    esac
done

bin_dir="${RUNNER_TEMP:?}/prodlint-install/bin"
prodlint="$bin_dir/prodlint"
[ -x "$prodlint" ] || prodlint="$bin_dir/prodlint.exe"
[ -x "$prodlint" ] || fail "prodlint is not installed in $bin_dir"

set -f
IFS=$' \t\n'
# shellcheck disable=SC2206 # splitting into words is the point; globbing is off
paths=(${INPUT_PATHS:-})
# shellcheck disable=SC2206
extra=(${INPUT_ARGS:-})
set +f
[ ${#paths[@]} -gt 0 ] || paths=(.)

args=(check)
# Bash 3.2 (macOS) calls an empty array unbound under `set -u`.
args+=(${extra[@]+"${extra[@]}"})
[ -z "${INPUT_FAIL_ON:-}" ] || args+=(--fail-on "$INPUT_FAIL_ON")

report="$RUNNER_TEMP/prodlint-report.json"
rm -f "$report"
"$prodlint" "${args[@]}" --format json --output "$report" -- "${paths[@]}"
code=$?
findings=0
if [ -f "$report" ]; then
    # The summary comes first: its count is the first `"findings": N`.
    findings=$(grep -m1 -Eo '"findings": *[0-9]+' "$report" | grep -Eo '[0-9]+$' || echo 0)
fi

if [ "$INPUT_ANNOTATIONS" = true ]; then
    "$prodlint" "${args[@]}" --format github -- "${paths[@]}" || true
fi
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
    "$prodlint" "${args[@]}" --format sarif --output "$INPUT_SARIF_FILE" -- "${paths[@]}" || true
    echo "sarif-file=$INPUT_SARIF_FILE" >>"${GITHUB_OUTPUT:?}"
fi
if [ "$INPUT_SUMMARY" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    # GitHub shows at most 10 annotations of each level per step: say
    # where the others are.
    if [ "$INPUT_ANNOTATIONS" = true ] && [ -f "$report" ]; then
        for level in errors warnings info; do
            n=$(grep -m1 -Eo "\"$level\": *[0-9]+" "$report" | grep -Eo '[0-9]+$' || echo 0)
            if [ "$n" -gt 10 ]; then
                echo "> GitHub shows 10 annotations of each level per step: every finding is in the tables below (and in the SARIF report when one is uploaded)."
                echo
                break
            fi
        done >>"$GITHUB_STEP_SUMMARY"
    fi
    "$prodlint" "${args[@]}" --format markdown -- "${paths[@]}" >>"$GITHUB_STEP_SUMMARY" || true
fi

if [ "$INPUT_AUDIT" = true ]; then
    # The audit reads the configuration the check's arguments name.
    config=()
    for ((i = 0; i < ${#extra[@]}; i++)); do
        case "${extra[$i]}" in
            --no-config | --config=*) config+=("${extra[$i]}") ;;
            --config) config+=("${extra[$i]}" "${extra[$((i + 1))]:-}") ;;
        esac
    done
    bash "$(dirname "$0")/action-audit.sh" "$prodlint" ${config[@]+"${config[@]}"} -- "${paths[@]}"
    audit_code=$?
    # An error wins; an audit below its level fails a passing check.
    if [ "$audit_code" -eq 2 ] || { [ "$audit_code" -eq 1 ] && [ "$code" -eq 0 ]; }; then
        code=$audit_code
    fi
fi

{
    echo "findings=$findings"
    echo "exit-code=$code"
} >>"${GITHUB_OUTPUT:?}"
exit "$code"
