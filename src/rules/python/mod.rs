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

use crate::config::Config;
use crate::declare_rule;
use crate::diagnostic::Findings;
use crate::impl_meta;
use crate::parse::python::calls::{Call, Lit};
use crate::parse::python::settings::SettingsClass;
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
];

/// What a Python rule can see.
pub struct PythonContext<'a> {
    pub file: &'a SourceFile,
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
    RULES
        .iter()
        .copied()
        .filter(|r| enabled(r.meta()))
        .filter(|r| {
            r.python_needs()
                .iter()
                .any(|w| memchr::memmem::find(text.as_bytes(), w.as_bytes()).is_some())
        })
        .collect()
}

/// `FastAPI(…)` or `Starlette(…)`.
pub fn is_app(c: &Call) -> bool {
    matches!(
        c.callee.as_str(),
        "fastapi.FastAPI"
            | "fastapi.applications.FastAPI"
            | "starlette.applications.Starlette"
            | "starlette.Starlette"
    )
}

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
        .filter(|c| c.name() == "add_middleware" || c.name() == "Middleware")
        .filter_map(|c| match c.args.first().map(|a| &a.value) {
            Some(Lit::Ref(name)) if name.rsplit('.').next() == Some(class) => {
                Some(MiddlewareCall { call: c, class })
            }
            _ => None,
        })
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
