use super::*;

declare_rule! {
    /// ## What it checks
    /// `EXPOSE` of something that is not a port: a number outside 1–65535,
    /// a protocol other than `tcp`, `udp` or `sctp`, a malformed range. As a
    /// warning: `EXPOSE 22`, an SSH server in an app image.
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

impl Rule for InvalidExposedPort {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for instr in cx.dockerfile.instructions_of(Keyword::Expose) {
            for w in instr.words() {
                if w.dynamic {
                    continue;
                }
                match check_port(&w.text) {
                    Err(msg) => {
                        out.report(&Self::META, w.span, msg);
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
