#!/usr/bin/env python3
"""Precision of prodlint on the judged set.

Runs `prodlint check` on every repository of ../shared/apps and
../shared/corpus (one run per repository, as a user would), matches each
finding with its verdict in tests/data/verdicts.tsv (path, line, code) and
prints, per family and per rule, how many findings were judged true and
false positives (`fp-open` counts as false) and how many are not judged.

    scripts/precision.py [--select ALL] [--rules] [--bin target/release/prodlint]
"""

import argparse
import collections
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def verdicts():
    table = {}
    for row in (ROOT / "tests/data/verdicts.tsv").read_text().splitlines():
        if not row or row.startswith("#"):
            continue
        path, line, code, verdict, _why = row.split("\t", 4)
        table[(path, line, code)] = "fp" if verdict == "fp-open" else verdict
    return table


def findings(binary, select):
    repos = sorted(
        p for group in ("apps", "corpus") for p in (SHARED / group).iterdir() if p.is_dir()
    )
    for repo in repos:
        args = [binary, "check", "--no-config", "--format", "json", "--fail-on", "never"]
        if select:
            args += ["--select", select]
        args.append(str(repo.relative_to(SHARED)))
        out = subprocess.run(args, cwd=SHARED, capture_output=True, check=False)
        try:
            yield from json.loads(out.stdout)["findings"]
        except (ValueError, KeyError):
            print(f"{repo.name}: no report ({out.stderr.decode(errors='replace')[:200]})", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/prodlint"))
    ap.add_argument("--select", default=None, help="rules to run (default: the default rules)")
    ap.add_argument("--rules", action="store_true", help="also list every rule with a false positive")
    a = ap.parse_args()
    if not (SHARED / "apps").is_dir():
        sys.exit("../shared/apps is absent")
    table = verdicts()
    family = collections.defaultdict(collections.Counter)
    rule = collections.defaultdict(collections.Counter)
    for f in findings(a.bin, a.select):
        verdict = table.get((f["file"], str(f["start"]["line"]), f["code"]), "unjudged")
        family[f["code"][:2]][verdict] += 1
        rule[f["code"]][verdict] += 1

    def line(name, c):
        judged = c["tp"] + c["fp"]
        share = f"{100 * c['tp'] / judged:5.1f} %" if judged else "    -  "
        return f"{name:6} {share}  tp {c['tp']:5}  fp {c['fp']:4}  unjudged {c['unjudged']:5}"

    for name in sorted(family):
        print(line(name, family[name]))
    if a.rules:
        print()
        for name in sorted(rule):
            if rule[name]["fp"]:
                print(line(name, rule[name]))


if __name__ == "__main__":
    main()
