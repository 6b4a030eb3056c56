use super::*;
use crate::paths::FastPath;

declare_rule! {
    /// ## What it checks
    /// A FastAPI or Starlette application constructed with `debug=True`,
    /// or with `debug=` read from a pydantic settings field (in the app's
    /// package) whose default is `True` while no env file that may be
    /// used in production (not a template, not a `.env.development`,
    /// `.env.local` or `.env.test`) sets its variable (`APP_DEBUG` with
    /// `env_prefix="APP_"`, an `alias`) to a false value. A production env
    /// file that sets it true is named in the message. When no env file
    /// sets it but a Dockerfile, compose file or manifest names the
    /// variable, the value is the deployment's and the rule stays silent.
    ///
    /// ## Why it matters in production
    /// In debug mode Starlette's `ServerErrorMiddleware` answers every
    /// unhandled exception with an HTML page holding the traceback and
    /// the source lines around each frame: paths, queries, settings and
    /// sometimes secrets go to whoever triggered the error.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI(debug=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app = FastAPI(debug=settings.debug)  # false unless set for development
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Starlette: applications (debug)](https://www.starlette.io/applications/)
    /// - [FastAPI: debugging](https://fastapi.tiangolo.com/tutorial/debugging/)
    pub struct DebugEnabled {
        code: "PY001",
        name: "debug-enabled",
        severity: Error,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "the app is built with debug mode on",
    }
}

impl Rule for DebugEnabled {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["debug="]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for c in cx.calls {
            if !is_app(c) {
                continue;
            }
            // `debug=settings.debug`: an attribute of a settings object
            // (a bare name is a parameter or a local, not a setting).
            if let Some(d) = c.keyword("debug")
                && let Lit::Ref(r) = &d.value
                && r.contains('.')
            {
                from_setting(cx, r, d.span, out);
            }
            if let Some(d) = c.keyword("debug")
                && d.value.is_true()
            {
                out.report(
                    &Self::META,
                    d.span,
                    format!(
                        "`{}(debug=True)` sends a traceback page with every server error",
                        c.name()
                    ),
                )
                .help(
                    "leave debug off in production (read it from a setting that defaults to false)",
                );
            }
        }
    }
}

/// `debug=settings.debug`: reported when the settings field it reads
/// defaults to true and no production env file turns it off.
fn from_setting(
    cx: &PythonContext<'_>,
    reference: &str,
    at: crate::source::Span,
    out: &mut Findings,
) {
    let field = crate::project::facts::app::last(reference);
    let k = cx.project.key(&cx.file.path);
    let own = module_facts(cx);
    let near = cx.project.app_model().near(&k);
    let Some((file, flag)) = own
        .flags
        .iter()
        .map(|f| (&k, f))
        .chain(near.flags.iter().map(|(mk, f)| (mk, f)))
        .find(|(_, f)| f.default && f.field.eq_ignore_ascii_case(field))
    else {
        return;
    };
    let values = cx.project.env_values(
        &flag.env,
        flag.case_sensitive,
        &cx.project.app_model().repo_of(&k),
    );
    let truthy = |v: &str| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on" | "t" | "y"
        )
    };
    if values.iter().any(|e| !truthy(&e.value)) {
        // Turned off (or set to something prodlint cannot read).
        return;
    }
    let name = crate::parse::python::settings::env_var(&flag.env, &flag.field, flag.case_sensitive);
    let message = match values.first() {
        // The env file by its name; the related location gives its path.
        Some(e) => format!(
            "debug comes from the setting `{}`, true by default, and {} sets `{}={}`: tracebacks in every 500 response",
            flag.field,
            e.file.fast_file_name().map_or_else(
                || e.file.display().to_string(),
                |n| n.to_string_lossy().to_string()
            ),
            e.key,
            e.value
        ),
        None if cx.project.deploy_names(&flag.env) => return,
        None => format!(
            "debug comes from the setting `{}`, true by default, and no production env file sets `{name}` to false: tracebacks in every 500 response",
            flag.field
        ),
    };
    let b = out
        .report(&DebugEnabled::META, at, message)
        .help("default the setting to false and turn it on only in development");
    let b = related_at(cx, b, file, flag.at, "the setting's default");
    if let Some(e) = values.first() {
        related_at(cx, b, &cx.project.key(&e.file), e.at, "set here");
    }
}
