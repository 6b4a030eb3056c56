use super::*;

declare_rule! {
    /// ## What it checks
    /// A shell-form RUN with a pipe, when neither the stage's `SHELL` nor
    /// the RUN itself sets `-o pipefail`. Windows shells are left alone.
    ///
    /// ## Why it matters in production
    /// A pipeline's status is its last command's: in `curl … | tar -x` a
    /// failed download still "succeeds" and the build ships an image with
    /// a missing or truncated file, found only at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt
    /// ```
    /// (on Alpine, `ash` supports `set -o pipefail` too).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [bash: pipelines](https://www.gnu.org/software/bash/manual/html_node/Pipelines.html)
    pub struct PipeWithoutPipefail {
        code: "DF026",
        name: "pipe-without-pipefail",
        severity: Info,
        fix: None,
        summary: "a RUN pipeline hides failures without `set -o pipefail`",
    }
}

fn sets_pipefail(cmd: &SimpleCommand) -> bool {
    cmd.program() == Some("set") && {
        let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
        args.windows(2)
            .any(|w| w[0].starts_with('-') && w[0].ends_with('o') && w[1] == "pipefail")
    }
}

/// A SHELL under which a failing pipeline fails the RUN: `-o pipefail`,
/// or a Windows shell (which has no such pipelines).
fn shell_fails_pipelines(s: &[Word]) -> bool {
    let prog = s
        .first()
        .map(|p| {
            p.text
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&p.text)
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let windows =
        prog.starts_with("cmd") || prog.starts_with("powershell") || prog.starts_with("pwsh");
    windows
        || s.windows(2)
            .any(|w| w[0].text == "-o" && w[1].text == "pipefail")
        || s.iter()
            .any(|a| a.text == "-eo" || a.text == "-euo" || a.text.contains("pipefail"))
}

impl Rule for PipeWithoutPipefail {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        // Whether the SHELL in effect at the end of each stage fails a
        // pipeline, in stage order: a stage's parent comes before it, so
        // each stage inherits its parent's answer instead of walking (and
        // copying the SHELL of) every stage above it.
        let mut shell_ok_at_end: Vec<bool> = Vec::with_capacity(df.stages.len());
        for stage in &df.stages {
            // The SHELL in effect, inherited from a parent stage.
            let mut shell_ok = stage
                .parent
                .filter(|&p| p < stage.index)
                .and_then(|p| shell_ok_at_end.get(p).copied())
                .unwrap_or(false);
            for instr in df.stage_instructions(stage) {
                if instr.keyword == Keyword::Shell {
                    shell_ok = shell_fails_pipelines(instr.words());
                    continue;
                }
                if instr.keyword != Keyword::Run {
                    continue;
                }
                if shell_ok {
                    continue;
                }
                let cmds = commands(instr);
                let mut pipefail = false;
                for c in cmds {
                    if sets_pipefail(c) {
                        pipefail = true;
                    }
                    // `echo … | sha256sum -c -`: the left side cannot fail in a way that matters.
                    let harmless = matches!(c.program(), Some("echo" | "printf" | "yes"));
                    if c.next == Some(Connector::Pipe) && !pipefail && !harmless {
                        out.report(&Self::META, c.span, "this pipeline fails only if its last command fails")
                            .help("add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start it with `set -o pipefail &&`");
                        break;
                    }
                }
            }
            shell_ok_at_end.push(shell_ok);
        }
    }
}
