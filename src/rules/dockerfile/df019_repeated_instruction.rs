use super::*;

declare_rule! {
    /// ## What it checks
    /// A stage has more than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK`. Only
    /// the last one takes effect; each earlier one is reported.
    ///
    /// ## Why it matters in production
    /// The image does not run what the reader of the first instruction
    /// thinks it runs. This is usually a leftover from debugging, or a
    /// merge that kept both sides.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["python", "-m", "app"]
    /// CMD ["gunicorn", "app.main:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["gunicorn", "app.main:app"]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Dockerfile `CMD`](https://docs.docker.com/reference/dockerfile/#cmd)
    pub struct RepeatedInstruction {
        code: "DF019",
        name: "repeated-instruction",
        severity: Error,
        fix: None,
        summary: "more than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
    }
}

impl Rule for RepeatedInstruction {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        for stage in &df.stages {
            for kw in [Keyword::Cmd, Keyword::Entrypoint, Keyword::Healthcheck] {
                let all: Vec<&Instruction> = df
                    .stage_instructions(stage)
                    .iter()
                    .filter(|i| i.keyword == kw)
                    .collect();
                let Some((last, earlier)) = all.split_last() else {
                    continue;
                };
                let last_line = cx.file.region(last.keyword_span).start.line;
                for i in earlier {
                    out.report(
                        &Self::META,
                        i.keyword_span,
                        format!(
                            "this {} has no effect: the {} on line {last_line} replaces it",
                            kw.as_str(),
                            kw.as_str()
                        ),
                    )
                    .related(last.keyword_span, "this one takes effect")
                    .help("keep one per stage");
                }
            }
        }
    }
}
