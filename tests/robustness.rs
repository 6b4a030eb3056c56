//! No input makes prodlint panic or hang: random bytes, random mutations
//! of the fixtures, and hand-made hostile files, all checked on rayon
//! worker threads (2 MiB stacks) as in a real run.

mod common;

use prodlint::diagnostic::Finding;
use prodlint::discover::FileKind;
use prodlint::engine::{self, FileReport};
use prodlint::parse::dockerfile;
use proptest::prelude::*;
use std::path::Path;

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap_or_else(|e| panic!("pool: {e}"))
}

/// Lints text as a Dockerfile on a worker thread, with every rule on.
fn lint_on_worker(text: String) -> FileReport {
    let settings = common::settings(&["ALL"]);
    pool().install(|| {
        engine::lint_text(
            Path::new("Dockerfile"),
            Some(FileKind::Dockerfile),
            Ok(text),
            &settings,
            &prodlint::project::Project::default(),
        )
    })
}

fn assert_sane(report: &FileReport) {
    let text = &report.source.text;
    for f in &report.findings {
        assert_ne!(f.code(), "PL004", "internal error: {}", f.message);
        assert_span_ok(text, f);
    }
}

fn assert_span_ok(text: &str, f: &Finding) {
    assert!(
        f.span.start <= f.span.end && f.span.end <= text.len(),
        "{}: span {:?} outside the text",
        f.code(),
        f.span
    );
    assert!(
        text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end),
        "{}: span off a character boundary",
        f.code()
    );
    for e in f.fix.iter().flat_map(|x| &x.edits) {
        assert!(
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        );
    }
}

fn fixture_texts() -> Vec<String> {
    common::fixture_pairs()
        .into_iter()
        .flat_map(|(_, b, g)| [b, g])
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Pieces that stress the lexers: escapes, quotes, heredocs, expansions.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\\\n".to_string()),
        Just("\n".to_string()),
        Just("<<EOF\n".to_string()),
        Just("EOF\n".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("${".to_string()),
        Just("}".to_string()),
        Just("$(".to_string()),
        Just("[\"".to_string()),
        Just("# prodlint: ignore[".to_string()),
        Just("# escape=`\n".to_string()),
        Just(" && ".to_string()),
        Just(" | ".to_string()),
        Just("é".to_string()),
        Just("\r\n".to_string()),
        "[ -~]{0,8}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).to_string();
        let _ = dockerfile::parse(&text);
        assert_sane(&lint_on_worker(text));
    }

    #[test]
    fn random_token_soup_never_crashes(tokens in proptest::collection::vec(token(), 0..64)) {
        let text = format!("FROM python:3.12\nRUN {}", tokens.concat());
        assert_sane(&lint_on_worker(text));
    }

    #[test]
    fn mutated_fixtures_never_crash(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, token()), 1..8),
    ) {
        let texts = fixture_texts();
        let mut text = texts[pick.index(texts.len())].clone();
        for (at, op, piece) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) { i -= 1; }
            match op {
                0 => text.insert_str(i, &piece),
                1 => { let mut j = (i + piece.len()).min(text.len()); while !text.is_char_boundary(j) { j -= 1; } text.replace_range(i..j, ""); }
                2 => { let mut j = (i + 1).min(text.len()); while !text.is_char_boundary(j) { j += 1; } text.replace_range(i..j, &piece); }
                _ => text = format!("{}{}", &text[i..], &text[..i]),
            }
        }
        assert_sane(&lint_on_worker(text));
    }
}

#[test]
fn hostile_inputs_complete() {
    let cases: Vec<(&str, String)> = vec![
        (
            "deep substitution",
            format!(
                "ARG A=1\nFROM x:{}\nUSER {}\n",
                "${A:-".repeat(50_000),
                "${A:+".repeat(50_000)
            ),
        ),
        (
            "deep command substitution",
            format!("FROM x\nRUN echo {}\n", "$(".repeat(100_000)),
        ),
        (
            "deep subshells",
            format!("FROM x\nRUN {}true\n", "(".repeat(100_000)),
        ),
        (
            "long continuation",
            format!("FROM x\nRUN a \\\n{}", "  && b \\\n".repeat(100_000)),
        ),
        (
            "huge line",
            format!("FROM x\nRUN echo {}\n", "a".repeat(2_000_000)),
        ),
        (
            "many stages",
            "FROM x AS s\nCOPY --from=s /a /a\n".repeat(20_000),
        ),
        (
            "many envs and pips",
            format!(
                "FROM python:3.12\n{}{}",
                "ENV A=1 DEBUG=1\n".repeat(20_000),
                "RUN pip install x\n".repeat(20_000)
            ),
        ),
        (
            "many cds and rms",
            format!(
                "FROM x\nRUN {}true\n",
                "cd /a && rm -rf /b && ".repeat(20_000)
            ),
        ),
        (
            "many heredocs",
            format!("FROM x\nRUN {}\n", "<<A".repeat(10_000)),
        ),
        (
            "unclosed json",
            format!("FROM x\nCMD {}\n", "[\"a\",".repeat(100_000)),
        ),
        (
            "nested braces",
            format!("FROM x\nENV A={}\n", "{".repeat(100_000)),
        ),
        (
            "many suppressions",
            "# prodlint: ignore[DF001,DF002,DF999] x\n".repeat(50_000),
        ),
        (
            "backticks",
            format!("FROM x\nRUN {}\n", "`".repeat(100_001)),
        ),
        (
            "onbuild chain",
            format!("FROM x\n{}RUN y\n", "ONBUILD ".repeat(10_000)),
        ),
    ];
    for (name, text) in cases {
        let report = lint_on_worker(text);
        for f in &report.findings {
            assert_ne!(f.code(), "PL004", "{name}: internal error: {}", f.message);
            assert_span_ok(&report.source.text, f);
        }
    }
}

#[test]
fn non_utf8_binary_and_oversized_input_is_skipped_with_a_reason() {
    let settings = common::settings(&[]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"FROM x\n\xff\xfe".to_vec(), "not valid UTF-8"),
        (b"\x00\x01\x02FROM".to_vec(), "binary"),
        (vec![b'#'; 6 * 1024 * 1024], "over the 5242880-byte limit"),
    ];
    for (bytes, why) in cases {
        let r = engine::lint_text(
            Path::new("Dockerfile"),
            Some(FileKind::Dockerfile),
            engine::decode(bytes, settings.config.max_file_size),
            &settings,
            &prodlint::project::Project::default(),
        );
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].code(), "PL003");
        assert!(
            r.findings[0].message.contains(why),
            "{}",
            r.findings[0].message
        );
    }
}

#[test]
fn findings_per_rule_are_capped_with_a_count() {
    let r = lint_on_worker(format!("FROM x\n{}", "FROBNICATE\n".repeat(1000)));
    let parse: Vec<&Finding> = r.findings.iter().filter(|f| f.code() == "PL001").collect();
    assert_eq!(parse.len(), 100);
    assert!(
        parse[99]
            .message
            .ends_with("(900 more syntax errors follow)"),
        "{}",
        parse[99].message
    );

    let r = lint_on_worker(format!("FROM x\nUSER 1\n{}", "RUN sudo true\n".repeat(300)));
    let sudo: Vec<&Finding> = r.findings.iter().filter(|f| f.code() == "DF022").collect();
    assert_eq!(sudo.len(), engine::MAX_FINDINGS_PER_RULE);
    assert!(
        sudo[99]
            .message
            .ends_with("(200 more DF022 findings in this file are not shown)"),
        "{}",
        sudo[99].message
    );
}

#[test]
fn large_files_of_many_small_instructions_complete() {
    // Close to the size limit, many instructions: the model stays linear.
    let cases = [
        format!(
            "FROM x\n{}",
            "RUN apt-get install curl | tee x\n".repeat(30_000)
        ),
        "A\n".repeat(500_000),
        format!("FROM x\n{}", "ENV A=1 B=2 C=3 D=4 E=5 F=6\n".repeat(30_000)),
    ];
    for text in cases {
        let r = lint_on_worker(text);
        assert!(r.findings.iter().all(|f| f.code() != "PL004"));
        assert!(r.findings.len() <= 100 * prodlint::rules::all().len());
    }
}

#[test]
fn reading_errors_are_io_errors_and_content_problems_are_not() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A folder named as a file is never opened, and fails the way an
    // unreadable file does.
    let err = engine::load(dir.path(), 1 << 20).err();
    assert!(
        err.as_ref()
            .is_some_and(|e| e.io_error && e.reason == "not a regular file"),
        "{err:?}"
    );
    let settings = common::settings(&[]);
    let r = engine::lint_text(
        dir.path(),
        Some(FileKind::Dockerfile),
        engine::load(dir.path(), 1 << 20),
        &settings,
        &prodlint::project::Project::default(),
    );
    assert!(r.unreadable);
    assert_eq!(r.findings[0].code(), "PL003");
    let content = engine::decode(vec![0xff], 1024).err();
    assert!(content.is_some_and(|e| !e.io_error));
}

#[test]
fn hostile_yaml_gives_located_errors() {
    use prodlint::parse::yaml::{self, ErrorKind};
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        laughs.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    let cases: Vec<(&str, String, Option<ErrorKind>)> = vec![
        ("billion laughs", laughs, Some(ErrorKind::Limit)),
        (
            "deep block sequences",
            format!("{}x\n", "- ".repeat(100_000)),
            Some(ErrorKind::Limit),
        ),
        ("deep flow", "[".repeat(100_000), Some(ErrorKind::Syntax)),
        (
            "deep flow maps",
            "{a: ".repeat(100_000),
            Some(ErrorKind::Syntax),
        ),
        (
            "10 MB line",
            format!("a: {}\n", "x".repeat(10_000_000)),
            None,
        ),
        (
            "thousands of documents",
            "---\na: 1\n".repeat(5_000),
            Some(ErrorKind::Limit),
        ),
        (
            "tabs",
            "jobs:\n\tbuild: {}\n".to_string(),
            Some(ErrorKind::Syntax),
        ),
        (
            "duplicate keys",
            "on: push\non: pull_request\n".to_string(),
            Some(ErrorKind::DuplicateKey),
        ),
        (
            "unclosed quote",
            "a: \"never closed\n".to_string(),
            Some(ErrorKind::Syntax),
        ),
    ];
    for (name, text, expected) in cases {
        let y = pool().install(|| yaml::parse(&text));
        assert_eq!(
            y.errors.first().map(|e| e.kind),
            expected,
            "{name}: {:?}",
            y.errors.first()
        );
        for e in &y.errors {
            assert!(
                e.span.end <= text.len() && text.is_char_boundary(e.span.start),
                "{name}: bad span"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_yaml_never_crashes(bytes in proptest::collection::vec(prop_oneof![
        Just(b'-'), Just(b':'), Just(b' '), Just(b'\n'), Just(b'['), Just(b']'), Just(b'{'), Just(b'}'),
        Just(b'&'), Just(b'*'), Just(b'<'), Just(b'"'), Just(b'\''), Just(b'|'), Just(b'>'), Just(b'#'),
        Just(b'a'), Just(b'b'), Just(b'\t'), any::<u8>()
    ], 0..512)) {
        let text = String::from_utf8_lossy(&bytes).to_string();
        let y = pool().install(|| prodlint::parse::yaml::parse(&text));
        for e in &y.errors {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            prop_assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        }
    }
}

/// `text` with each piece inserted at its index (moved back to a character
/// boundary): a mutation for the property tests.
fn insert_pieces(mut text: String, edits: Vec<(prop::sample::Index, String)>) -> String {
    for (at, piece) in edits {
        let mut i = at.index(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        text.insert_str(i, &piece);
    }
    text
}

/// Lints text as `kind` under `name` on a worker thread, every rule on.
fn lint_kind_on_worker(name: &str, kind: FileKind, text: String) -> FileReport {
    let settings = common::settings(&["ALL"]);
    pool().install(|| {
        engine::lint_text(
            Path::new(name),
            Some(kind),
            Ok(text),
            &settings,
            &prodlint::project::Project::default(),
        )
    })
}

const PROCESS_KINDS: &[(&str, FileKind)] = &[
    ("gunicorn.conf.py", FileKind::Gunicorn),
    ("supervisord.conf", FileKind::Supervisor),
    ("api.service", FileKind::Systemd),
    ("Procfile", FileKind::Procfile),
];

/// Pieces that stress the Python, INI and command-line readers.
fn process_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" * ".to_string()),
        Just("\"\"\"".to_string()),
        Just("f\"{".to_string()),
        Just("os.environ.get(\"X\", ".to_string()),
        Just("multiprocessing.cpu_count()".to_string()),
        Just("workers = ".to_string()),
        Just("[program:".to_string()),
        Just("]\n".to_string()),
        Just("command=gunicorn -w ".to_string()),
        Just("ExecStart=uvicorn --host ".to_string()),
        Just("web: ".to_string()),
        Just("%(ENV_X)s".to_string()),
        Just("\\\n".to_string()),
        Just("\n  ".to_string()),
        Just(" ; ".to_string()),
        Just("sh -c \"".to_string()),
        Just("--max-requests=".to_string()),
        Just("é".to_string()),
        "[ -~]{0,8}",
    ]
}

fn process_fixtures() -> Vec<(usize, String)> {
    common::fixture_pairs()
        .into_iter()
        .filter(|(c, _, _)| c.starts_with("PM"))
        .flat_map(|(_, b, g)| [b, g])
        .filter_map(|p| {
            let kind = common::fixture_kind(&p)?;
            let k = PROCESS_KINDS.iter().position(|(_, pk)| *pk == kind)?;
            Some((k, std::fs::read_to_string(p).ok()?))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn process_files_survive_random_bytes(
        kind in 0usize..4,
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let (name, k) = PROCESS_KINDS[kind];
        let text = String::from_utf8_lossy(&bytes).to_string();
        assert_sane(&lint_kind_on_worker(name, k, text));
    }

    #[test]
    fn process_files_survive_token_soup(
        kind in 0usize..4,
        tokens in proptest::collection::vec(process_token(), 0..64),
    ) {
        let (name, k) = PROCESS_KINDS[kind];
        assert_sane(&lint_kind_on_worker(name, k, tokens.concat()));
    }

    #[test]
    fn mutated_process_fixtures_survive(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), process_token()), 1..8),
    ) {
        let texts = process_fixtures();
        let (kind, text) = texts[pick.index(texts.len())].clone();
        let text = insert_pieces(text, edits);
        let (name, k) = PROCESS_KINDS[kind];
        assert_sane(&lint_kind_on_worker(name, k, text));
    }
}

#[test]
fn hostile_python_and_ini_complete() {
    let cases: Vec<(&str, FileKind, String)> = vec![
        (
            "deep brackets",
            FileKind::Gunicorn,
            format!(
                "workers = {}1{}\n",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
        ),
        (
            "long sum",
            FileKind::Gunicorn,
            format!("workers = {}1\n", "1 + ".repeat(40_000)),
        ),
        (
            "long unary",
            FileKind::Gunicorn,
            format!("workers = {}1\n", "not ".repeat(40_000)),
        ),
        (
            "many assignments",
            FileKind::Gunicorn,
            "worker_classs = 1\n".repeat(50_000),
        ),
        (
            "unterminated",
            FileKind::Gunicorn,
            "bind = \"0.0.0.0\n".repeat(1000),
        ),
        (
            "huge number",
            FileKind::Gunicorn,
            format!("timeout = {}\n", "9".repeat(5000)),
        ),
        (
            "endless continuation",
            FileKind::Systemd,
            format!("[Service]\nExecStart=gunicorn {}", "\\\n".repeat(100_000)),
        ),
        (
            "many programs",
            FileKind::Supervisor,
            "[program:x]\ncommand=gunicorn app\n".repeat(20_000),
        ),
        (
            "continuation lines",
            FileKind::Supervisor,
            format!(
                "[program:x]\ncommand=gunicorn\n{}",
                "  -w 2\n".repeat(50_000)
            ),
        ),
        (
            "long procfile",
            FileKind::Procfile,
            "web: uvicorn app:app --reload\n".repeat(50_000),
        ),
        (
            "nested sh -c",
            FileKind::Procfile,
            format!("web: {}gunicorn app\n", "sh -c ".repeat(2000)),
        ),
    ];
    for (name, kind, text) in cases {
        let started = std::time::Instant::now();
        let file = match kind {
            FileKind::Gunicorn => "gunicorn.conf.py",
            FileKind::Supervisor => "supervisord.conf",
            FileKind::Systemd => "api.service",
            _ => "Procfile",
        };
        let r = lint_kind_on_worker(file, kind, text);
        assert_sane(&r);
        eprintln!(
            "{name}: {} findings in {:?}",
            r.findings.len(),
            started.elapsed()
        );
    }
    let deep = lint_kind_on_worker(
        "gunicorn.conf.py",
        FileKind::Gunicorn,
        format!("workers = {}1{}\n", "(".repeat(1000), ")".repeat(1000)),
    );
    assert_eq!(deep.findings.first().map(|f| f.code()), Some("PL003"));
}

const YAML_KINDS: &[(&str, FileKind)] = &[
    ("docker-compose.yml", FileKind::Compose),
    ("deployment.yaml", FileKind::Kubernetes),
];

/// Pieces of compose files and manifests.
fn orchestration_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("services:\n".to_string()),
        Just("  api:\n".to_string()),
        Just("    ports: [\"".to_string()),
        Just("    volumes:\n      - ".to_string()),
        Just("    depends_on: [db]\n".to_string()),
        Just("    command: gunicorn -w ".to_string()),
        Just("apiVersion: apps/v1\nkind: Deployment\n".to_string()),
        Just("---\n".to_string()),
        Just("spec:\n  template:\n    spec:\n      containers:\n".to_string()),
        Just("        - name: web\n          image: x\n".to_string()),
        Just("          readinessProbe: {httpGet: {port: ".to_string()),
        Just("          securityContext:\n".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("<<: *a\n".to_string()),
        Just("{{ .Values }}".to_string()),
        Just(": ".to_string()),
        Just("\n  ".to_string()),
        Just("- ".to_string()),
        Just("\"".to_string()),
        "[ -~]{0,8}",
    ]
}

fn orchestration_fixtures() -> Vec<(usize, String)> {
    common::fixture_pairs()
        .into_iter()
        .filter(|(c, _, _)| c.starts_with("DC") || c.starts_with("KU"))
        .flat_map(|(c, b, g)| {
            let k = usize::from(c.starts_with("KU"));
            [(k, b), (k, g)]
        })
        .filter_map(|(k, p)| Some((k, std::fs::read_to_string(p).ok()?)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn orchestration_files_survive_token_soup(
        kind in 0usize..2,
        tokens in proptest::collection::vec(orchestration_token(), 0..64),
    ) {
        let (name, k) = YAML_KINDS[kind];
        assert_sane(&lint_kind_on_worker(name, k, tokens.concat()));
    }

    #[test]
    fn mutated_orchestration_fixtures_survive(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), orchestration_token()), 1..8),
    ) {
        let texts = orchestration_fixtures();
        let (kind, text) = texts[pick.index(texts.len())].clone();
        let text = insert_pieces(text, edits);
        let (name, k) = YAML_KINDS[kind];
        assert_sane(&lint_kind_on_worker(name, k, text));
    }
}

#[test]
fn hostile_manifests_complete() {
    let many_docs = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: b}]}\n---\n".repeat(900);
    let many_containers = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: x}}\nspec:\n  containers:\n{}",
        "    - {name: a, image: b, ports: [{containerPort: 1}], readinessProbe: {httpGet: {port: 2}}}\n".repeat(20_000)
    );
    let many_services = format!(
        "services:\n{}",
        (0..20_000)
            .map(|i| format!("  s{i}:\n    image: x\n    depends_on: [s0]\n"))
            .collect::<String>()
    );
    let billion = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nservices: {x: {<<: *e}}\n".to_string();
    for (name, kind, text) in [
        ("many documents", FileKind::Kubernetes, many_docs),
        ("many containers", FileKind::Kubernetes, many_containers),
        ("many services", FileKind::Compose, many_services),
        ("alias bomb", FileKind::Compose, billion),
    ] {
        let started = std::time::Instant::now();
        let file = if kind == FileKind::Compose {
            "docker-compose.yml"
        } else {
            "pod.yaml"
        };
        let r = lint_kind_on_worker(file, kind, text);
        assert_sane(&r);
        eprintln!(
            "{name}: {} findings in {:?}",
            r.findings.len(),
            started.elapsed()
        );
    }
}
