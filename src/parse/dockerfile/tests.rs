use super::*;

fn kinds(d: &Dockerfile) -> Vec<&'static str> {
    d.instructions.iter().map(|i| i.keyword.as_str()).collect()
}

#[test]
fn stages_and_ancestry() {
    let d = parse(
        "ARG PY=3.12\nFROM python:${PY}-slim AS base\nENV A=1\nFROM base AS build\nRUN x\nFROM python:3.12-slim\nCOPY --from=build /a /a\nFROM base\nUSER app\n",
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.stages.len(), 4);
    assert_eq!(d.stages[0].image.text, "python:3.12-slim");
    assert_eq!(d.stages[0].image.tag.as_deref(), Some("3.12-slim"));
    assert_eq!(d.stages[1].parent, Some(0));
    let chain: Vec<usize> = d.final_chain().iter().map(|s| s.index).collect();
    assert_eq!(chain, vec![0, 3]);
    assert_eq!(
        d.final_last(Keyword::User)
            .map(|u| u.words()[0].text.as_str()),
        Some("app")
    );
    assert_eq!(
        d.final_env("A").and_then(|(p, _)| p.value.as_deref()),
        Some("1")
    );
}

#[test]
fn a_dev_environments_stage_stands_for_the_stage_it_is_built_on() {
    let d = parse(
        "FROM python:3.12-alpine AS builder\nCMD [\"gunicorn\", \"app:app\"]\nFROM builder AS dev-envs\nRUN apk add git\n",
    );
    assert_eq!(d.final_stage().map(|s| s.index), Some(0));
    let chain: Vec<usize> = d.final_chain().iter().map(|s| s.index).collect();
    assert_eq!(chain, vec![0]);
    // Any other last stage is the image.
    let d = parse("FROM python:3.12-alpine AS builder\nFROM builder AS runtime\nRUN true\n");
    assert_eq!(d.final_stage().map(|s| s.index), Some(1));
}

#[test]
fn args_and_env_are_substituted_where_docker_does() {
    let d = parse(
        "FROM alpine\nARG U=app\nENV HOME=/home/$U B=\"x y\" C=\\$U\nUSER ${U}\nRUN echo $U\n",
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let env = d.instructions[2].pairs();
    assert_eq!(env[0].value.as_deref(), Some("/home/app"));
    assert_eq!(env[1].value.as_deref(), Some("x y"));
    assert_eq!(env[2].value.as_deref(), Some("$U"));
    assert_eq!(d.instructions[3].words()[0].text, "app");
    let run = d.instructions[4]
        .script()
        .map(|s| s.commands[0].argv[1].text.clone());
    assert_eq!(run.as_deref(), Some("$U"));
}

#[test]
fn legacy_env_form_takes_the_rest_of_the_line() {
    let d = parse("FROM alpine\nENV PATH /usr/local/bin:$PATH\nENV MSG hello world\n");
    assert_eq!(
        d.instructions[2].pairs()[0].value.as_deref(),
        Some("hello world")
    );
}

#[test]
fn exec_form_with_fallback_to_shell() {
    let d = parse("FROM a\nCMD [\"gunicorn\", \"app:app\"]\nCMD ['single', 'quotes']\n");
    assert!(
        matches!(d.instructions[1].command(), Some(Command::Exec { argv, .. }) if argv.len() == 2)
    );
    assert!(d.instructions[2].command().is_some_and(Command::is_shell));
}

#[test]
fn flags_and_unknown_flags() {
    let d = parse(
        "FROM a\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\nCOPY --frm=a b c\n",
    );
    assert_eq!(
        d.instructions[1].cache_mount_targets(),
        vec!["/root/.cache/pip"]
    );
    assert_eq!(d.errors.len(), 1);
    assert!(d.errors[0].message.contains("--frm"));
}

#[test]
fn heredoc_runs_its_body_as_the_script() {
    let text = "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER x\n";
    let d = parse(text);
    assert_eq!(kinds(&d), vec!["FROM", "RUN", "USER"]);
    let script = d.instructions[1].script().cloned().unwrap_or_default();
    assert_eq!(script.commands.len(), 2);
    let w = &script.commands[1].argv[1];
    assert_eq!(&text[w.span.start..w.span.end], "install");
}

#[test]
fn recovery_after_bad_instructions() {
    let d = parse("FROM a\nFROBNICATE x\nWORKDIR\nRUN ok\nHEALTHCHECK maybe\n");
    assert_eq!(kinds(&d), vec!["FROM", "RUN"]);
    assert_eq!(d.errors.len(), 3);
    assert_eq!(d.errors[0].span, crate::source::Span::new(7, 17));
}

#[test]
fn onbuild_and_healthcheck() {
    let d = parse(
        "FROM a\nONBUILD RUN make\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK NONE\nONBUILD ONBUILD RUN x\n",
    );
    assert!(matches!(&d.instructions[1].args, Args::Onbuild(i) if i.keyword == Keyword::Run));
    assert!(d.instructions[2].command().is_some());
    assert!(matches!(d.instructions[3].args, Args::Healthcheck(None)));
    assert_eq!(d.errors.len(), 1);
}

#[test]
fn instruction_before_from_is_an_error() {
    let d = parse("RUN x\nFROM a\n");
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.stages.len(), 1);
}

#[test]
fn unresolved_base_image() {
    let d = parse("ARG BASE\nFROM $BASE\n");
    assert!(d.stages[0].image.unresolved);
}

#[test]
fn registry_port_is_not_a_tag() {
    let i = ImageRef::parse("localhost:5000/app", crate::source::Span::default(), false);
    assert_eq!(i.name, "localhost:5000/app");
    assert_eq!(i.tag, None);
    let i = ImageRef::parse(
        "docker.io/library/python:3.12@sha256:abc",
        crate::source::Span::default(),
        false,
    );
    assert_eq!(i.short_name(), "python");
    assert_eq!(i.tag.as_deref(), Some("3.12"));
    assert_eq!(i.digest.as_deref(), Some("sha256:abc"));
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}FROM alpine\r\nRUN apk add \\\r\n    curl\r\nUSER app\r\n";
    let d = parse(text);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(kinds(&d), vec!["FROM", "RUN", "USER"]);
    let curl = d.instructions[1]
        .script()
        .map(|s| s.commands[0].argv[2].span);
    assert_eq!(curl.map(|s| &text[s.start..s.end]), Some("curl"));
    assert_eq!(d.instructions[2].words()[0].text, "app");
}

#[test]
fn backtick_escape_keeps_windows_paths() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\nCOPY app.ps1 C:\\app\\\nRUN powershell -Command `\n    Write-Host hi\n";
    let d = parse(text);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.instructions[1].words()[0].text, "C:\\app");
    assert_eq!(d.instructions[2].words()[1].text, "C:\\app\\");
    assert_eq!(kinds(&d), vec!["FROM", "WORKDIR", "COPY", "RUN"]);
}

#[test]
fn duplicate_and_unknown_directives() {
    let d =
        parse("# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1.7\n# foo=bar\nFROM a\n");
    assert_eq!(d.directives.len(), 2);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.comments.len(), 1);
}

#[test]
fn label_and_arg_forms() {
    let d = parse("ARG A B=2\nFROM a\nARG A\nLABEL \"org.example.name\"=\"My App\" version=1.0\n");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let labels = d.instructions[3].pairs();
    assert_eq!(labels[0].key, "org.example.name");
    assert_eq!(labels[0].value.as_deref(), Some("My App"));
    assert_eq!(d.instructions[2].pairs()[0].value, None);
}

#[test]
fn empty_file_and_only_comments() {
    assert_eq!(parse("").errors.len(), 1);
    assert_eq!(parse("# just a comment\n\n").errors.len(), 1);
}

#[test]
fn an_entrypoint_of_a_later_stage_clears_the_cmd_it_inherits() {
    let text = "FROM python:3.12 AS base\nCMD [\"flask\", \"run\"]\nFROM base AS worker\nENTRYPOINT [\"python\", \"-m\", \"worker\"]\nFROM base AS web\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"gunicorn\", \"app:app\"]\n";
    let df = parse(text);
    let cmd = |t: Option<&str>| {
        df.target_last(t, Keyword::Cmd)
            .and_then(|i| text.get(i.span.start..i.span.end))
    };
    // The worker stage sets an ENTRYPOINT and no CMD: it keeps none.
    assert_eq!(cmd(Some("worker")), None);
    // A stage's own CMD stays; the stage that set it keeps it.
    assert_eq!(cmd(Some("web")), Some("CMD [\"gunicorn\", \"app:app\"]"));
    assert_eq!(cmd(Some("base")), Some("CMD [\"flask\", \"run\"]"));
    assert_eq!(cmd(None), cmd(Some("web")));
    // Within one stage the order of CMD and ENTRYPOINT does not matter.
    let one = parse("FROM a\nCMD [\"x\"]\nENTRYPOINT [\"y\"]\n");
    assert!(one.final_last(Keyword::Cmd).is_some());
}
