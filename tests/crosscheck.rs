//! Our Dockerfile parser against the `parse-dockerfile` crate: the same
//! instructions, with the same keyword spans, on every fixture and on the
//! real-world corpus in `../shared/corpus` when it is present.

mod common;

use parse_dockerfile::Instruction as Their;
use prodlint::parse::dockerfile;
use std::path::{Path, PathBuf};

fn theirs(text: &str) -> Option<Vec<(String, usize, usize)>> {
    let df = parse_dockerfile::parse(text).ok()?;
    Some(
        df.instructions
            .iter()
            .map(|i| {
                let (name, span) = match i {
                    Their::Add(x) => ("ADD", &x.add.span),
                    Their::Arg(x) => ("ARG", &x.arg.span),
                    Their::Cmd(x) => ("CMD", &x.cmd.span),
                    Their::Copy(x) => ("COPY", &x.copy.span),
                    Their::Entrypoint(x) => ("ENTRYPOINT", &x.entrypoint.span),
                    Their::Env(x) => ("ENV", &x.env.span),
                    Their::Expose(x) => ("EXPOSE", &x.expose.span),
                    Their::From(x) => ("FROM", &x.from.span),
                    Their::Healthcheck(x) => ("HEALTHCHECK", &x.healthcheck.span),
                    Their::Label(x) => ("LABEL", &x.label.span),
                    Their::Maintainer(x) => ("MAINTAINER", &x.maintainer.span),
                    Their::Onbuild(x) => ("ONBUILD", &x.onbuild.span),
                    Their::Run(x) => ("RUN", &x.run.span),
                    Their::Shell(x) => ("SHELL", &x.shell.span),
                    Their::Stopsignal(x) => ("STOPSIGNAL", &x.stopsignal.span),
                    Their::User(x) => ("USER", &x.user.span),
                    Their::Volume(x) => ("VOLUME", &x.volume.span),
                    Their::Workdir(x) => ("WORKDIR", &x.workdir.span),
                    _ => ("?", &(0..0)),
                };
                (name.to_string(), span.start, span.end)
            })
            .collect(),
    )
}

fn ours(text: &str) -> (Vec<(String, usize, usize)>, usize) {
    let df = dockerfile::parse(text);
    let list = df
        .instructions
        .iter()
        .map(|i| {
            (
                i.keyword.as_str().to_string(),
                i.keyword_span.start,
                i.keyword_span.end,
            )
        })
        .collect();
    (list, df.errors.len())
}

/// Compares one file; returns a description of the disagreement, if any.
fn compare(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let (mine, errors) = ours(&text);
    match theirs(&text) {
        Some(t) if errors == 0 && t != mine => Some(format!(
            "{}: instructions differ\n  ours:   {mine:?}\n  theirs: {t:?}",
            path.display()
        )),
        _ => None,
    }
}

fn dockerfiles_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            dockerfiles_under(&p, out);
        } else if prodlint::discover::FileKind::detect(&p)
            == Some(prodlint::discover::FileKind::Dockerfile)
        {
            out.push(p);
        }
    }
}

#[test]
fn fixtures_agree_with_parse_dockerfile() {
    let mut files = Vec::new();
    dockerfiles_under(&common::root().join("fixtures"), &mut files);
    assert!(files.len() > 50);
    let diffs: Vec<String> = files.iter().filter_map(|f| compare(f)).collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn corpus_agrees_with_parse_dockerfile() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus is absent, the corpus cross-check did not run");
        return;
    }
    let mut files = Vec::new();
    dockerfiles_under(&corpus, &mut files);
    let diffs: Vec<String> = files.iter().filter_map(|f| compare(f)).collect();
    let rejected_by_them = files
        .iter()
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| theirs(&t).is_none()))
        .count();
    let with_our_errors = files
        .iter()
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| ours(&t).1 > 0))
        .count();
    eprintln!(
        "corpus: {} Dockerfiles, {rejected_by_them} rejected by parse-dockerfile, {with_our_errors} with PL001 from prodlint",
        files.len()
    );
    assert!(
        diffs.is_empty(),
        "{} of {} files differ:\n{}",
        diffs.len(),
        files.len(),
        diffs.join("\n")
    );
}
