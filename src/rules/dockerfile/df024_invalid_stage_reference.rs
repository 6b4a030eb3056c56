use super::*;

declare_rule! {
    /// ## What it checks
    /// Stage references that cannot be what the author meant: `COPY
    /// --from=<name>` where no stage has that name but one has a name
    /// within two typos of it, or the name is a conventional stage name
    /// (`builder`, `build`, `base`, `deps`, `runtime`, …) that no stage
    /// carries (Docker would try to pull an image called `<name>`); a
    /// numeric `--from` that is not an earlier stage; a stage copying from
    /// itself; two stages with the same name. Image references
    /// (`--from=nginx:1.27`, `--from=ghcr.io/org/tool`) are left alone.
    ///
    /// ## Why it matters in production
    /// The build fails late (after pulling a non-existent image), or worse,
    /// succeeds by pulling a public image of that name and copying its
    /// files into yours.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// FROM python:3.12-slim
    /// COPY --from=bulider /wheels /wheels
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=builder /wheels /wheels
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct InvalidStageReference {
        code: "DF024",
        name: "invalid-stage-reference",
        severity: Error,
        fix: None,
        summary: "`COPY --from` names a stage that does not exist, or stage names repeat",
    }
}

/// Names that are stage names by convention: no image by these names is
/// what a `COPY --from` means.
const TYPICAL_STAGE_NAMES: &[&str] = &[
    "build",
    "builder",
    "base",
    "deps",
    "dependencies",
    "compile",
    "compiler",
    "wheels",
    "venv",
    "prod",
    "production",
    "dev",
    "development",
    "runtime",
    "final",
    "test",
    "assets",
    "frontend",
    "backend",
    "release",
];

fn close_to(a: &str, b: &str) -> bool {
    crate::config::suggestion(a, &[b]).contains(b)
}

impl Rule for InvalidStageReference {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        for (i, stage) in df.stages.iter().enumerate() {
            if let (Some(name), Some(span)) = (&stage.name, stage.name_span)
                && let Some(first) = df.stage_by_name(name).filter(|s| s.index < i)
            {
                let b = out.report(
                    &Self::META,
                    span,
                    format!("a stage named `{name}` already exists"),
                );
                if let Some(s) = first.name_span {
                    b.related(s, "first defined here");
                }
            }
        }
        for instr in &df.instructions {
            if instr.keyword != Keyword::Copy {
                continue;
            }
            let (Some(flag), Some(cur)) = (instr.flag("from"), instr.stage) else {
                continue;
            };
            let Some(value) = flag.value.as_deref() else {
                continue;
            };
            if value.contains('$') {
                continue;
            }
            let lower = value.to_ascii_lowercase();
            if let Ok(n) = lower.parse::<usize>() {
                if n >= cur {
                    out.report(
                        &Self::META,
                        flag.span,
                        format!(
                            "`--from={n}` does not name an earlier stage (this is stage {cur})"
                        ),
                    );
                }
                continue;
            }
            match df.stage_by_name(&lower).map(|s| s.index) {
                Some(idx) if idx == cur => {
                    out.report(
                        &Self::META,
                        flag.span,
                        format!("stage `{value}` copies from itself"),
                    );
                }
                Some(_) => {}
                None => {
                    let bare = !lower.contains(['/', ':', '@', '.']);
                    // Bounded: a hostile file with thousands of stages stays linear.
                    let near = df
                        .stages
                        .iter()
                        .take(256)
                        .filter_map(|s| s.name.as_deref())
                        .find(|n| close_to(&lower, n));
                    if !bare {
                        continue;
                    }
                    let message = format!(
                        "no stage is named `{value}`: Docker would pull an image of that name"
                    );
                    if let Some(n) = near {
                        out.report(&Self::META, flag.span, message)
                            .help(format!("did you mean `--from={n}`?"));
                    } else if TYPICAL_STAGE_NAMES.contains(&lower.as_str()) {
                        out.report(&Self::META, flag.span, message).help(format!(
                            "name a stage `{lower}` with `FROM <image> AS {lower}`"
                        ));
                    }
                }
            }
        }
    }
}
