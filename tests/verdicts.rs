//! Replays the judged findings of `tests/data/verdicts.tsv` on the real
//! repositories in `../shared`: a true positive must stay reported, a
//! false positive must stay silent, and one judged noise but not yet fixed
//! (`fp-open`) must still be reported, so that silencing it means
//! updating its verdict. Skips itself, loudly, when `../shared` is absent.

mod common;

use prodlint::discover::Classifier;
use prodlint::engine;

#[test]
fn judged_findings_replay() {
    let shared = common::root().join("../shared");
    if !shared.join("apps").is_dir() {
        eprintln!("SKIPPED: ../shared/apps is absent, the verdicts did not replay");
        return;
    }
    let table = std::fs::read_to_string(common::root().join("tests/data/verdicts.tsv"))
        .unwrap_or_else(|e| panic!("verdicts.tsv: {e}"));
    let mut wrong = Vec::new();
    let mut judged = 0;
    // The project of each app, built once, as `prodlint check <app>` does.
    let mut projects: std::collections::HashMap<String, prodlint::project::Project> =
        Default::default();
    for row in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = row.split('\t').collect();
        let [path, line, code, verdict, why] = cols[..] else {
            panic!("a verdict row has five columns: {row}");
        };
        let line: usize = line.parse().unwrap_or_else(|e| panic!("{row}: {e}"));
        let file = shared.join(path);
        let mut settings = common::settings(&[code]);
        // Judged as `prodlint check <app>` judges: purposes from the path
        // below the app's folder (`apps/<app>/…`, `corpus/<repo>/…`).
        settings.config.purpose_all = false;
        let below: std::path::PathBuf = std::path::Path::new(path).components().skip(2).collect();
        let app: std::path::PathBuf = std::path::Path::new(path).components().take(2).collect();
        let project = projects
            .entry(app.to_string_lossy().to_string())
            .or_insert_with(|| {
                let (candidates, _) =
                    prodlint::discover::discover(&[shared.join(&app)], &settings.config);
                let mut project =
                    prodlint::project::load::project(&candidates, settings.config.max_file_size);
                // The project hooks (GH007's callers), as a run has them.
                let all = common::settings(&["ALL"]);
                prodlint::engine::run_project_rules(&mut project, &all);
                project
            });
        let mut kind = Classifier::new(&settings.config).kind(&file);
        if kind == Some(prodlint::discover::FileKind::Text) && project.is_named_config(&file) {
            kind = Some(prodlint::discover::FileKind::Gunicorn);
        }
        let text = engine::load(&file, settings.config.max_file_size)
            .map(prodlint::source::SharedText::from);
        let report = engine::lint_text_below(&file, &below, kind, text, &settings, project);
        let reported = report
            .findings
            .iter()
            .any(|f| f.code() == code && report.source.region(f.span).start.line == line);
        judged += 1;
        let ok = match verdict {
            "tp" | "fp-open" => reported,
            "fp" => !reported,
            other => panic!("unknown verdict `{other}` in {row}"),
        };
        if !ok {
            wrong.push(format!(
                "{path}:{line} {code} ({verdict}: {why}); reported: {reported}"
            ));
        }
    }
    eprintln!("verdicts: {judged} judged findings replayed");
    assert!(
        wrong.is_empty(),
        "verdicts that no longer hold:\n{}",
        wrong.join("\n")
    );
}
