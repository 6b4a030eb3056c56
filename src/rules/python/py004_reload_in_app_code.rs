use super::*;

declare_rule! {
    /// ## What it checks
    /// `uvicorn.run(..., reload=True)` at a module's top level outside an
    /// `if __name__ == "__main__":` block, where it runs whenever the
    /// module is imported or started by a launcher. A call inside a
    /// function is not judged: what calls the function is not known
    /// (a `def main()` behind the guard is the usual development runner).
    ///
    /// ## Why it matters in production
    /// The reloader watches the source tree and restarts the server on
    /// every change; it runs a single process, ignores `workers`, and its
    /// file watching costs CPU. In a container it turns a stray write into
    /// a restart and drops in-flight requests.
    ///
    /// ## Example
    /// ```python
    /// uvicorn.run("app.main:app", host="0.0.0.0", reload=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// if __name__ == "__main__":
    ///     uvicorn.run("app.main:app", reload=True)  # local development only
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Uvicorn: settings (reload)](https://www.uvicorn.org/settings/#development)
    pub struct ReloadInAppCode {
        code: "PY004",
        name: "reload-in-app-code",
        severity: Error,
        fix: None,
        summary: "uvicorn's reloader is started from application code",
    }
}

impl Rule for ReloadInAppCode {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["reload=True", "reload = True"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for c in cx.calls {
            if c.callee != "uvicorn.run" || c.in_main_guard || c.in_function {
                continue;
            }
            if let Some(r) = c.keyword("reload")
                && r.value.is_true()
            {
                out.report(
                    &Self::META,
                    r.span,
                    "`uvicorn.run(reload=True)` at the top of a module starts the development reloader wherever the module is imported or run",
                )
                .help("move the call under `if __name__ == \"__main__\":`, or drop `reload`");
            }
        }
    }
}
