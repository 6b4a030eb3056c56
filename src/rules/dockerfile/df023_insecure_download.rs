use super::*;

declare_rule! {
    /// ## What it checks
    /// Downloads that skip verification: a script fetched with `curl` or
    /// `wget` piped into a shell or interpreter, `curl -k/--insecure`,
    /// `wget --no-check-certificate`, `pip --trusted-host`, apt's
    /// `--allow-unauthenticated`, and `PYTHONHTTPSVERIFY=0`,
    /// `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0` set with ENV,
    /// ARG or an assignment in a RUN.
    ///
    /// ## Why it matters in production
    /// Anyone who can tamper with the network path of the build — a
    /// compromised mirror, a proxy, DNS — can put code into the image,
    /// which then runs with the app's credentials in production.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -sSL https://install.example.com | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://install.example.com \
    ///  && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [OWASP: Software and data integrity failures](https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/)
    pub struct InsecureDownload {
        code: "DF023",
        name: "insecure-download",
        severity: Error,
        tags: ["security"],
        security_severity: "7.5",
        fix: None,
        summary: "a download skips TLS or integrity verification",
    }
}

/// `NAME=value` settings that switch verification off.
fn insecure_setting(name: &str, value: &str) -> bool {
    let v = value
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    match name {
        "PYTHONHTTPSVERIFY" | "NODE_TLS_REJECT_UNAUTHORIZED" => v == "0",
        "GIT_SSL_NO_VERIFY" => !v.is_empty() && v != "0" && v != "false",
        "PIP_TRUSTED_HOST" => !v.is_empty(),
        _ => false,
    }
}

impl InsecureDownload {
    fn check_command(cmd: &SimpleCommand, out: &mut Findings) {
        for a in &cmd.assignments {
            if let Some((k, v)) = a.text.split_once('=')
                && insecure_setting(k, v)
            {
                out.report(
                    &Self::META,
                    a.span,
                    format!("`{k}={v}` turns off certificate verification"),
                );
            }
        }
        let Some(prog) = cmd.program() else { return };
        let flag = match prog {
            "curl" => cmd.args().iter().find(|w| {
                w.text == "--insecure"
                    || (w.text.starts_with('-')
                        && !w.text.starts_with("--")
                        && w.text.contains('k'))
            }),
            "wget" => cmd
                .args()
                .iter()
                .find(|w| w.text == "--no-check-certificate"),
            "apt-get" | "apt" => cmd.args().iter().find(|w| {
                w.text == "--allow-unauthenticated"
                    || w.text == "--allow-insecure-repositories"
                    || w.text.contains("AllowUnauthenticated=true")
            }),
            _ if pip_install(cmd).is_some() || prog.starts_with("pip") => cmd
                .args()
                .iter()
                .find(|w| w.text == "--trusted-host" || w.text.starts_with("--trusted-host=")),
            _ => None,
        };
        if let Some(w) = flag {
            out.report(
                &Self::META,
                w.span,
                format!(
                    "`{prog} {}` skips verification of what it downloads",
                    w.text
                ),
            )
            .help("fix the certificate or the repository key instead of turning verification off");
        }
    }
}

impl Rule for InsecureDownload {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for instr in &cx.dockerfile.instructions {
            match instr.keyword {
                Keyword::Env | Keyword::Arg => {
                    for p in instr.pairs() {
                        if let Some(v) = &p.value
                            && insecure_setting(&p.key, v)
                        {
                            out.report(
                                &Self::META,
                                p.span,
                                format!("`{}={v}` turns off certificate verification", p.key),
                            )
                            .help("remove it and fix the certificate chain instead");
                        }
                    }
                }
                Keyword::Run => {
                    let Some(script) = instr.script() else {
                        continue;
                    };
                    for (download, interp, name) in script.piped_downloads() {
                        out.report(
                            &Self::META,
                            download.span.cover(interp.span),
                            format!(
                                "a script from `{}` is piped into `{name}` without verifying it",
                                download.program().unwrap_or("curl")
                            ),
                        )
                        .help("download to a file, check its SHA-256, then run it");
                    }
                    for cmd in &script.commands {
                        Self::check_command(cmd, out);
                    }
                }
                _ => {}
            }
        }
    }
}
