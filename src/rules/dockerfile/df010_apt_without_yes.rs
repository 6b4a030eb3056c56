use super::*;

declare_rule! {
    /// ## What it checks
    /// `apt-get install` (or `apt install`) in the final image without
    /// `-y`, `--yes`, `--assume-yes`, and not fed by `yes |`. Quiet level 2
    /// implies `-y` (apt-get(8): "-qq … implies -y"), however it is
    /// spelled: `-qq`, `-q -q`, `-yqq`, `--quiet --quiet`, `--quiet=2`,
    /// `-q=2`. Not reported for `apt-get -f install` (or
    /// `--fix-broken`) naming no package right after `dpkg -i … &&`: it runs
    /// only when dpkg succeeded, and then there is nothing to fix or ask.
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
                    || quiet_level(cmd) >= 2
                    || cmd
                        .args()
                        .iter()
                        .any(|w| w.text.contains("Assume-Yes=true"));
                let piped_yes = i > 0
                    && cmds[i - 1].next == Some(Connector::Pipe)
                    && cmds[i - 1].program() == Some("yes");
                // `dpkg -i x.deb && apt-get -f install`: it runs only once
                // dpkg succeeded, with nothing left to fix or ask.
                let nothing_to_ask = i > 0
                    && cmds[i - 1].next == Some(Connector::And)
                    && cmds[i - 1].program() == Some("dpkg")
                    && has_flag(&cmds[i - 1], &['i'], &["install"])
                    && has_flag(cmd, &['f'], &["fix-broken"])
                    && cmd
                        .args()
                        .iter()
                        .all(|w| w.text.starts_with('-') || w.span == sub.span);
                if yes || piped_yes || nothing_to_ask {
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

/// apt's quiet level: each `q` of a short-option cluster and each
/// `--quiet` adds one; `-q=N` and `--quiet=N` set it.
fn quiet_level(cmd: &crate::parse::shell::SimpleCommand) -> usize {
    let mut level = 0;
    for w in cmd.args() {
        let t = w.text.as_str();
        if let Some(n) = t.strip_prefix("--quiet=").or_else(|| t.strip_prefix("-q=")) {
            level = n.parse().unwrap_or(level);
        } else if t == "--quiet" {
            level += 1;
        } else if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            // Only a cluster of letters (not `-o=…`'s value).
            if cluster.chars().all(|c| c.is_ascii_alphabetic()) {
                level += cluster.chars().filter(|c| *c == 'q').count();
            }
        }
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(line: &str) -> usize {
        let map = crate::parse::offsets::OffsetMap::contiguous(0, line.len());
        let script = crate::parse::shell::parse(line, &map);
        script.commands.first().map_or(0, quiet_level)
    }

    #[test]
    fn every_spelling_of_quiet_level_two_is_counted() {
        for l in [
            "apt-get -qq install curl",
            "apt-get -q -q install curl",
            "apt-get -yqq install curl",
            "apt-get --quiet --quiet install curl",
            "apt-get --quiet=2 install curl",
            "apt-get -q=2 install curl",
            "apt-get -qqq install curl",
        ] {
            assert!(level(l) >= 2, "{l}");
        }
        assert_eq!(level("apt-get -q install curl"), 1);
        assert_eq!(
            level("apt-get -o Dpkg::Options::=--force-confdef install curl"),
            0
        );
    }

    #[test]
    fn fixing_after_a_successful_dpkg_asks_nothing() {
        use crate::rules::dockerfile::check_text;
        let run = |script: &str| {
            check_text(&AptWithoutYes, &format!("FROM debian:12\nRUN {script}\n")).len()
        };
        assert_eq!(run("dpkg -i /tmp/a.deb && apt-get -f install"), 0);
        assert_eq!(run("dpkg -i /tmp/a.deb && apt-get install --fix-broken"), 0);
        // After a failed dpkg, the fix has packages to install and asks.
        assert_eq!(run("dpkg -i /tmp/a.deb || apt-get -f install"), 1);
        // Naming packages asks, whatever ran before.
        assert_eq!(run("dpkg -i /tmp/a.deb && apt-get -f install curl"), 1);
    }
}
