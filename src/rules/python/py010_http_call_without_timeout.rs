use super::*;

declare_rule! {
    /// ## What it checks
    /// A `requests` call (`requests.get`, …, `requests.request`) without
    /// `timeout=`, and an `httpx` call or client built with
    /// `timeout=None`. Calls that pass `**kwargs` are not judged, nor are
    /// scripts a Dockerfile runs outside the service: while the image is
    /// built (`RUN python scripts/fetch_model.py`) or as its health check
    /// (`HEALTHCHECK CMD python app/scripts/healthcheck.py`), where the
    /// build or the check's own timeout bounds the call. Such a script is
    /// found by its path's tail among the repository's files (variables
    /// and the image's folders dropped: `$APP_HOME/app/scripts/x.py`
    /// names `app/scripts/x.py`).
    ///
    /// ## Why it matters in production
    /// `requests` has no default timeout: a call to an upstream that stops
    /// answering waits forever, holding a worker (or a thread) until the
    /// process is restarted. `httpx` waits 5 seconds by default, unless
    /// `timeout=None` turns that off.
    ///
    /// ## Example
    /// ```python
    /// requests.get(RATES_URL)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// requests.get(RATES_URL, timeout=10)
    /// ```
    ///
    /// ## Fix
    /// Unsafe: adds `timeout=10` to a `requests` call (the right limit
    /// depends on the upstream).
    ///
    /// ## References
    /// - [Requests: timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
    /// - [HTTPX: timeouts](https://www.python-httpx.org/advanced/timeouts/)
    pub struct HttpCallWithoutTimeout {
        code: "PY010",
        name: "http-call-without-timeout",
        severity: Warning,
        fix: Unsafe,
        summary: "an HTTP call can wait forever",
    }
}

impl Rule for HttpCallWithoutTimeout {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["requests.", "timeout=None", "timeout = None"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        // A script a Dockerfile runs while building or as its health
        // check is not the service: the build or the check's timeout
        // bounds it.
        if cx.project.run_by_docker(&cx.file.path).is_some() {
            return;
        }
        for c in cx.calls {
            let (module, name) = (c.module(), c.name());
            if module == "requests"
                && sends_request(name)
                && !c.splat
                && c.keyword("timeout").is_none()
            {
                // Insert before the closing parenthesis.
                let end = c.span.end.saturating_sub(1);
                let inner = cx.file.text.get(c.span.start..end).unwrap_or("").trim_end();
                // Only a call that ends with its `)` and holds no comment
                // is edited (a comment would swallow the new argument).
                let editable =
                    cx.file.text.get(end..c.span.end) == Some(")") && !inner.contains('#');
                let sep = if inner.ends_with('(') {
                    ""
                } else if inner.ends_with(',') {
                    " "
                } else {
                    ", "
                };
                let b = out
                    .report(
                        &Self::META,
                        c.callee_span,
                        format!("`requests.{name}` without `timeout=` waits forever on an upstream that stops answering"),
                    )
                    .help("pass `timeout=` (seconds)");
                if !editable {
                    continue;
                }
                b.fix(
                    crate::diagnostic::Applicability::Unsafe,
                    "add `timeout=10`",
                    vec![crate::diagnostic::Edit::insert(
                        end,
                        format!("{sep}timeout=10"),
                    )],
                );
                continue;
            }
            let httpx = in_module(module, "httpx")
                && (sends_request(name) || matches!(name, "stream" | "Client" | "AsyncClient"));
            if httpx
                && let Some(t) = c.keyword("timeout")
                && t.value == Lit::None
            {
                out.report(
                    &Self::META,
                    t.span,
                    "`timeout=None` turns off httpx's 5-second default: the call can wait forever",
                )
                .help("set a timeout in seconds, or an `httpx.Timeout`");
            }
        }
    }
}
