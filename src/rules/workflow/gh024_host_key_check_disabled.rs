use super::*;

declare_rule! {
    /// ## What it checks
    /// A workflow script that turns off SSH host key checking:
    /// `StrictHostKeyChecking=no` (or `off`, or `accept-new`, which on a
    /// fresh runner accepts whatever answers first) and
    /// `UserKnownHostsFile=/dev/null`, as `-o` options or written into an
    /// SSH config.
    ///
    /// ## Why it matters in production
    /// Deploy steps connect to your servers with a private key and often
    /// push code or run commands there. Without a known host key, whoever
    /// answers for that name — a hijacked DNS record, a network in the
    /// middle — receives the deploy, and sometimes the credentials forwarded
    /// with it. The host key is public: pin it.
    ///
    /// ## Example
    /// ```yaml
    /// - run: ssh -o StrictHostKeyChecking=no deploy@app.example.com ./release.sh
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: |
    ///     echo "$KNOWN_HOSTS" >> ~/.ssh/known_hosts
    ///     ssh deploy@app.example.com ./release.sh
    ///   env:
    ///     KNOWN_HOSTS: ${{ vars.DEPLOY_KNOWN_HOSTS }}
    /// ```
    /// (record the line once with `ssh-keyscan` from a trusted network).
    ///
    /// ## Fix
    /// None: the host key has to come from you.
    ///
    /// ## Differences from zizmor and actionlint
    /// Neither looks at SSH options in scripts.
    ///
    /// ## References
    /// - [OpenSSH: `ssh_config`, StrictHostKeyChecking](https://man.openbsd.org/ssh_config#StrictHostKeyChecking)
    pub struct HostKeyCheckDisabled {
        code: "GH024",
        name: "host-key-check-disabled",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.0",
        fix: None,
        summary: "an SSH step accepts any host key",
    }
}

/// The settings that accept any host, lower-cased, with `=` or a space
/// between name and value.
const OPEN: &[(&str, &[&str])] = &[
    ("stricthostkeychecking", &["no", "off", "accept-new"]),
    ("userknownhostsfile", &["/dev/null"]),
];

/// Where a line of a script turns host key checking off: the byte range of
/// `Name=value` within the line.
fn open_setting(line: &str) -> Option<(usize, usize)> {
    let lower = line.to_ascii_lowercase();
    for (name, values) in OPEN {
        let mut from = 0;
        while let Some(at) = lower.get(from..).and_then(|l| l.find(name)) {
            let start = from + at;
            let rest = &lower[start + name.len()..];
            let trimmed = rest.trim_start_matches([' ', '=', '\t']);
            let gap = rest.len() - trimmed.len();
            let value: String = trimmed
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ';'))
                .collect();
            if gap > 0 && values.contains(&value.as_str()) {
                return Some((start, start + name.len() + gap + value.len()));
            }
            from = start + name.len();
        }
    }
    None
}

impl Rule for HostKeyCheckDisabled {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for step in cx.steps() {
            let Some(run) = step.run else { continue };
            let Some(text) = run.as_str() else { continue };
            // Most scripts name neither setting: one look at the whole
            // script before the line by line one.
            let lower = text.to_ascii_lowercase();
            if !OPEN.iter().any(|(name, _)| lower.contains(name)) {
                continue;
            }
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                if let Some((a, b)) = open_setting(line) {
                    let start = source_offset(cx.file, run, offset + a);
                    let end = source_offset(cx.file, run, offset + b).max(start);
                    out.report(
                        &Self::META,
                        crate::source::Span::new(start, end),
                        "SSH here accepts whatever host answers: the deploy and its key go to anyone who can stand in for the server",
                    )
                    .help("pin the server's host key in `~/.ssh/known_hosts` (from a variable) and keep checking on");
                }
                offset += line.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::open_setting;

    #[test]
    fn forms() {
        assert_eq!(
            open_setting("ssh -o StrictHostKeyChecking=no h"),
            Some((7, 31))
        );
        assert!(open_setting("  StrictHostKeyChecking no").is_some());
        assert!(open_setting("-o UserKnownHostsFile=/dev/null").is_some());
        assert!(open_setting("-o StrictHostKeyChecking=yes").is_none());
        assert!(open_setting("StrictHostKeyChecking=accept-new").is_some());
        assert!(open_setting("# StrictHostKeyChecking").is_none());
    }
}
