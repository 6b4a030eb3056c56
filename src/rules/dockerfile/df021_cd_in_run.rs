use super::*;

declare_rule! {
    /// ## What it checks
    /// `cd` into the same folder two or more times in the final stage (in
    /// several RUNs, or again and again in one), where one `WORKDIR` would
    /// do; one finding per RUN. A `cd` into a
    /// folder that the same RUN later deletes (build in a temporary folder,
    /// then clean up), a `cd` into `/tmp`, relative and computed folders,
    /// and a folder entered once are fine: there, `cd` keeps
    /// the later instructions in the folder they expect.
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
    /// ## Differences from hadolint
    /// DL3003 reports every `cd`; prodlint only the folders the final
    /// stage keeps returning to, where `WORKDIR` is the better tool.
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
        // Every lasting `cd`: (folder, where, as written, which RUN).
        let mut entered: Vec<(String, crate::source::Span, String, usize)> = Vec::new();
        for (r, run) in final_runs(cx.dockerfile).enumerate() {
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
                if !target.starts_with('/') || target.starts_with("/tmp") || dir.dynamic {
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
                    entered.push((target.to_string(), cmd.span, dir.text.clone(), r));
                }
            }
        }
        let mut counts: crate::hashing::FastMap<&str, usize> = crate::hashing::FastMap::default();
        for (t, _, _, _) in &entered {
            *counts.entry(t.as_str()).or_default() += 1;
        }
        let mut reported: crate::hashing::FastSet<(&str, usize)> = Default::default();
        for (target, span, shown, run) in &entered {
            let n = counts.get(target.as_str()).copied().unwrap_or(0);
            // One finding per RUN and folder.
            if n < 2 || !reported.insert((target.as_str(), *run)) {
                continue;
            }
            out.report(
                &Self::META,
                *span,
                format!(
                    "`cd {shown}` lasts for one RUN only, and the final stage enters it {n} times"
                ),
            )
            .help(format!(
                "use `WORKDIR {shown}` once, before the RUNs that need it"
            ));
        }
    }
}
