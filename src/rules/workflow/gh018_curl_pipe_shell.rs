use super::*;

declare_rule! {
    /// ## What it checks
    /// A `run:` script that pipes a download straight into an interpreter:
    /// `curl … | sh`, `wget -O- … | bash`, `curl … | python3`.
    ///
    /// ## Why it matters in production
    /// Whatever the server returns runs in the job, with its token and
    /// secrets: a compromised install script, or a truncated download that
    /// runs half a command, becomes part of your build.
    ///
    /// ## Example
    /// ```yaml
    /// - run: curl -sSL https://install.example.com | sh
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: |
    ///     curl -fsSLo install.sh https://install.example.com
    ///     echo "<sha256>  install.sh" | sha256sum -c -
    ///     sh install.sh
    /// ```
    /// or a pinned action that installs the tool.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [OWASP: software and data integrity failures](https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/)
    pub struct CurlPipeShell {
        code: "GH018",
        name: "curl-pipe-shell",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.0",
        fix: None,
        summary: "a downloaded script is piped into a shell",
    }
}

impl Rule for CurlPipeShell {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for step in cx.steps() {
            let (Some(run), Some(script)) = (step.run, run_script(step)) else {
                continue;
            };
            for (download, _, interp) in script.piped_downloads() {
                let prog = download.program().unwrap_or("curl");
                let start = source_offset(cx.file, run, download.span.start);
                let span = crate::source::Span::new(
                    start,
                    (start + prog.len()).min(run.span.end).max(start),
                );
                out.report(
                    &Self::META,
                    span,
                    format!(
                        "this script pipes `{prog}` output into `{interp}` without verifying it"
                    ),
                )
                .help("download to a file and check its SHA-256 before running it");
            }
        }
    }
}
