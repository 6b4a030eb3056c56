use super::*;

declare_rule! {
    /// ## What it checks
    /// A Python final image (built on a `python` or `pypy` image, or running
    /// python, gunicorn or uvicorn) without `ENV PYTHONUNBUFFERED=1` and not
    /// started with `python -u`. Command-line tool and desktop application
    /// images (see DF001; `ENTRYPOINT ["python"]` with no `CMD`, nothing
    /// exposed, no documented detached run and no deployment giving it a
    /// command is one, a prompt each run hands a script) are not reported: they write to a terminal or a pipe per run; nor base
    /// images (no `ENTRYPOINT`, a `CMD` that opens a bare interpreter or
    /// shell such as `CMD ["python3"]`, or none on an official language
    /// image such as `python` that nothing in the repository runs, whose
    /// prompt it inherits; nothing served): the app images
    /// built on them set their own environment. A base image built by a
    /// Dockerfile of the repository that sets the variable counts (images
    /// inherit `ENV`).
    ///
    /// ## Why it matters in production
    /// With a pipe as stdout, Python buffers output in 8 KB blocks: logs
    /// show up minutes late, out of order with stderr, and the last lines
    /// before a crash are lost, exactly the ones the on-call engineer needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "-m", "app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
    /// CMD ["python", "-m", "app"]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Python: PYTHONUNBUFFERED](https://docs.python.org/3/using/cmdline.html#envvar-PYTHONUNBUFFERED)
    pub struct PythonOutputBuffered {
        code: "DF028",
        name: "python-output-buffered",
        severity: Info,
        fix: None,
        summary: "a Python image without `PYTHONUNBUFFERED=1`",
    }
}

const PY_PROGRAMS: &[&str] = &[
    "python",
    "python3",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "fastapi",
    "celery",
    "daphne",
    "granian",
];

impl Rule for PythonOutputBuffered {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        let Some(root) = df.final_chain().first().copied() else {
            return;
        };
        // A command-line tool writes to a terminal or a pipe, per run; a
        // base image leaves buffering to the app images built on it.
        if matches!(
            image_role::role(cx),
            image_role::Role::Tool | image_role::Role::Base | image_role::Role::Desktop
        ) {
            return;
        }
        let base_is_python = matches!(root.image.short_name(), "python" | "pypy");
        let scripts: Vec<_> = process_instructions(df)
            .iter()
            .filter_map(|i| i.command())
            .flat_map(|c| process_scripts(c, cx.file))
            .collect();
        let runs_python = scripts.iter().flat_map(|s| &s.commands).any(|c| {
            let c = strip_exec(c);
            c.program()
                .is_some_and(|p| PY_PROGRAMS.contains(&p) || p.starts_with("python3."))
        });
        if !(base_is_python || runs_python) {
            return;
        }
        if df
            .final_env("PYTHONUNBUFFERED")
            .is_some_and(|(p, _)| p.value.as_deref().is_some_and(|v| !v.is_empty()))
        {
            return;
        }
        // A base image of the repository that sets it.
        if base_env(cx, "PYTHONUNBUFFERED").is_some_and(|v| !v.is_empty()) {
            return;
        }
        let unbuffered_flag = scripts.iter().flat_map(|s| &s.commands).any(|c| {
            let c = strip_exec(c);
            c.program().is_some_and(|p| p.starts_with("python"))
                && c.args().iter().any(|w| w.text == "-u")
        });
        if unbuffered_flag {
            return;
        }
        let Some(stage) = df.final_stage() else {
            return;
        };
        let from = &df.instructions[stage.from];
        out.report(
            &Self::META,
            from.keyword_span.cover(stage.image.span),
            "Python buffers stdout here: logs arrive late and the last ones are lost on a crash",
        )
        .help("add `ENV PYTHONUNBUFFERED=1`");
    }
}
