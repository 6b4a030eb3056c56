use super::*;

declare_rule! {
    /// ## What it checks
    /// A shell-form RUN with a pipe, when neither the stage's `SHELL` nor
    /// the RUN itself sets `-o pipefail`. Windows shells are left alone, as
    /// are pipelines that scan shared libraries with `ldd` (`find … -exec
    /// ldd … | … | xargs -r dpkg-query --search | … | xargs -r apt-mark
    /// manual`, the official Debian images' way to keep the libraries they
    /// need): `dpkg-query` exits 1 for a library no package owns, so
    /// pipefail would break those builds. Alpine's twin (`scanelf --needed
    /// … | … | xargs apk add`, or `apk add --virtual`) is left alone too:
    /// it is the same generated idiom of the official images, which run
    /// the program right after to prove its libraries are there. Nor is a
    /// pipeline that ends by unpacking a compressed archive (`curl … | tar
    /// -xz`, `tar xJf -`, `--extract --gzip`, `gunzip -c`, `xz -d`): GNU and BusyBox tar exit
    /// non-zero on an empty download, an HTML error page or a truncated
    /// archive, so the failure is not hidden (the decompressor checks its
    /// input whichever tar runs it). Nor is one that ends by checking a
    /// checksum list read from the pipe (`curl …/x.md5 | md5sum -c`,
    /// `sha256sum --check -`): GNU coreutils and BusyBox both exit 1 on an
    /// empty or malformed list; nor one that ends by importing a signing
    /// key from the pipe (`apt-key add -`, `gpg --import`), which fails
    /// with "no valid OpenPGP data found"; nor one that ends with `grep`,
    /// which exits 1 when it selects no line (`gpg --fingerprint … | grep
    /// "Key fingerprint = …"`). A download piped into a shell, an
    /// interpreter or a filter (`jq`, `sed`, `awk`, `tee`) is still
    /// reported: those accept empty input and exit 0. Text the RUN prints
    /// itself (`echo`, `printf`), and filters of it (`echo $LIST | tr ','
    /// '\n' | while read …`: `tr`, `cut`, `sort`, `uniq`, `rev`), cannot
    /// fail in a way that matters on the left of a pipe.
    ///
    /// ## Why it matters in production
    /// A pipeline's status is its last command's: in `curl … | jq -r
    /// .version > VERSION` a failed download still "succeeds" (jq reads
    /// nothing and exits 0) and the build ships an image with an empty
    /// file, found only at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/release.json | jq -r .version > /etc/tool-version
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/release.json | jq -r .version > /etc/tool-version
    /// ```
    /// (on Alpine, `ash` supports `set -o pipefail` too).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from hadolint
    /// hadolint's DL4006 reports every pipe in a RUN without pipefail.
    /// prodlint leaves alone the pipelines whose failure is not hidden (an
    /// extraction that decompresses, a checksum check or a key import
    /// reading the pipe: each exits non-zero on empty input, checked with
    /// GNU coreutils 9.1 and GnuPG 2.2.40) or is wanted (the official images'
    /// library scans).
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

/// Is the pipeline that starts at `cmds[0]` one whose hidden failures do
/// not matter: a shared-library scan handed to the package manager
/// (`ldd` … `dpkg-query`, `scanelf --needed` … `apk add`), or one that
/// ends by unpacking a compressed archive (which fails on bad input)?
fn failure_is_not_hidden(cmds: &[SimpleCommand]) -> bool {
    let mut piped = true;
    let pipeline: Vec<&SimpleCommand> = cmds
        .iter()
        .take_while(|c| std::mem::replace(&mut piped, c.next == Some(Connector::Pipe)))
        .collect();
    let runs = |name: &str| {
        pipeline
            .iter()
            .any(|c| c.program() == Some(name) || c.args().iter().any(|a| a.text == name))
    };
    (runs("ldd") && runs("dpkg-query"))
        || (runs("scanelf") && runs("apk"))
        || pipeline.last().is_some_and(|c| {
            unpacks_compressed(c) || checks_sums(c) || imports_key(c) || selects_lines(c)
        })
}

/// `grep PATTERN`: grep exits 1 when it selects no line, so an empty
/// download (or a failed `gpg --fingerprint`) fails the pipeline.
fn selects_lines(c: &SimpleCommand) -> bool {
    matches!(c.program(), Some("grep" | "egrep" | "fgrep"))
}

/// `apt-key add -`, `gpg --import`: a signing key read from the pipe.
/// Both exit non-zero ("no valid OpenPGP data found") on an empty
/// download or an error page.
fn imports_key(c: &SimpleCommand) -> bool {
    let args: Vec<&str> = c.args().iter().map(|a| a.text.as_str()).collect();
    match c.program() {
        Some("apt-key") => args.first() == Some(&"add"),
        Some("gpg" | "gpg2") => has_flag(c, &[], &["import"]),
        _ => false,
    }
}

/// `md5sum -c`, `sha256sum --check -`, `shasum -a 256 -c`: a checksum
/// list checked from the pipe. GNU coreutils ("no properly formatted
/// checksum lines found") and BusyBox ("no checksum lines found") both
/// exit 1 on an empty or malformed list, so a failed download of the
/// list fails the pipeline.
fn checks_sums(c: &SimpleCommand) -> bool {
    let summer = matches!(
        c.program().unwrap_or(""),
        "md5sum"
            | "sha1sum"
            | "sha224sum"
            | "sha256sum"
            | "sha384sum"
            | "sha512sum"
            | "b2sum"
            | "shasum"
    );
    let check = has_flag(c, &['c'], &["check"]);
    let mut files = false;
    let mut takes_value = false;
    for a in c.args() {
        let a = a.text.as_str();
        if std::mem::take(&mut takes_value) {
            continue;
        }
        // `shasum -a 256`: the algorithm's value is no file.
        takes_value = a == "-a" || a == "--algorithm";
        files |= a != "-" && !a.starts_with('-');
    }
    summer && check && !files
}

/// `tar -xz`, `tar xJf -`, `tar --extract --gzip`, `gunzip -c`, `xz -d`:
/// an extraction that decompresses fails (GNU and BusyBox alike) on an
/// empty download, an error page or a truncated archive, so the
/// pipeline's status already says whether the download worked.
fn unpacks_compressed(c: &SimpleCommand) -> bool {
    let args = || c.args().iter().map(|a| a.text.as_str());
    match c.program() {
        // A decompressor checks its input the same way.
        Some("gunzip" | "zcat" | "bunzip2" | "bzcat" | "unxz" | "xzcat" | "zstdcat" | "unzstd") => {
            return true;
        }
        Some("gzip" | "bzip2" | "xz" | "zstd") => {
            return args().any(|a| {
                a == "-d"
                    || a == "--decompress"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('d'))
            });
        }
        Some("tar") => {}
        _ => return false,
    }
    let mut extract = false;
    let mut decompress = false;
    for (i, a) in c.args().iter().enumerate() {
        let a = a.text.as_str();
        if let Some(long) = a.strip_prefix("--") {
            extract |= long == "extract" || long == "get";
            decompress |= matches!(
                long,
                "gzip" | "gunzip" | "xz" | "bzip2" | "zstd" | "auto-compress"
            );
        } else if let Some(short) = a.strip_prefix('-') {
            extract |= short.contains('x');
            decompress |= short.contains(['z', 'J', 'j']);
        } else if i == 0 {
            // Old-style bundled flags: `tar xzf -`.
            extract |= a.contains('x');
            decompress |= a.contains(['z', 'J', 'j']);
        }
    }
    extract && decompress
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
                // Whether the pipeline the current command is part of hides
                // no failure that matters (decided at its first command).
                let mut not_hidden = false;
                let mut piped_in = false;
                // Every command of the pipeline so far only prints text
                // (`echo $LIST | tr ',' '\n' | while read …`).
                let mut prints_only = false;
                for (i, c) in cmds.iter().enumerate() {
                    if sets_pipefail(c) {
                        pipefail = true;
                    }
                    // Decided at a pipeline's first command, and only for a
                    // real pipeline: a command piped to nothing is never
                    // reported (most commands of a RUN).
                    if !piped_in {
                        not_hidden =
                            c.next == Some(Connector::Pipe) && failure_is_not_hidden(&cmds[i..]);
                    }
                    let fed = piped_in;
                    piped_in = c.next == Some(Connector::Pipe);
                    // `echo … | sha256sum -c -`: the left side cannot fail in
                    // a way that matters. A shared-library scan (`find … -exec
                    // ldd … | … | xargs -r dpkg-query --search`, the official
                    // Debian images' way to keep the libraries they need)
                    // fails by design: `dpkg-query` exits 1 for a library no
                    // package owns. Pipefail would break the build; the
                    // images check the result with `python3 --version` next.
                    // A pipeline ending in a decompressing extraction fails
                    // on a bad download by itself.
                    // A filter of such text (`tr`, `cut`) fails only on
                    // its own options.
                    let prints = matches!(c.program(), Some("echo" | "printf" | "yes"))
                        || (fed
                            && prints_only
                            && matches!(c.program(), Some("tr" | "cut" | "sort" | "uniq" | "rev")));
                    prints_only = prints;
                    let harmless = prints || not_hidden;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn count(text: &str) -> usize {
        check_text(&PipeWithoutPipefail, text).len()
    }

    #[test]
    fn text_the_run_prints_and_filters_is_no_failure_to_hide() {
        let text = "FROM debian:bookworm-slim\nRUN echo \"$VOICES\" | tr ',' '\\n' | while read v; do curl -fsSLO \"$BASE/$v\"; done\n";
        assert_eq!(count(text), 0);
        // A download on the left still is.
        assert_eq!(
            count(&text.replace("echo \"$VOICES\"", "curl -fsSL \"$LIST\"")),
            1
        );
    }

    #[test]
    fn a_shared_library_scan_is_left_alone() {
        let scan = "FROM debian:bookworm-slim\nRUN find /usr/local -type f -executable -exec ldd '{}' ';' \\\n  | awk '/=>/ { print $(NF-1) }' \\\n  | sort -u \\\n  | xargs -r dpkg-query --search \\\n  | cut -d: -f1 \\\n  | xargs -r apt-mark manual\n";
        assert_eq!(count(scan), 0);
        let alpine = "FROM alpine:3.20\nRUN scanelf --needed --nobanner --recursive /usr/local | tr ',' '\\n' | sort -u | xargs -rt apk add\n";
        assert_eq!(count(alpine), 0);
        let found = "FROM alpine:3.20\nRUN find /usr/local -type f -executable -exec scanelf --needed --nobanner --format '%n#p' '{}' ';' | tr ',' '\\n' | sort -u | xargs -rt apk add\n";
        assert_eq!(count(found), 0);
        // A scan whose result goes elsewhere is an ordinary pipeline.
        let listed = "FROM alpine:3.20\nRUN scanelf --needed --nobanner --recursive /usr/local | tr ',' '\\n' > /deps.txt\n";
        assert_eq!(count(listed), 1);
        // A download unpacked by a decompressing tar, a checksum list
        // checked from the pipe, a key imported from it: each fails on an
        // empty or bad input.
        for last in [
            "tar -xz -C /opt",
            "tar xJf - -C /opt",
            "tar --extract --gzip",
            "gunzip -c > /db.mmdb",
            "xz -d > /t",
            "md5sum -c",
            "sha256sum --check -",
            "shasum -a 256 -c",
            "/usr/bin/sha512sum -sc",
            "apt-key add -",
            "gpg --batch --import",
        ] {
            let text = format!(
                "FROM debian:12-slim\nRUN curl -fsSL https://example.com/download | {last}\n"
            );
            assert_eq!(count(&text), 0, "{last}");
        }
        // grep selects no line of an empty input, and exits 1.
        assert_eq!(
            count(
                "FROM debian:12-slim\nRUN gpg --fingerprint \"$KEY\" | grep \"Key fingerprint = 0A1B\"\n"
            ),
            0
        );
        // Checking a list from a file: the pipe's input is not read.
        assert_eq!(
            count("FROM alpine:3.20\nRUN curl -sSL https://example.com/x | sha256sum -c SUMS\n"),
            1
        );
        let filtered = "FROM debian:12-slim\nRUN curl -fsSL https://example.com/r.json | jq -r .version > /v\n";
        assert_eq!(count(filtered), 1);
        // Other pipelines of the image are still judged.
        let both = format!("{}RUN curl -s https://example.com/x.json | jq .v\n", scan);
        assert_eq!(count(&both), 1);
    }
}
