use super::*;

declare_rule! {
    /// ## What it checks
    /// Blanks around `=`: `KEY = value`.
    ///
    /// ## Why it matters in production
    /// Shells (`source .env`), `docker run --env-file` and several loaders
    /// read `KEY ` (with a space) as the name or the value as ` value`: the
    /// variable is missing or wrong in production while it works locally.
    ///
    /// ## Example
    /// ```shell
    /// DEBUG = false
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DEBUG=false
    /// ```
    ///
    /// ## Fix
    /// Safe: removes the blanks.
    ///
    /// ## References
    /// - [Docker: `--env-file` format](https://docs.docker.com/reference/cli/docker/container/run/#env)
    pub struct SpaceAroundEquals {
        code: "EN004",
        name: "space-around-equals",
        severity: Error,
        fix: Safe,
        summary: "blanks around `=` break many loaders",
    }
}

impl Rule for SpaceAroundEquals {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for e in &cx.env.entries {
            let spans: Vec<_> = [e.space_before_eq, e.space_after_eq]
                .into_iter()
                .flatten()
                .collect();
            let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
                continue;
            };
            out.report(
                &Self::META,
                first.cover(*last),
                format!("blanks around `=` in `{}`", e.key),
            )
            .help("write `KEY=value`")
            .fix(
                Applicability::Safe,
                "remove the blanks",
                spans.iter().map(|s| Edit::replace(*s, "")).collect(),
            );
        }
    }
}
