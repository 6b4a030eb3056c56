use super::*;

declare_rule! {
    /// ## What it checks
    /// `cd` in a RUN where `WORKDIR` would do. A `cd` into a folder that
    /// the same RUN later deletes (build in a temporary folder, then clean
    /// up) and a `cd` into `/tmp` are fine.
    ///
    /// ## Why it matters in production
    /// A `cd` lasts for one RUN only; the next instruction starts back in
    /// the WORKDIR. Files are then copied to and run from the wrong place,
    /// which surfaces at run time, not at build time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /app && pip install --no-cache-dir -e .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN pip install --no-cache-dir -e .
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: WORKDIR best practices](https://docs.docker.com/build/building/best-practices/#workdir)
    pub struct CdInRun {
        code: "DF021",
        name: "cd-in-run",
        severity: Info,
        fix: None,
        summary: "`cd` in RUN where WORKDIR would do",
    }
}

impl Rule for CdInRun {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in all_runs(cx.dockerfile) {
            let cmds = commands(run);
            // Indices of the `rm` commands, to look only at those after each `cd`.
            let rms: Vec<usize> = (0..cmds.len())
                .filter(|i| cmds[*i].program() == Some("rm"))
                .collect();
            for (i, cmd) in cmds.iter().enumerate() {
                if cmd.program() != Some("cd") {
                    continue;
                }
                let Some(dir) = cmd.args().first() else {
                    continue;
                };
                let target = dir.text.trim_end_matches('/');
                if target.is_empty()
                    || target == "-"
                    || target == ".."
                    || target.starts_with("/tmp")
                    || dir.dynamic
                {
                    continue;
                }
                let leaf = target.rsplit('/').next().unwrap_or(target);
                let after = rms.partition_point(|r| *r <= i);
                // Bounded, so that a hostile RUN of thousands of `cd`s and `rm`s stays linear.
                let cleaned = rms[after..].iter().take(64).any(|r| {
                    cmds[*r]
                        .args()
                        .iter()
                        .any(|w| !w.text.starts_with('-') && w.text.contains(leaf))
                });
                if !cleaned {
                    out.report(
                        &Self::META,
                        cmd.span,
                        format!("`cd {}` lasts for this RUN only", dir.text),
                    )
                    .help(format!("use `WORKDIR {}` before the RUN", dir.text));
                }
            }
        }
    }
}
