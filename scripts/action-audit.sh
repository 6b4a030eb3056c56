#!/usr/bin/env bash
# The GitHub Action's audit (action.yml, input `audit`), run by
# action-check.sh with the same prodlint and paths: the Markdown
# scorecard in the job summary, the JSON and HTML audits as files for
# actions/upload-artifact, the level and score as outputs, and with
# `audit-comment: true` on a pull request one comment updated in place
# through the runner's `gh` (the job needs `pull-requests: write`).
# Inputs arrive as environment variables only; nothing is evaluated.
# Usage: action-audit.sh PRODLINT [CONFIG ARGUMENT…] -- PATH…, where the
# configuration arguments are those of the check's `args` (`--config F`,
# `--no-config`): the audit reads the same configuration and waivers.
# Exits 1 below `audit-min-level`.
set -uo pipefail

prodlint=$1
shift
config=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    config+=("$1")
    shift
done
[ $# -gt 0 ] && shift

case "${INPUT_AUDIT_COMMENT:-false}" in
    true | false) ;;
    *)
        echo "::error title=prodlint action::input AUDIT-COMMENT must be true or false, not '${INPUT_AUDIT_COMMENT}'"
        exit 2
        ;;
esac
gate=()
case "${INPUT_AUDIT_MIN_LEVEL:-}" in
    "") ;;
    bronze | silver | gold) gate=(--min-level "$INPUT_AUDIT_MIN_LEVEL") ;;
    *)
        echo "::error title=prodlint action::input AUDIT-MIN-LEVEL must be bronze, silver or gold, not '${INPUT_AUDIT_MIN_LEVEL}'"
        exit 2
        ;;
esac

json="$RUNNER_TEMP/prodlint-audit.json"
html="$RUNNER_TEMP/prodlint-audit.html"
markdown="$RUNNER_TEMP/prodlint-audit.md"
rm -f "$json" "$html" "$markdown"
"$prodlint" audit ${config[@]+"${config[@]}"} ${gate[@]+"${gate[@]}"} --format json --output "$json" -- "$@"
code=$?
"$prodlint" audit ${config[@]+"${config[@]}"} --format html --output "$html" -- "$@" || true
"$prodlint" audit ${config[@]+"${config[@]}"} --format markdown --output "$markdown" -- "$@" || true

level=$(grep -m1 -Eo '"level": *"[a-z ]+"' "$json" 2>/dev/null | sed 's/.*"\([a-z ]*\)"$/\1/')
score=$(grep -m1 -Eo '"score": *[0-9.]+' "$json" 2>/dev/null | grep -Eo '[0-9.]+$')
{
    echo "audit-json=$json"
    echo "audit-html=$html"
    echo "audit-level=${level:-}"
    echo "audit-score=${score:-}"
} >>"${GITHUB_OUTPUT:?}"

if [ -f "$markdown" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$markdown" >>"$GITHUB_STEP_SUMMARY"
fi

if [ "${INPUT_AUDIT_COMMENT:-false}" = true ] && [ -f "$markdown" ]; then
    # A pull request's ref is refs/pull/N/merge: elsewhere there is
    # nothing to comment on.
    if [[ "${GITHUB_REF:-}" =~ ^refs/pull/([0-9]+)/ ]]; then
        number=${BASH_REMATCH[1]}
        repo=${GITHUB_REPOSITORY:?}
        # The comment this action made before: the workflow's bot wrote
        # it, and it starts with the marker (anyone may paste the marker).
        existing=$(gh api --paginate "repos/$repo/issues/$number/comments" \
            --jq '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith("<!-- prodlint-audit -->"))) | .id' | head -n 1)
        if [ -n "$existing" ]; then
            gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$markdown" >/dev/null ||
                echo "::warning title=prodlint action::could not update the audit comment"
        else
            gh api --method POST "repos/$repo/issues/$number/comments" -F "body=@$markdown" >/dev/null ||
                echo "::warning title=prodlint action::could not comment the audit on the pull request"
        fi
    else
        echo "::notice title=prodlint action::audit-comment applies to pull requests; this run is not one"
    fi
fi
exit "$code"
