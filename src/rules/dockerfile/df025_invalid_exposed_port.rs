use super::*;

declare_rule! {
    /// ## What it checks
    /// `EXPOSE` of something that is not a port: a number outside 1–65535,
    /// a protocol other than `tcp`, `udp` or `sctp`, a malformed range. As a
    /// warning: `EXPOSE 22`, an SSH server in an app image. An image whose
    /// only exposed port is 22 is an SSH server (a git or SFTP host): SSH is
    /// its service, and it is reported only when a `RUN` bakes a login
    /// password into it (`chpasswd`, `passwd --stdin`).
    ///
    /// ## Why it matters in production
    /// Docker rejects invalid ports at build time. An SSH daemon in an app
    /// container is a second way in, with its own keys to manage; use
    /// `docker exec` / `kubectl exec` instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80000
    /// EXPOSE 22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 8000
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Dockerfile `EXPOSE`](https://docs.docker.com/reference/dockerfile/#expose)
    pub struct InvalidExposedPort {
        code: "DF025",
        name: "invalid-exposed-port",
        severity: Error,
        fix: None,
        summary: "EXPOSE of an invalid port, or of SSH",
    }
}

fn check_port(text: &str) -> Result<(u32, u32), String> {
    let (ports, proto) = match text.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (text, None),
    };
    if let Some(p) = proto
        && !matches!(p.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp")
    {
        return Err(format!("`{p}` is not a protocol: use tcp, udp or sctp"));
    }
    let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
    let parse = |s: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("`{text}` is not a port number"))
    };
    let (a, b) = (parse(a)?, parse(b)?);
    for p in [a, b] {
        if !(1..=65535).contains(&p) {
            return Err(format!("port {p} is outside 1–65535"));
        }
    }
    if a > b {
        return Err(format!("the range `{ports}` runs backwards"));
    }
    Ok((a, b))
}

/// Every port the final image exposes is SSH's.
fn ssh_only(df: &crate::parse::dockerfile::Dockerfile) -> bool {
    let mut words = df
        .final_instructions()
        .filter(|i| i.keyword == Keyword::Expose)
        .flat_map(|i| i.words())
        .peekable();
    words.peek().is_some()
        && words.all(|w| matches!(w.text.to_ascii_lowercase().as_str(), "22" | "22/tcp"))
}

/// The command by which a RUN of the final image sets an account's
/// password (`echo 'user:pw' | chpasswd`, `passwd --stdin`), if one does.
fn baked_password(cx: &DockerContext<'_>) -> Option<&'static str> {
    final_runs(cx.dockerfile)
        .flat_map(commands)
        .find_map(|c| match c.program() {
            Some("chpasswd") => Some("chpasswd"),
            Some("passwd") if c.has_arg("--stdin") => Some("passwd --stdin"),
            _ => None,
        })
}

impl Rule for InvalidExposedPort {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let ssh_is_the_service = ssh_only(cx.dockerfile);
        let password = ssh_is_the_service.then(|| baked_password(cx)).flatten();
        for instr in cx.dockerfile.instructions_of(Keyword::Expose) {
            for w in instr.words() {
                if w.dynamic {
                    continue;
                }
                match check_port(&w.text) {
                    Err(msg) => {
                        out.report(&Self::META, w.span, msg);
                    }
                    // An image whose one port is SSH is an SSH server
                    // (a git or SFTP host): SSH is its service, not a
                    // second way in — unless it bakes in a password.
                    Ok((a, b)) if (a..=b).contains(&22) && ssh_is_the_service => {
                        if let Some(how) = &password {
                            out.report(
                                &Self::META,
                                w.span,
                                format!("EXPOSE 22: this SSH server's image sets a login password (`{how}`): anyone who reads the Dockerfile or pulls the image can log in"),
                            )
                            .severity(Severity::Warning)
                            .help("allow public-key logins only, with keys mounted at run time");
                        }
                    }
                    Ok((a, b)) if (a..=b).contains(&22) => {
                        out.report(
                            &Self::META,
                            w.span,
                            "EXPOSE 22: an SSH server in an app image is a second way in",
                        )
                        .severity(Severity::Warning)
                        .help("use `docker exec` or `kubectl exec` to get a shell");
                    }
                    Ok(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn messages(text: &str) -> Vec<String> {
        check_text(&InvalidExposedPort, text)
            .iter()
            .map(|f| f.message.to_string())
            .collect()
    }

    #[test]
    fn an_image_whose_one_port_is_ssh_is_an_ssh_server() {
        let server = "FROM alpine:3.20\nRUN apk add --no-cache openssh\nEXPOSE 22\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n";
        assert!(messages(server).is_empty());
        // Beside an app's port, SSH is a second way in.
        let beside = server.replace("EXPOSE 22", "EXPOSE 8000 22");
        assert_eq!(messages(&beside).len(), 1);
        // A password baked into the server's image is reported.
        let baked = server.replace("openssh", "openssh && echo 'deploy:deploy' | chpasswd");
        let found = messages(&baked);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("`chpasswd`"), "{found:?}");
    }
}
