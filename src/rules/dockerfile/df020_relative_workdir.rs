use super::*;

declare_rule! {
    /// ## What it checks
    /// `WORKDIR` with a relative path.
    ///
    /// ## Why it matters in production
    /// A relative WORKDIR is resolved against the previous one, which may
    /// come from the base image and change when it is bumped. Files land
    /// in a different folder and the CMD no longer finds the app.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix
    /// None: only you know which absolute path was meant.
    ///
    /// ## References
    /// - [Dockerfile `WORKDIR`](https://docs.docker.com/reference/dockerfile/#workdir)
    pub struct RelativeWorkdir {
        code: "DF020",
        name: "relative-workdir",
        severity: Warning,
        fix: None,
        summary: "WORKDIR is not an absolute path",
    }
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

impl Rule for RelativeWorkdir {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for instr in cx.dockerfile.instructions_of(Keyword::Workdir) {
            let Some(w) = instr.words().first() else {
                continue;
            };
            if w.dynamic || is_absolute(&w.text) {
                continue;
            }
            out.report(
                &Self::META,
                w.span,
                format!(
                    "WORKDIR `{}` is relative to whatever the previous WORKDIR was",
                    w.text
                ),
            )
            .help(format!(
                "use an absolute path such as `/{}`",
                w.text.trim_start_matches("./")
            ));
        }
    }
}
