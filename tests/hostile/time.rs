//! Inputs that cost quadratic time or exponential memory before their
//! causes were fixed: each is built here and run through the real binary
//! with a watchdog. A hang fails the test; no duration is asserted, the
//! watchdog is far above the normal run time. The expansion cases also run
//! under an address-space cap, so an allocation spree aborts the child
//! (a signal) instead of the machine.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of these inputs takes: the test catches a hang,
/// it does not time anything.
const WATCHDOG: Duration = Duration::from_secs(60);

/// About 2 GB of address space (`ulimit -v` counts KiB).
const ADDRESS_SPACE_KIB: u64 = 2_000_000;

struct Outcome {
    /// `None` when the child died of a signal.
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// Exit code 0 or 1: never a signal (a crash or the memory cap), never
    /// 2 (an internal error).
    fn assert_finished(&self, what: &str) {
        assert!(
            matches!(self.code, Some(0 | 1)),
            "{what}: exit {:?}\nstderr:\n{}",
            self.code,
            tail(&self.stderr)
        );
    }

    /// Rule codes of a `--format json` report.
    fn codes(&self, what: &str) -> Vec<String> {
        let report: serde_json::Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{what}: the JSON report does not parse: {e}"));
        report["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|f| f["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A finished run whose JSON report has `code` and no internal error.
    fn assert_reports(&self, what: &str, code: &str) {
        self.assert_finished(what);
        let codes = self.codes(what);
        assert!(
            !codes.iter().any(|c| c == "PL004"),
            "{what}: an internal error: {codes:?}"
        );
        assert!(
            codes.iter().any(|c| c == code),
            "{what}: no {code} in {codes:?}"
        );
    }
}

fn tail(s: &str) -> &str {
    let from = s.len().saturating_sub(2000);
    s.get(from..).unwrap_or(s)
}

/// Writes `files` (relative paths) into a fresh folder and runs
/// `prodlint check <args> .` there, killed at the watchdog. With
/// `cap_memory`, the child runs under `ulimit -v`.
fn run(files: &[(&str, &str)], args: &[&str], cap_memory: bool) -> Outcome {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
    run_in(dir.path(), args, cap_memory)
}

fn run_in(dir: &Path, args: &[&str], cap_memory: bool) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_prodlint");
    // The output goes to files outside the linted folder: a pipe nobody
    // reads while we poll would fill and stall the child.
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (stdout_path, stderr_path) = (out.path().join("stdout"), out.path().join("stderr"));
    let file = |p: &Path| std::fs::File::create(p).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = if cap_memory {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -v {ADDRESS_SPACE_KIB}; exec \"$0\" \"$@\""))
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("check")
        .args(args)
        .arg(".")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(file(&stdout_path))
        .stderr(file(&stderr_path));
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {bin}: {e}"));
    let deadline = Instant::now() + WATCHDOG;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("prodlint {args:?} still ran after {WATCHDOG:?}: killed");
            }
            Err(e) => panic!("waiting for prodlint: {e}"),
        }
    };
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    Outcome {
        code: status.code(),
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
    }
}

/// A JSON report of the given rules, and of prodlint's own (PL003, PL004).
fn json(select: &str) -> Vec<String> {
    ["--format", "json", "--fail-on", "never", "--select"]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("{select},PL")])
        .collect()
}

fn run_json(files: &[(&str, &str)], select: &str, cap_memory: bool) -> Outcome {
    let args = json(select);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(files, &args, cap_memory)
}

#[test]
fn a_line_of_slack_prefixes_is_read_once() {
    // 98 KB of `xoxb-a` in an env file: the token regex used to run from
    // every prefix to the end of the line.
    let env = format!("A={}\n", "xoxb-a".repeat(16_400));
    let r = run_json(&[(".env", &env)], "SE", false);
    r.assert_reports("xoxb- in .env", "SE001");
    // 160 KB of bare prefixes in a text file.
    let text = format!("{}\n", "xoxb-".repeat(32_000));
    let r = run_json(&[("notes.json", &text)], "SE", false);
    r.assert_finished("xoxb- in a text file");
}

#[test]
fn a_line_of_jwt_prefixes_is_read_once() {
    // 128 KB of `eyJa`, then a token's tail: one JSON Web Token, found.
    let line = format!(
        "{}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n",
        "eyJa".repeat(32_000)
    );
    let r = run_json(&[("token.sh", &line)], "SE", false);
    r.assert_reports("eyJa…", "SE001");
    // 1.5 MB of `eyJ` with no token in it.
    let bare = format!("{}\n", "eyJ".repeat(500_000));
    let r = run_json(&[("token.sh", &bare)], "SE", false);
    r.assert_finished("eyJ…");
}

#[test]
fn private_key_headers_without_end_lines() {
    // 3.4 MB of headers, each with a line of material, and no END: each
    // header used to search the rest of the file for one.
    let pem =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq0Zx7Hd9JkLmNoPqRsTuVwXyZ0123456789\n"
            .repeat(40_000);
    let r = run_json(&[("keys.pem", &pem)], "SE", false);
    r.assert_reports("headers without END", "SE002");
}

#[test]
fn a_key_without_end_line_is_masked_to_the_end_of_the_file() {
    let material: Vec<String> = (0..6)
        .map(|i| format!("MIIEowIBAAKCAQEAq{i}Zx7Hd9JkLmNoPqRsTuVwXyZ0123456789abcd{i}"))
        .collect();
    let text = format!(
        "DEBUG=1\nKEY=\"-----BEGIN RSA PRIVATE KEY-----\n{}\n",
        material.join("\n")
    );
    let files = [(".env", text.as_str())];
    let r = run_json(&files, "SE", false);
    r.assert_reports("key without END", "SE002");
    let human = run(&files, &["--fail-on", "never", "--select", "SE,PL"], false);
    human.assert_finished("key without END, human");
    assert!(human.stdout.contains("SE002"), "{}", human.stdout);
    for out in [&r.stdout, &human.stdout] {
        for line in &material {
            // Four characters of a masked span may show: look for the rest.
            let secret = line.get(4..).unwrap_or(line);
            assert!(!out.contains(secret), "key material shown:\n{out}");
        }
    }
}

/// A workflow of `jobs` jobs, each needing the one before and the first
/// needing the last (a cycle through all of them); the last pushes an image.
fn chained_workflow(jobs: usize) -> String {
    let mut w = String::from("name: ci\non: push\npermissions: {}\njobs:\n");
    for i in 0..jobs {
        let need = if i == 0 { jobs - 1 } else { i - 1 };
        w.push_str(&format!(
            "  j{i}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    needs: j{need}\n    steps:\n      - run: echo {i}\n"
        ));
    }
    w.push_str("      - run: docker push ghcr.io/acme/app:1\n");
    w
}

#[test]
fn a_long_chain_of_job_needs() {
    // Each job used to walk its ancestors: 2,000 jobs, then 4,000.
    for jobs in [2_000, 4_000] {
        let w = chained_workflow(jobs);
        let files = [(".github/workflows/ci.yml", w.as_str())];
        let r = run_json(&files, "GH016,GH019", false);
        r.assert_reports("needs chain", "GH019");
        r.assert_reports("needs chain", "GH016");
    }
}

#[test]
fn an_env_file_and_its_template_with_disjoint_keys() {
    // 40k keys each, none shared: EN026 compared every pair.
    let env: String = (0..40_000).map(|i| format!("APP_{i}=1\n")).collect();
    let example: String = (0..40_000).map(|i| format!("DOC_{i}=\n")).collect();
    let r = run_json(
        &[(".env", &env), (".env.example", &example)],
        "EN026",
        false,
    );
    r.assert_reports("disjoint env keys", "EN026");
}

#[test]
fn ten_thousand_chained_dockerfile_stages() {
    // Each stage built FROM and copying from the one before, with a pipe
    // for DF026: stages used to be found by scanning all of them, and
    // DF026 walked every ancestor of every stage.
    let mut df = String::from("FROM alpine:3.20 AS s0\nSHELL [\"/bin/sh\", \"-c\"]\n");
    for i in 1..10_000 {
        df.push_str(&format!(
            "FROM s{p} AS s{i}\nCOPY --from=s{p} /a /a\nRUN a | b\n",
            p = i - 1
        ));
    }
    let r = run_json(&[("Dockerfile", &df)], "DF024,DF026", false);
    r.assert_reports("chained stages", "DF026");
}

#[test]
fn a_gunicorn_config_of_many_assignments() {
    // 40k names, each counted by a scan of the whole file.
    let mut conf: String = (0..40_000).map(|i| format!("v{i} = {i}\n")).collect();
    conf.push_str("timout = 30\n");
    let r = run_json(&[("gunicorn.conf.py", &conf)], "PM", false);
    r.assert_reports("many assignments", "PM013");
}

#[test]
fn a_self_doubling_dockerfile_variable_is_capped() {
    // 30 doublings from 16 bytes: 16 GiB if followed to the end.
    let mut df = String::from("FROM alpine:3.20\nENV A=0123456789abcdef\n");
    df.push_str(&"ENV A=${A}${A}\n".repeat(30));
    df.push_str("WORKDIR /srv/$A\nRUN echo \"$A\"\n");
    let r = run_json(&[("Dockerfile", &df)], "DF", true);
    r.assert_reports("ENV doubling", "PL003");
    assert!(r.stdout.contains("not substituted"), "{}", r.stdout);
}

#[test]
fn a_self_doubling_gunicorn_value_is_capped() {
    for step in ["a = a + a", "a += a", "a = [a, a]"] {
        let mut conf = String::from("a = '0123456789abcdef'\n");
        conf.push_str(&format!("{step}\n").repeat(40));
        conf.push_str("workers = len(a)\n");
        let r = run_json(&[("gunicorn.conf.py", &conf)], "PM", true);
        r.assert_reports(step, "PL003");
        assert!(r.stdout.contains("not evaluated"), "{}", r.stdout);
    }
}

/// Fourteen routers, each including the next four times, under a served
/// app: a walk that follows every inclusion is 4^14 visits. The route
/// walk is bounded (and memoised per router), so the run ends and the app
/// is still judged.
#[test]
fn routers_included_many_times_at_every_level_do_not_explode() {
    let mut routers = String::from("from fastapi import APIRouter\n");
    for i in 0..14 {
        routers.push_str(&format!("r{i} = APIRouter(prefix=\"/p{i}\")\n"));
    }
    for i in 0..13 {
        for _ in 0..4 {
            routers.push_str(&format!("r{i}.include_router(r{})\n", i + 1));
        }
    }
    routers.push_str("@r13.get(\"/health\")\ndef health(): ...\n");
    let main = "from fastapi import FastAPI\nfrom routers import r0\n\
                app = FastAPI()\napp.include_router(r0)\n\
                if __name__ == \"__main__\":\n    import uvicorn\n    uvicorn.run(app)\n";
    let out = run_json(
        &[("routers.py", &routers), ("main.py", main)],
        "PY015",
        true,
    );
    // The liveness route is found under the fourteen prefixes; no readiness.
    out.assert_reports("routers included many times", "PY015");
}
