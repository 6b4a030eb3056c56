use super::*;

declare_rule! {
    /// ## What it checks
    /// `privileged: true`, and `cap_add` with `ALL` or `SYS_ADMIN`.
    ///
    /// ## Why it matters in production
    /// A privileged container has every capability and every host device:
    /// it can mount the host's disks and load kernel modules, so a
    /// compromise of the app is a compromise of the host. `SYS_ADMIN` alone
    /// is most of that.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     cap_drop: [ALL]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose file reference: privileged, cap_add](https://docs.docker.com/reference/compose-file/services/#privileged)
    pub struct Privileged {
        code: "DC005",
        name: "privileged",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "a service runs privileged or with all capabilities",
    }
}

impl Rule for Privileged {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, _) in cx.services() {
            if s.is_true("privileged")
                && let Some(p) = s.get("privileged")
            {
                out.report(&Self::META, p.span, format!("service `{}` runs privileged: it has the host's devices and every capability", s.name.text))
                    .help("remove `privileged`; add only the capabilities the service needs");
            }
            for cap in s.strings("cap_add") {
                let c = cap.text.to_ascii_uppercase();
                let c = c.strip_prefix("CAP_").unwrap_or(&c);
                if c == "ALL" || c == "SYS_ADMIN" {
                    out.report(
                        &Self::META,
                        cap.span,
                        format!(
                            "service `{}` adds `{}`: nearly the power of a privileged container",
                            s.name.text, cap.text
                        ),
                    )
                    .help("add only the narrow capability the service needs");
                }
            }
        }
    }
}
