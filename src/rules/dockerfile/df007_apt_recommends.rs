use super::*;

declare_rule! {
    /// ## What it checks
    /// `apt-get install` (or `apt install`) in the final image without
    /// `--no-install-recommends`. An install whose every package the same
    /// `RUN` purges again with `--auto-remove` (or purges, then runs
    /// `apt-get autoremove`) is left alone: what it recommended goes with
    /// it.
    ///
    /// ## Why it matters in production
    /// Debian installs "recommended" packages by default: documentation,
    /// extra tools, sometimes a whole X11 stack. They bloat the image and
    /// add packages that vulnerability scanners report and no one uses.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y libpq5
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5
    /// ```
    ///
    /// ## Fix
    /// Safe: inserts `--no-install-recommends` after `install`.
    ///
    /// ## References
    /// - [Docker: apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct AptRecommendsInstalled {
        code: "DF007",
        name: "apt-recommends-installed",
        severity: Info,
        fix: Safe,
        summary: "`apt-get install` without `--no-install-recommends`",
    }
}

impl Rule for AptRecommendsInstalled {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in final_runs(cx.dockerfile) {
            let removals = Removals::of(run);
            for cmd in commands(run) {
                let Some(sub) = apt_subcommand(cmd, &["install"]) else {
                    continue;
                };
                let off = cmd.has_arg("--no-install-recommends")
                    || cmd.args().iter().any(|w| {
                        w.text.contains("Install-Recommends=false")
                            || w.text.contains("Install-Recommends=0")
                    });
                if off {
                    continue;
                }
                // Every package it installs is purged with `--auto-remove`
                // (or an `apt-get autoremove` follows) later in the RUN:
                // what it recommended leaves the layer with it.
                let mut pkgs = packages(cmd, sub).peekable();
                if pkgs.peek().is_some()
                    && pkgs.all(|p| removals.purges_with_its_own_after(&p.text, cmd.span.start))
                {
                    continue;
                }
                out.report(
                    &Self::META,
                    cmd.span_through(sub),
                    "`apt-get install` also installs recommended packages",
                )
                .help("add `--no-install-recommends`")
                .fix(
                    Applicability::Safe,
                    "insert `--no-install-recommends`",
                    vec![Edit::insert(sub.span.end, " --no-install-recommends")],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn offsets(text: &str) -> Vec<usize> {
        check_text(&AptRecommendsInstalled, text)
            .iter()
            .map(|f| f.span.start)
            .collect()
    }

    #[test]
    fn a_purge_takes_recommendations_only_with_an_auto_remove_after_it() {
        let install = "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl && curl -fsSLO https://example.com/a";
        let at = install.find("apt-get install").unwrap_or(0);
        assert!(
            offsets(&format!(
                "{install} && apt-get purge -y --auto-remove curl\n"
            ))
            .is_empty()
        );
        assert!(
            offsets(&format!(
                "{install} && apt-get purge -y curl && apt-get autoremove -y\n"
            ))
            .is_empty()
        );
        // An auto-remove before the purge finds curl's packages still needed.
        assert_eq!(
            offsets(&format!(
                "{install} && apt-get autoremove -y && apt-get purge -y curl\n"
            )),
            [at]
        );
        // A purge without an auto-remove leaves them.
        assert_eq!(
            offsets(&format!("{install} && apt-get purge -y curl\n")),
            [at]
        );
    }
}
