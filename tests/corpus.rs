//! The whole check over the real-world corpus in `../shared/corpus`: no
//! internal error, and every parse error is one Docker itself would report.
//! Skips itself, loudly, when the corpus is absent.

mod common;

use prodlint::discover;

#[test]
fn corpus_has_no_internal_errors_and_no_unexpected_parse_errors() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus is absent, the corpus check did not run");
        return;
    }
    let mut s = common::settings(&["ALL"]);
    // The starter workflows live outside `.github/workflows`: lint them as workflows too.
    s.config.file_kinds.push((
        "**/actions__starter-workflows/**/*.yml".to_string(),
        prodlint::discover::FileKind::Workflow,
    ));
    let (cands, errors) = discover::discover(&[corpus], &s.config);
    assert!(errors.is_empty(), "{errors:?}");
    let reports = prodlint::engine::lint_files(&cands, &s);
    let mut internal = Vec::new();
    let mut parse_errors = Vec::new();
    for r in &reports {
        for f in &r.findings {
            match f.code() {
                "PL004" => internal.push(format!("{}: {}", r.source.path.display(), f.message)),
                "PL001" => parse_errors.push(format!(
                    "{}: {}",
                    r.source.path.display(),
                    common::line(r, f)
                )),
                _ => {}
            }
        }
    }
    eprintln!(
        "corpus: {} files linted, {} PL001: {parse_errors:#?}",
        reports.len(),
        parse_errors.len()
    );
    let workflows = reports
        .iter()
        .filter(|r| r.kind == Some(prodlint::discover::FileKind::Workflow))
        .count();
    eprintln!("corpus: {workflows} workflows linted");
    assert!(workflows >= 290, "only {workflows} workflows were linted");
    assert!(internal.is_empty(), "internal errors: {internal:#?}");
    // The corpus holds Dockerfiles that build and workflows that run: none
    // should fail to parse. These files are broken for their own tools
    // too: duplicate keys that `kubectl apply` rejects (strict field
    // validation) and a `******` password that compose reads as an alias.
    const KNOWN_BROKEN: &[(&str, &str)] = &[
        (
            "openshift-origin/etcd-controller.yaml",
            "the key `selector` appears twice",
        ),
        (
            "openshift-origin/etcd-discovery-controller.yaml",
            "the key `selector` appears twice",
        ),
        (
            "openshift-origin/openshift-controller.yaml",
            "the key `selector` appears twice",
        ),
        (
            "quobyte/quobyte-admin-secret.yaml",
            "the key `type` appears twice",
        ),
        (
            "scaleio/sc-pvc.yaml",
            "the key `storageClassName` appears twice",
        ),
        ("calendso/docker-compose.yml", "unknown anchor"),
    ];
    let unexpected: Vec<&String> = parse_errors
        .iter()
        .filter(|e| {
            !KNOWN_BROKEN
                .iter()
                .any(|(file, why)| e.contains(file) && e.contains(why))
        })
        .collect();
    assert!(unexpected.is_empty(), "parse errors: {unexpected:#?}");
    let count =
        |k: prodlint::discover::FileKind| reports.iter().filter(|r| r.kind == Some(k)).count();
    let (compose, kube) = (
        count(prodlint::discover::FileKind::Compose),
        count(prodlint::discover::FileKind::Kubernetes),
    );
    eprintln!("corpus: {compose} compose files, {kube} Kubernetes manifests linted");
    assert!(compose >= 541, "only {compose} compose files were linted");
    assert!(kube >= 310, "only {kube} manifests were linted");
}

#[test]
fn corpus_yaml_parses_without_crashing() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus is absent, the YAML corpus check did not run");
        return;
    }
    let mut files = Vec::new();
    let mut todo = vec![corpus];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    // MANIFEST.tsv: repo, path, kind, bytes.
    let manifest = std::fs::read_to_string(common::root().join("../shared/corpus/MANIFEST.tsv"))
        .unwrap_or_default();
    let workflow_files: Vec<std::path::PathBuf> = manifest
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.get(2) == Some(&"workflow")).then(|| {
                common::root()
                    .join("../shared/corpus")
                    .join(cols[0].replace('/', "__"))
                    .join(cols[1])
            })
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut syntax = Vec::new();
    let mut documents = 0;
    let mut workflows = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let y = pool.install(|| prodlint::parse::yaml::parse(&text));
        documents += y.documents.len();
        if workflow_files.contains(f) && y.errors.is_empty() {
            for root in y.documents.iter().flatten() {
                let w = prodlint::parse::workflow::Workflow::from_root(root);
                assert!(
                    w.as_ref()
                        .is_some_and(|w| !w.jobs.is_empty() && !w.triggers.is_empty()),
                    "{}: not read as a workflow",
                    f.display()
                );
                workflows += 1;
            }
        }
        for e in y
            .errors
            .iter()
            .filter(|e| e.kind != prodlint::parse::yaml::ErrorKind::DuplicateKey)
        {
            syntax.push(format!("{}: {}", f.display(), e.message));
        }
    }
    eprintln!(
        "corpus: {} YAML files, {documents} documents, {workflows} workflows, {} errors: {syntax:#?}",
        files.len(),
        syntax.len()
    );
    assert!(files.len() > 1000);
    assert!(
        workflows + 5 >= workflow_files.len(),
        "only {workflows} of {} workflows were read",
        workflow_files.len()
    );
}
