use super::*;

declare_rule! {
    /// ## What it checks
    /// `ADD` of local files that are not archives (use `COPY`), and `ADD` of
    /// a URL without `--checksum`.
    ///
    /// ## Why it matters in production
    /// `ADD` does more than copy: it unpacks archives and fetches URLs. A
    /// reader cannot tell which was meant, a renamed file can start being
    /// extracted, and a URL without a checksum trusts whatever the server
    /// (or anyone in between) returns on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ADD --checksum=sha256:<hash> https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Dockerfile `ADD`](https://docs.docker.com/reference/dockerfile/#add)
    pub struct AddInsteadOfCopy {
        code: "DF017",
        name: "add-instead-of-copy",
        severity: Warning,
        fix: None,
        summary: "ADD used for local files, or for a URL without a checksum",
    }
}

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst",
    ".gz", ".bz2", ".xz",
];

impl Rule for AddInsteadOfCopy {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for instr in cx.dockerfile.instructions_of(Keyword::Add) {
            let words = instr.words();
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            for src in sources {
                let t = src.text.as_str();
                if t.starts_with("<<") || src.dynamic {
                    continue;
                }
                let is_git = t.starts_with("git@") || t.ends_with(".git") || t.contains(".git#");
                if t.starts_with("http://") || t.starts_with("https://") {
                    if !is_git && instr.flag("checksum").is_none() {
                        out.report(&Self::META, src.span, "ADD fetches a URL without `--checksum`: the build trusts whatever the server returns")
                            .help("add `--checksum=sha256:…`, or download with curl and verify the hash");
                    }
                    continue;
                }
                if is_git {
                    continue;
                }
                let lower = t.to_ascii_lowercase();
                if !ARCHIVES.iter().any(|a| lower.ends_with(a)) {
                    out.report(
                        &Self::META,
                        instr.keyword_span,
                        format!("use COPY for local files: ADD `{t}` may also extract or fetch"),
                    )
                    .help("replace ADD with COPY");
                    break;
                }
            }
        }
    }
}
