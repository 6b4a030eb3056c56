use super::*;

declare_rule! {
    /// ## What it checks
    /// `apt-get install` (or `apt install`) in the final image without
    /// `-y`, `--yes`, `--assume-yes` or `-qq`, and not fed by `yes |`.
    ///
    /// ## Why it matters in production
    /// Without a terminal, apt asks "Do you want to continue?" and reads
    /// end-of-file: the install aborts and the build fails, or hangs in an
    /// interactive build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Safe: inserts `-y` after `install`.
    ///
    /// ## References
    /// - [apt-get(8)](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    pub struct AptWithoutYes {
        code: "DF010",
        name: "apt-without-yes",
        severity: Error,
        fix: Safe,
        summary: "`apt-get install` without `-y` fails or hangs in a build",
    }
}

impl Rule for AptWithoutYes {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in final_runs(cx.dockerfile) {
            let cmds = commands(run);
            for (i, cmd) in cmds.iter().enumerate() {
                let Some(sub) = apt_subcommand(cmd, &["install"]) else {
                    continue;
                };
                let yes = has_flag(cmd, &['y'], &["yes", "assume-yes"])
                    || cmd.args().iter().any(|w| {
                        w.text == "-qq"
                            || w.text == "--quiet=2"
                            || w.text == "-q=2"
                            || w.text.contains("Assume-Yes=true")
                    });
                let piped_yes = i > 0
                    && cmds[i - 1].next == Some(Connector::Pipe)
                    && cmds[i - 1].program() == Some("yes");
                if yes || piped_yes {
                    continue;
                }
                out.report(
                    &Self::META,
                    cmd.span_through(sub),
                    "`apt-get install` without `-y` waits for an answer that never comes",
                )
                .help("add `-y`")
                .fix(
                    Applicability::Safe,
                    "insert `-y`",
                    vec![Edit::insert(sub.span.end, " -y")],
                );
            }
        }
    }
}
