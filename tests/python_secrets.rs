//! Secrets in Python are read through its parse: only literals and
//! comments hold values, and a generic secret is a literal written under
//! a secret name. Exact codes, lines and columns.

mod common;

use common::lint;

fn rows(path: &str) -> Vec<String> {
    let report = lint(&common::root().join(path), &["SE"]);
    report
        .findings
        .iter()
        .filter(|f| f.code().starts_with("SE"))
        .map(|f| {
            let r = report.source.region(f.span);
            format!("{} {}:{}", f.code(), r.start.line, r.start.column)
        })
        .collect()
}

/// `prodlint check` with `args` in `dir`, as JSON: the findings as
/// `CODE file:line` (with `:column` when `column` is set) and the
/// whole output (to prove that no secret is in it).
fn json_rows(dir: &std::path::Path, args: &[&str], column: bool) -> (Vec<String>, String) {
    let out = assert_cmd::Command::cargo_bin("prodlint")
        .unwrap_or_else(|e| panic!("binary: {e}"))
        .current_dir(dir)
        .args([
            "check",
            "--no-config",
            "--fail-on",
            "never",
            "--format",
            "json",
        ])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("json: {e}"));
    let rows = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let at = format!(
                "{} {}:{}",
                f["code"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"]
            );
            if column {
                format!("{at}:{}", f["start"]["column"])
            } else {
                at
            }
        })
        .collect();
    (rows, String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn literals_under_secret_names_provider_tokens_and_commented_out_code_are_reported() {
    assert_eq!(
        rows("fixtures/secrets/python/leaks.py"),
        [
            "SE004 5:26",
            "SE004 6:25",
            "SE004 9:29",
            "SE004 13:31",
            "SE004 14:26",
            "SE004 15:20",
            "SE003 16:39",
            "SE001 17:48",
        ]
    );
}

#[test]
fn calls_names_parameters_annotations_labels_and_placeholders_are_not_secrets() {
    assert_eq!(
        rows("fixtures/secrets/python/references.py"),
        Vec::<String>::new()
    );
}

#[test]
fn an_example_env_file_with_a_real_looking_key_is_reported_whatever_its_purpose() {
    // Example files are judged non-production, where only provider tokens
    // and private keys count; a random key in one is the exception.
    let (rows, text) = json_rows(&common::root(), &["fixtures/secrets/env-example"], true);
    assert_eq!(
        rows,
        ["SE004 fixtures/secrets/env-example/.env.example:3:12"]
    );
    // Never printed.
    assert!(!text.contains("Vq3xT9mZp2Lr8Kw4Nd7Hs1Gy6Bf0Jc5A"), "{text}");
}

#[test]
fn json_values_are_whole_strings_under_their_key_and_terraform_references_are_not_secrets() {
    assert_eq!(
        rows("fixtures/secrets/json/settings.json"),
        ["SE004 2:15", "SE004 4:23"]
    );
    assert_eq!(rows("fixtures/secrets/json/main.tf"), ["SE004 3:22"]);
}

#[test]
fn generic_secrets_of_a_test_module_stay_masked_wherever_its_lines_are_shown() {
    // In a test module SE004 is not reported, so its generic secrets are
    // looked for only when something else shows the module's lines: an
    // unused suppression on the line, a provider token beside them.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let tests = dir.path().join("tests");
    std::fs::create_dir_all(&tests).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(
        tests.join("test_login.py"),
        concat!(
            "API_PASSWORD = \"hX9kQ2mZ7vL4pR8tW3nY6bJ1\"  # prodlint: ignore[SE004]\n",
            "OTHER_SECRET = \"Zq8Wv3Lm9Tn2Xb7Kc4Rp1Yd6\"\n",
            "GITHUB_TOKEN = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\"\n",
        ),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let out = assert_cmd::Command::cargo_bin("prodlint")
            .unwrap_or_else(|e| panic!("binary: {e}"))
            .current_dir(dir.path())
            .args([
                "check",
                "--no-config",
                "--select",
                "ALL",
                "--fail-on",
                "never",
            ])
            .args(["--format", format, "."])
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("SE001"), "{format}: {text}");
        for secret in [
            "hX9kQ2mZ7vL4pR8tW3nY6bJ1",
            "Zq8Wv3Lm9Tn2Xb7Kc4Rp1Yd6",
            "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5",
        ] {
            assert!(!text.contains(secret), "{format} shows {secret}: {text}");
        }
    }
}

#[test]
fn a_json_web_token_in_a_test_module_is_a_fixture_masked_but_not_reported() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let jwt = concat!(
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXN0b21lci00MiJ9",
        ".Qm9ndXNTaWduYXR1cmVGb3JUZXN0aW5nT25seQ"
    );
    for folder in ["tests", "app"] {
        let at = dir.path().join(folder);
        std::fs::create_dir_all(&at).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(
            at.join("tokens.py"),
            format!("TOKEN = \"{jwt}\"  # prodlint: ignore[SE004]\n"),
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
    }
    let (rows, text) = json_rows(dir.path(), &["--select", "ALL", "."], false);
    // The unused suppression in the test module shows its line.
    assert_eq!(
        rows,
        [
            "SE001 app/tokens.py:1",
            "PL002 app/tokens.py:1",
            "PL002 tests/tokens.py:1"
        ],
        "{text}"
    );
    assert!(!text.contains(jwt.get(8..).unwrap_or(jwt)), "{text}");
}

#[test]
fn a_made_up_key_in_a_test_module_is_a_fixture_a_random_one_is_a_key() {
    let made_up = "abcdefabcdef0123456789abcdefabcdef0123456789abcdefabcdef012345";
    let random = concat!(
        "UvImZaYMEtKJGF2VDuiBNgkWb2sRPReNbA/TkB/yOaGglfIPk5VlDPk4C47bIkpr",
        "JIoekk6P0K4uGpSSozBfGIy2EJAPnjR/rohtxlB3lex0XEw/yy6yxz4Uk0yGfuBX"
    );
    let key = |body: &str| {
        format!(
            "\"\"\"\n-----BEGIN RSA {} KEY-----\nProc-Type: 4,ENCRYPTED\n\n{body}\n-----END RSA {} KEY-----\n\"\"\"",
            "PRIVATE", "PRIVATE"
        )
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for folder in ["tests", "app"] {
        let at = dir.path().join(folder);
        std::fs::create_dir_all(&at).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(
            at.join("keys.py"),
            format!("MADE_UP = {}\nRANDOM = {}\n", key(made_up), key(random)),
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
    }
    let (rows, text) = json_rows(dir.path(), &["--select", "SE", "."], false);
    // In production code a header with material is a key whatever it
    // holds; in a test module only the random one is.
    assert_eq!(
        rows,
        [
            "SE002 app/keys.py:2",
            "SE002 app/keys.py:9",
            "SE002 tests/keys.py:9"
        ],
        "{text}"
    );
    assert!(!text.contains(random.get(4..).unwrap_or(random)), "{text}");
}
