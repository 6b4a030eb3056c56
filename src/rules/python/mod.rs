//! PY: the app's own code, read through its Python parse (never run or
//! imported). Rules see every call of a module with its callee resolved
//! through the imports and the literal values of its arguments; what the
//! code does not say literally stays unknown and no rule guesses.

mod py001_debug_enabled;
mod py002_cors_credentials_any_origin;
mod py003_cors_any_origin;
mod py004_reload_in_app_code;
mod py005_api_docs_public;
mod py006_session_cookie_insecure;
mod py007_trusted_hosts_any;
mod py008_on_event_deprecated;
mod py009_blocking_call_in_async;
mod py010_http_call_without_timeout;
mod py011_tls_verify_disabled;
mod py012_secret_default_in_settings;
mod py013_secret_setting_plain_str;
mod py014_debug_default_on;
mod py015_health_routes_missing;
mod py016_readiness_checks_nothing;
mod py017_logs_not_structured;
mod py018_metrics_missing;
mod py019_error_tracking_missing;
mod py020_tracing_missing;
mod py021_https_redirect_behind_proxy;
mod py022_compression_missing;
mod py023_security_headers_missing;
mod py024_pool_pre_ping_off;
mod py025_resources_not_closed;
mod py026_settings_rebuilt_per_request;

use crate::config::Config;
use crate::declare_rule;
use crate::diagnostic::Findings;
use crate::impl_meta;
use crate::parse::python::calls::{Call, Lit};
use crate::parse::python::settings::SettingsClass;
use crate::project::facts::app::{AppDef, Module as AppModule, Signal};
use crate::rules::Rule;
use crate::source::SourceFile;

pub static RULES: &[&dyn Rule] = &[
    &py001_debug_enabled::DebugEnabled,
    &py002_cors_credentials_any_origin::CorsCredentialsAnyOrigin,
    &py003_cors_any_origin::CorsAnyOrigin,
    &py004_reload_in_app_code::ReloadInAppCode,
    &py005_api_docs_public::ApiDocsPublic,
    &py006_session_cookie_insecure::SessionCookieInsecure,
    &py007_trusted_hosts_any::TrustedHostsAny,
    &py008_on_event_deprecated::OnEventDeprecated,
    &py009_blocking_call_in_async::BlockingCallInAsync,
    &py010_http_call_without_timeout::HttpCallWithoutTimeout,
    &py011_tls_verify_disabled::TlsVerifyDisabled,
    &py012_secret_default_in_settings::SecretDefaultInSettings,
    &py013_secret_setting_plain_str::SecretSettingPlainStr,
    &py014_debug_default_on::DebugDefaultOn,
    &py015_health_routes_missing::HealthRoutesMissing,
    &py016_readiness_checks_nothing::ReadinessChecksNothing,
    &py017_logs_not_structured::LogsNotStructured,
    &py018_metrics_missing::MetricsMissing,
    &py019_error_tracking_missing::ErrorTrackingMissing,
    &py020_tracing_missing::TracingMissing,
    &py021_https_redirect_behind_proxy::HttpsRedirectBehindProxy,
    &py022_compression_missing::CompressionMissing,
    &py023_security_headers_missing::SecurityHeadersMissing,
    &py024_pool_pre_ping_off::PoolPrePingOff,
    &py025_resources_not_closed::ResourcesNotClosed,
    &py026_settings_rebuilt_per_request::SettingsRebuiltPerRequest,
];

/// What a Python rule can see.
pub struct PythonContext<'a> {
    pub file: &'a SourceFile,
    /// The module's parse (its functions, its marks).
    pub py: &'a crate::parse::python::PyFile,
    /// The project: the app model across modules.
    pub project: &'a crate::project::Project,
    /// What the module's app rules work out once.
    pub shared: Shared,
    pub calls: &'a [Call],
    /// The module's pydantic settings classes.
    pub settings: &'a [SettingsClass],
    /// The apps of this module that launches of the project serve, by
    /// name (`*`: every one); `None` when no launch names an app.
    pub served: Option<Vec<String>>,
    pub config: &'a Config,
}

/// A settings field whose name says it holds a secret (the rule every
/// family uses for names).
pub fn is_secret_setting(name: &str) -> bool {
    crate::rules::secrets::is_secret_name(name, &[])
}

/// Runs the given PY rules (from [`wanted`]) on one module.
pub fn check(cx: &PythonContext<'_>, rules: &[&dyn Rule], out: &mut Findings) {
    for rule in rules {
        rule.python(cx, out);
    }
}

/// The PY rules that check a file of this purpose under this selection
/// and may find something in its text: a module none of them needs is
/// not parsed for them (most modules hold none of what they look for).
pub fn wanted<'r>(
    text: &str,
    enabled: impl Fn(&'static crate::registry::RuleMeta) -> bool,
) -> Vec<&'r dyn Rule> {
    // One pass over the text for the words of every rule (a search per
    // word would read each module some sixty times).
    static NEEDS: std::sync::OnceLock<Option<(crate::words::Words, Vec<usize>)>> =
        std::sync::OnceLock::new();
    let Some((ac, owner)) = NEEDS
        .get_or_init(|| {
            let mut words = Vec::new();
            let mut owner = Vec::new();
            for (i, r) in RULES.iter().enumerate() {
                for w in r.python_needs() {
                    words.push(*w);
                    owner.push(i);
                }
            }
            crate::words::Words::new(&words, false).map(|w| (w, owner))
        })
        .as_ref()
    else {
        return RULES
            .iter()
            .copied()
            .filter(|r| enabled(r.meta()))
            .collect();
    };
    // Only the rules that check this file are looked for: a test module
    // none of them checks is not read for words at all, and the search
    // stops once every rule that checks it has what it needs.
    let on: Vec<bool> = RULES.iter().map(|r| enabled(r.meta())).collect();
    let mut left = on.iter().filter(|&&o| o).count();
    if left == 0 {
        return Vec::new();
    }
    let mut hit = vec![false; RULES.len()];
    ac.each(text, |w, _| {
        if let Some(&i) = owner.get(w)
            && on.get(i).copied().unwrap_or(false)
            && let Some(h) = hit.get_mut(i)
            && !*h
        {
            *h = true;
            left -= 1;
        }
        left > 0
    });
    RULES
        .iter()
        .zip(hit)
        .filter(|(_, h)| *h)
        .map(|(r, _)| *r)
        .collect()
}

pub use crate::project::facts::app::is_app;

/// The argument of a CORS middleware that lets every origin in, if one
/// does: `"*"` among `allow_origins`, or an `allow_origin_regex` that
/// matches anything.
pub fn any_origin(c: &Call) -> Option<&crate::parse::python::calls::Arg> {
    if let Some(a) = c.keyword("allow_origins")
        && a.value.strings().contains(&"*")
    {
        return Some(a);
    }
    c.keyword("allow_origin_regex").filter(|a| {
        matches!(&a.value, Lit::Str(r) if matches!(r.as_str(), ".*" | ".+" | "^.*$" | "^.+$" | "(.*)" | "https?://.*"))
    })
}

/// A middleware added to an app: `app.add_middleware(X, …)` or
/// `Middleware(X, …)`, with `X`'s resolved name.
pub struct MiddlewareCall<'a> {
    pub call: &'a Call,
    pub class: &'a str,
}

/// Every middleware the module adds, of a class whose name is `class`.
pub fn middleware<'a>(calls: &'a [Call], class: &'a str) -> Vec<MiddlewareCall<'a>> {
    calls
        .iter()
        .filter(|c| crate::project::facts::app::middleware_class(c) == Some(class))
        .map(|c| MiddlewareCall { call: c, class })
        .collect()
}

/// The HTTP methods, as `requests`, `httpx` and the routers spell their
/// functions and decorators.
pub const HTTP_METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// A function of `requests`/`httpx` that sends a request: a method, or
/// the generic `request`.
pub fn sends_request(name: &str) -> bool {
    HTTP_METHODS.contains(&name) || name == "request"
}

/// A module path is `name` or inside it (`requests`, `requests.api`).
pub fn in_module(module: &str, name: &str) -> bool {
    module == name
        || module
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The text a module that makes an app holds: what the app-wide rules
/// need to look at it.
pub const APP_CONSTRUCTORS: &[&str] = &["FastAPI(", "Starlette("];

/// What the app rules of one module work out once and share (every
/// app-wide rule asks which apps are served and what the package sets up).
#[derive(Default)]
pub struct Shared {
    /// The module's facts, when the project does not hold them.
    facts: std::cell::OnceCell<AppModule>,
    served: std::cell::OnceCell<Vec<AppDef>>,
    signals: std::cell::OnceCell<Vec<(Signal, crate::project::facts::Loc)>>,
}

/// The app-model facts of this module: the project's, or read once from
/// the module's parse when the project does not hold it.
pub fn module_facts<'a>(cx: &'a PythonContext<'_>) -> &'a AppModule {
    match cx
        .project
        .app_model()
        .module(&cx.project.key(&cx.file.path))
    {
        Some(m) => m,
        None => cx.shared.facts.get_or_init(|| AppModule::read(cx.py)),
    }
}

/// The last segments of the paths the app `name` of this module serves
/// (through its routers too), and whether all of them are known.
pub fn app_tails(
    cx: &PythonContext<'_>,
    name: &str,
) -> std::sync::Arc<crate::project::apps::Tails> {
    let k = cx.project.key(&cx.file.path);
    if cx.project.app_model().module(&k).is_some() {
        return cx.project.app_model().tails(&k, name);
    }
    let one = std::collections::BTreeMap::from([(k.clone(), module_facts(cx).clone())]);
    crate::project::apps::Apps::build(one, std::iter::empty()).tails(&k, name)
}

/// The apps of this module that are served: a launch of the project
/// names them (by name, by the factory that makes them, or the whole
/// module), or the module runs them itself (`uvicorn.run(app)` at its top
/// level or under `if __name__ == "__main__":`). Sub-apps another app
/// mounts are not served on their own.
pub fn served_apps<'a>(cx: &'a PythonContext<'_>) -> &'a [AppDef] {
    cx.shared.served.get_or_init(|| {
        module_facts(cx)
            .apps
            .iter()
            .filter(|app| {
                // Run by the module itself, as a program: a `uvicorn.run`
                // in a function is an embedded helper server (a worker's
                // status page), not the service.
                let runs_itself = cx.calls.iter().any(|c| {
                    c.callee == "uvicorn.run"
                        && (!c.in_function || c.in_main_guard)
                        && match c.args.first().map(|a| &a.value) {
                            Some(Lit::Ref(r)) => *r == app.name,
                            Some(Lit::Str(spec)) => spec.ends_with(&format!(":{}", app.name)),
                            _ => false,
                        }
                });
                let launched = cx.served.as_ref().is_some_and(|names| {
                    names
                        .iter()
                        .any(|a| *a == app.name || a == "*" || Some(a) == app.factory.as_ref())
                });
                runs_itself || launched
            })
            .cloned()
            .collect()
    })
}

/// The set-up the app's code does: signals of the modules of its package,
/// and of the repository's configuration files (a proxy's, a logging
/// configuration's).
pub fn signals<'a>(cx: &'a PythonContext<'_>) -> &'a [(Signal, crate::project::facts::Loc)] {
    cx.shared.signals.get_or_init(|| {
        let model = cx.project.app_model();
        let k = cx.project.key(&cx.file.path);
        // The package's set-up, this module's included when the model
        // holds it (a module with nothing of its own to say is not held:
        // it still sees its package's).
        let mut all = model.near(&k).signals.clone();
        if model.module(&k).is_none() {
            all.extend(
                module_facts(cx)
                    .signals
                    .iter()
                    .map(|(s, span)| (*s, crate::project::facts::Loc::new(&k, *span))),
            );
        }
        all
    })
}

/// The first place the app's code does `signal`, if it does.
pub fn signal(
    all: &[(Signal, crate::project::facts::Loc)],
    signal: Signal,
) -> Option<&crate::project::facts::Loc> {
    all.iter().find(|(s, _)| *s == signal).map(|(_, at)| at)
}

/// Reports a "missing" finding once per served app of the module, at its
/// construction, unless the app's code does `wanted`.
pub fn report_missing(
    cx: &PythonContext<'_>,
    meta: &'static crate::registry::RuleMeta,
    wanted: Signal,
    message: &str,
    help: &'static str,
    out: &mut Findings,
) {
    let apps = served_apps(cx);
    if apps.is_empty() || signal(signals(cx), wanted).is_some() {
        return;
    }
    for app in apps {
        out.report(meta, app.at, message.to_string()).help(help);
    }
}

/// Adds a related location at `span` of the module `file` (a project
/// key): in this file, or in the other file when the project holds its
/// text.
pub fn related_at<'a>(
    cx: &PythonContext<'_>,
    b: crate::diagnostic::FindingBuilder<'a>,
    file: &std::path::Path,
    span: crate::source::Span,
    message: &str,
) -> crate::diagnostic::FindingBuilder<'a> {
    if *file == cx.project.key(&cx.file.path) {
        b.related(span, message)
    } else if let Some(other) = cx.project.source_of(file) {
        b.related_in(&other, span, message)
    } else {
        b
    }
}
