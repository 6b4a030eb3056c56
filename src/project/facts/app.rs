//! What one Python module says about the app: the apps and routers it
//! makes, the routes it declares on them, what it includes or mounts
//! (by reference, resolved across modules by the project), and the
//! set-up it does (logging, metrics, error tracking, tracing, middleware,
//! clients it opens and closes). Read from the module's one parse; only
//! what the code says literally is known.

use crate::parse::python::PyFile;
use crate::parse::python::calls::{Call, Function, Lit, Mark};
use crate::source::Span;

/// `FastAPI(…)` or `Starlette(…)` bound to a name.
#[derive(Debug, Clone, PartialEq)]
pub struct AppDef {
    pub name: String,
    /// The constructor's callee (where findings about the app go).
    pub at: Span,
    /// Its routes are (also) given as a list to the constructor
    /// (`Starlette(routes=[…])`), which prodlint does not follow.
    pub opaque: bool,
    /// The function that makes it (`create_app`), if one does.
    pub factory: Option<String>,
    /// The constructor's literal arguments (`debug`, `docs_url`,
    /// `lifespan`, …): what the code says, the rest unknown.
    pub arguments: Vec<(String, Lit)>,
}

/// A middleware added to an app or router: `owner.add_middleware(X, …)`
/// or `Middleware(X, …)` (in a list given to the constructor: no owner).
#[derive(Debug, Clone, PartialEq)]
pub struct MiddlewareDef {
    pub owner: Option<String>,
    /// The class's last name (`CORSMiddleware`).
    pub class: String,
    pub arguments: Vec<(String, Lit)>,
    pub at: Span,
}

/// A start-up or shutdown handler: `@app.on_event("shutdown")`, or the
/// `lifespan=` an app is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    pub owner: String,
    /// `startup`, `shutdown` or `lifespan`.
    pub event: String,
    /// The handler's name, when the code names it.
    pub handler: Option<String>,
    pub at: Span,
}

/// A route declared on an app or router of the module.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDef {
    /// The app or router it is declared on: a local name, or a reference
    /// to another module's (`.deps.router`, `app.api.router`).
    pub owner: String,
    /// Its path as written (`None`: not a literal).
    pub path: Option<String>,
    pub at: Span,
    pub handler: Option<Handler>,
}

/// The function that answers a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Handler {
    pub name: String,
    pub at: Span,
    /// It uses something beyond building its answer: a dependency
    /// (`Depends(…)`), an awaited call, or a call that is not a response
    /// or a plain value.
    pub touches: bool,
    /// It can answer an error: it raises, or names a status of 400 or
    /// more (what a probe counts as a failure).
    pub can_fail: bool,
    /// The statuses it can answer with, as the code says them: the
    /// route's `status_code=` (200 when none is given) and the statuses
    /// its body names. Sorted, once each.
    pub statuses: Vec<u16>,
}

/// `owner.include_router(target, prefix=…)` or `owner.mount(path, target)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub owner: String,
    /// The router or app included (`None`: not a name).
    pub target: Option<String>,
    /// The prefix it adds: `Some("")` when none is given, `None` when it
    /// is not a literal.
    pub prefix: Option<String>,
    /// A prefix given by name instead (`prefix=settings.API_V1_STR`),
    /// resolved through the package's settings defaults.
    pub prefix_ref: Option<String>,
}

/// A kind of set-up the module does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    /// A JSON log renderer or formatter.
    JsonLogs,
    /// structlog's console renderer.
    ConsoleLogs,
    /// Logging configured from something prodlint does not read
    /// (`dictConfig(load(…))`, `fileConfig(…)`, uvicorn's `log_config=`):
    /// whether it is JSON is unknown.
    LogConfig,
    Metrics,
    ErrorTracking,
    Tracing,
    Compression,
    SecurityHeaders,
    HttpsRedirect,
    /// A database engine made with `pool_pre_ping=True`.
    PrePingEngine,
    /// The app serves static files itself (`StaticFiles(…)`).
    ServesStatic,
    /// Retries with backoff around a call (tenacity, backoff, stamina,
    /// urllib3's `Retry`, an httpx transport's `retries=`).
    Retries,
    /// A circuit breaker (pybreaker, aiobreaker, purgatory).
    CircuitBreaker,
    /// A cache client or cache layer (Redis, memcached, a cache library).
    Cache,
    /// A connection pool sized or checked in the code (`pool_size=`,
    /// `max_overflow=`, `pool_pre_ping=`, `create_pool(…)`).
    PoolConfigured,
}

/// A pydantic settings class: where it is, its `env_prefix`, and the
/// variables its fields read.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub class: String,
    pub at: Span,
    pub prefix: Option<String>,
    pub case_sensitive: bool,
    /// (field, the variables it reads).
    pub fields: Vec<(String, Vec<String>)>,
    /// Fields with no default: (field, the variables it reads, where).
    pub required: Vec<(String, Vec<String>, Span)>,
    /// The dotenv files it reads too (`env_file`).
    pub env_files: Vec<String>,
    /// Fields with a literal string default: (field, default, the
    /// variables it reads).
    pub texts: Vec<(String, String, Vec<String>)>,
}

/// A settings field with a literal boolean default.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub field: String,
    pub env: Vec<String>,
    pub case_sensitive: bool,
    pub default: bool,
    pub at: Span,
}

/// A module-level engine, pool or client, bound to a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    pub callee: String,
    pub at: Span,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Module {
    pub apps: Vec<AppDef>,
    /// Routers by name, with their literal prefix (`None`: not literal).
    pub routers: Vec<(String, Option<String>)>,
    /// Routers whose prefix is given by name (`APIRouter(prefix=
    /// settings.API_PREFIX)`): (router, the reference).
    pub router_refs: Vec<(String, String)>,
    pub routes: Vec<RouteDef>,
    pub includes: Vec<Include>,
    pub signals: Vec<(Signal, Span)>,
    pub resources: Vec<Resource>,
    /// Names whose `close()`/`dispose()`/`aclose()` a function calls.
    pub closed: Vec<String>,
    /// Functions named in `Depends(…)` (last names).
    pub dependencies: Vec<String>,
    /// Its pydantic settings classes, by name.
    pub settings_classes: Vec<String>,
    /// Its settings classes with the variables their fields read.
    pub settings: Vec<Settings>,
    /// Settings fields with a literal boolean default: (field, the env
    /// names it reads, case-sensitive, the default, where the field is).
    pub flags: Vec<Flag>,
    /// Middlewares added, with their literal arguments.
    pub middleware: Vec<MiddlewareDef>,
    /// Start-up and shutdown handlers.
    pub lifecycle: Vec<Lifecycle>,
    /// Apps it starts by name (`uvicorn.run("app.main:app")`, wherever
    /// the call sits): launches, like a Dockerfile's `CMD`.
    pub runs: Vec<String>,
}

/// Words one of which a module must hold to say anything here: a module
/// without them is not parsed for the project.
pub const WORDS: &[&str] = &[
    "FastAPI",
    "Starlette",
    "Router",
    "include_router",
    "mount(",
    "Renderer",
    "JsonFormatter",
    "jsonlogger",
    "serialize=",
    "dictConfig",
    "fileConfig",
    "log_config",
    "json_log_formatter",
    "prometheus",
    "opentelemetry",
    "sentry_sdk",
    "rollbar",
    "bugsnag",
    "ddtrace",
    "logfire",
    "elasticapm",
    "newrelic",
    "Middleware",
    "create_engine",
    "create_async_engine",
    "Redis(",
    "from_url",
    // `httpx.Client(`, `AsyncClient(`: a client built at module level.
    "Client(",
    "ClientSession(",
    "AsyncIOMotorClient(",
    "dispose(",
    "aclose(",
    "disconnect(",
    "BaseSettings",
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
];

/// The last segment of a dotted name.
pub fn last(name: &str) -> &str {
    match memchr::memrchr(b'.', name.as_bytes()) {
        Some(dot) => name.get(dot + 1..).unwrap_or(name),
        None => name,
    }
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

fn is_router(c: &Call) -> bool {
    matches!(
        c.callee.as_str(),
        "fastapi.APIRouter" | "fastapi.routing.APIRouter" | "starlette.routing.Router"
    )
}

/// Route decorators and registration calls: `get`…`options`, `api_route`,
/// `route`, `websocket`, `add_api_route`, `add_route`.
pub fn is_route_call(name: &str) -> bool {
    matches!(
        name,
        "get"
            | "post"
            | "put"
            | "patch"
            | "delete"
            | "head"
            | "options"
            | "api_route"
            | "route"
            | "websocket"
            | "add_api_route"
            | "add_route"
            | "add_websocket_route"
    )
}

/// Calls a handler makes that touch nothing: building the answer.
const PLAIN: &[&str] = &[
    "dict",
    "str",
    "int",
    "float",
    "bool",
    "len",
    "list",
    "JSONResponse",
    "ORJSONResponse",
    "UJSONResponse",
    "PlainTextResponse",
    "Response",
    "HTMLResponse",
    "now",
    "utcnow",
    "time",
    "monotonic",
    "isoformat",
    "strftime",
    "info",
    "debug",
    "getenv",
    "get",
    "format",
    "Query",
    "Path",
    "Header",
];

fn lit_prefix(v: Option<&Lit>) -> Option<String> {
    match v {
        None => Some(String::new()),
        Some(Lit::Str(s)) => Some(s.clone()),
        Some(_) => None,
    }
}

/// A prefix given as a dotted name (`settings.API_V1_STR`): the
/// reference, to be looked up among the settings' defaults.
fn ref_of(v: Option<&Lit>) -> Option<String> {
    match v {
        Some(Lit::Ref(r)) if r.contains('.') => Some(r.clone()),
        _ => None,
    }
}

/// A call's keyword arguments whose values are literals (names and
/// references included, `Other` left out).
fn literal_keywords(c: &Call) -> Vec<(String, Lit)> {
    c.keywords
        .iter()
        .filter(|(_, a, _)| a.value != Lit::Other)
        .map(|(n, a, _)| (n.clone(), a.value.clone()))
        .collect()
}

/// The class of a middleware a call adds (`add_middleware(X, …)`,
/// `Middleware(X, …)`): `X`'s last name.
pub fn middleware_class(c: &Call) -> Option<&str> {
    if c.name() != "add_middleware" && c.name() != "Middleware" {
        return None;
    }
    match c.args.first().map(|a| &a.value) {
        Some(Lit::Ref(name)) => Some(last(name)),
        _ => None,
    }
}

/// The signal a call gives, if any.
fn signal_of(c: &Call) -> Option<Signal> {
    let callee = c.callee.as_str();
    let name = c.name();
    let under = |m: &str| {
        callee == m
            || callee
                .strip_prefix(m)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    if name == "JSONRenderer" || name.eq_ignore_ascii_case("JsonFormatter") {
        return Some(Signal::JsonLogs);
    }
    if matches!(name, "add" | "configure")
        && under("loguru")
        && c.keyword("serialize").is_some_and(|a| a.value.is_true())
    {
        return Some(Signal::JsonLogs);
    }
    if name == "ConsoleRenderer" {
        return Some(Signal::ConsoleLogs);
    }
    if matches!(name, "create_engine" | "create_async_engine")
        && is_resource(callee)
        && c.keyword("pool_pre_ping")
            .is_some_and(|a| a.value.is_true())
    {
        return Some(Signal::PrePingEngine);
    }
    // `dictConfig({…})` written out in the code is read (its JSON
    // formatter, if any, is a string the module holds); one built or
    // loaded elsewhere is not.
    let dict_config_arg = c.args.first().or(c.keyword("config")).map(|a| &a.value);
    if (callee == "logging.config.dictConfig" && dict_config_arg != Some(&Lit::Dict))
        || callee == "logging.config.fileConfig"
        || (matches!(callee, "uvicorn.run" | "uvicorn.Config")
            && c.keyword("log_config")
                .is_some_and(|a| a.value != Lit::None))
    {
        return Some(Signal::LogConfig);
    }
    if name == "StaticFiles" && (under("starlette.staticfiles") || under("fastapi.staticfiles")) {
        return Some(Signal::ServesStatic);
    }
    if under("tenacity")
        || under("backoff")
        || under("stamina")
        || callee == "urllib3.util.retry.Retry"
        || callee == "urllib3.Retry"
        || callee == "requests.adapters.Retry"
        || (matches!(callee, "httpx.AsyncHTTPTransport" | "httpx.HTTPTransport")
            && c.keyword("retries").is_some())
    {
        return Some(Signal::Retries);
    }
    if under("pybreaker") || under("aiobreaker") || under("purgatory") || under("circuitbreaker") {
        return Some(Signal::CircuitBreaker);
    }
    if matches!(
        callee,
        "redis.Redis"
            | "redis.StrictRedis"
            | "redis.from_url"
            | "redis.Redis.from_url"
            | "redis.asyncio.Redis"
            | "redis.asyncio.from_url"
            | "redis.asyncio.Redis.from_url"
            | "aioredis.from_url"
            | "pymemcache.client.base.Client"
            | "aiomcache.Client"
    ) || under("fastapi_cache")
        || under("aiocache")
        || under("cachetools")
    {
        return Some(Signal::Cache);
    }
    if (matches!(name, "create_engine" | "create_async_engine")
        && is_resource(callee)
        && ["pool_size", "max_overflow", "pool_recycle", "pool_timeout"]
            .iter()
            .any(|k| c.keyword(k).is_some()))
        || matches!(
            callee,
            "asyncpg.create_pool"
                | "psycopg_pool.ConnectionPool"
                | "psycopg_pool.AsyncConnectionPool"
        )
    {
        return Some(Signal::PoolConfigured);
    }
    if [
        "prometheus_client",
        "prometheus_fastapi_instrumentator",
        "starlette_exporter",
        "starlette_prometheus",
        "aioprometheus",
        "opentelemetry.metrics",
        "opentelemetry.sdk.metrics",
        "opentelemetry.exporter.prometheus",
    ]
    .iter()
    .any(|m| under(m))
    {
        return Some(Signal::Metrics);
    }
    if matches!(
        callee,
        "sentry_sdk.init"
            | "rollbar.init"
            | "bugsnag.configure"
            | "honeybadger.honeybadger.configure"
            | "newrelic.agent.initialize"
    ) || under("sentry_sdk.integrations")
        || under("elasticapm")
    {
        return Some(Signal::ErrorTracking);
    }
    if under("opentelemetry.instrumentation")
        || under("opentelemetry.sdk.trace")
        || callee == "opentelemetry.trace.set_tracer_provider"
        || under("ddtrace")
        || (under("logfire") && name.starts_with("instrument"))
    {
        return Some(Signal::Tracing);
    }
    match middleware_class(c)? {
        "GZipMiddleware" | "BrotliMiddleware" | "CompressMiddleware" => Some(Signal::Compression),
        "HTTPSRedirectMiddleware" => Some(Signal::HttpsRedirect),
        m if m.contains("SecureHeaders")
            || m.contains("SecurityHeaders")
            || m.contains("SecurityMiddleware")
            || m.contains("CSPMiddleware")
            || m.contains("HSTS") =>
        {
            Some(Signal::SecurityHeaders)
        }
        _ => None,
    }
}

/// Engines, pools and clients that hold connections open.
fn is_resource(callee: &str) -> bool {
    matches!(
        callee,
        "sqlalchemy.create_engine"
            | "sqlalchemy.ext.asyncio.create_async_engine"
            | "sqlmodel.create_engine"
            | "redis.Redis"
            | "redis.StrictRedis"
            | "redis.from_url"
            | "redis.Redis.from_url"
            | "redis.asyncio.Redis"
            | "redis.asyncio.from_url"
            | "redis.asyncio.Redis.from_url"
            | "aioredis.from_url"
            | "httpx.Client"
            | "httpx.AsyncClient"
            | "aiohttp.ClientSession"
            | "motor.motor_asyncio.AsyncIOMotorClient"
    )
}

/// What each function uses, from one pass over the module's calls: a
/// `Depends(…)` among its parameters, a call in its body beyond building
/// its answer.
fn uses(py: &PyFile) -> Vec<bool> {
    let mut used = vec![false; py.functions.len()];
    for c in &py.calls {
        let hit = if c.name() == "Depends" {
            c.owner
        } else if !c.decorator && !PLAIN.contains(&c.name()) {
            c.function
        } else {
            None
        };
        if let Some(u) = hit.and_then(|i| used.get_mut(i)) {
            *u = true;
        }
    }
    used
}

/// The function a route registration names, with what it answers:
/// `route` is the status its registration declares (`status_code=201`).
fn handler_of(py: &PyFile, used: &[bool], index: usize, route: Option<u16>) -> Option<Handler> {
    let f: &Function = py.functions.get(index)?;
    let mut statuses = f.statuses.clone();
    let success = route.unwrap_or(200);
    if let Err(i) = statuses.binary_search(&success) {
        statuses.insert(i, success);
    }
    Some(Handler {
        name: f.name.clone(),
        at: f.name_span,
        touches: used.get(index).copied().unwrap_or(false) || f.awaits,
        can_fail: f.raises || f.statuses.iter().any(|s| *s >= 400),
        statuses,
    })
}

impl Module {
    /// Reads the facts of one parsed module.
    pub fn read(py: &PyFile) -> Module {
        let mut m = Module::default();
        let used = uses(py);
        for c in &py.calls {
            if let Some(name) = &c.assigned_to {
                if is_app(c) {
                    if let Some(l) = c.keyword("lifespan") {
                        m.lifecycle.push(Lifecycle {
                            owner: name.clone(),
                            event: "lifespan".to_string(),
                            handler: match &l.value {
                                Lit::Ref(r) => Some(last(r).to_string()),
                                _ => None,
                            },
                            at: l.span,
                        });
                    }
                    m.apps.push(AppDef {
                        name: name.clone(),
                        at: c.callee_span,
                        opaque: c.keyword("routes").is_some() || c.splat,
                        factory: c
                            .function
                            .and_then(|i| py.functions.get(i))
                            .map(|f| f.name.clone()),
                        arguments: literal_keywords(c),
                    });
                } else if is_router(c) {
                    if let Some(r) = ref_of(c.keyword("prefix").map(|a| &a.value)) {
                        m.router_refs.push((name.clone(), r));
                    }
                    m.routers.push((
                        name.clone(),
                        lit_prefix(c.keyword("prefix").map(|a| &a.value)),
                    ));
                } else if is_resource(&c.callee) && !c.in_function {
                    m.resources.push(Resource {
                        name: name.clone(),
                        callee: c.callee.clone(),
                        at: c.callee_span,
                    });
                }
            }
            if let Some(s) = signal_of(c) {
                m.signals.push((s, c.callee_span));
            }
            if let Some(class) = middleware_class(c) {
                m.middleware.push(MiddlewareDef {
                    owner: (c.name() == "add_middleware").then(|| c.module().to_string()),
                    class: class.to_string(),
                    arguments: literal_keywords(c),
                    at: c.span,
                });
            }
            if c.decorator
                && c.name() == "on_event"
                && let Some(Lit::Str(event)) = c.args.first().map(|a| &a.value)
            {
                m.lifecycle.push(Lifecycle {
                    owner: c.module().to_string(),
                    event: event.clone(),
                    handler: c
                        .owner
                        .and_then(|i| py.functions.get(i))
                        .map(|f| f.name.clone()),
                    at: c.span,
                });
            }
            let name = c.name();
            if c.callee == "uvicorn.run"
                && let Some(Lit::Str(spec)) = c.args.first().map(|a| &a.value)
            {
                m.runs.push(spec.clone());
            }
            if c.in_function && matches!(name, "close" | "aclose" | "dispose" | "disconnect") {
                let receiver = last(c.module());
                if !receiver.is_empty() {
                    m.closed.push(receiver.to_string());
                }
            }
            if name == "Depends"
                && let Some(Lit::Ref(r)) = c.args.first().map(|a| &a.value)
            {
                m.dependencies.push(last(r).to_string());
            }
            let owner = c.module();
            if owner.is_empty() {
                continue;
            }
            if is_route_call(name) && (c.decorator || name.starts_with("add_")) {
                // A decorator's route is the function it decorates; a
                // registration names its endpoint.
                let handler = if c.decorator {
                    let declared = match c.keyword("status_code").map(|a| &a.value) {
                        Some(Lit::Int(n)) => u16::try_from(*n).ok(),
                        Some(Lit::Ref(r)) => crate::parse::python::calls::status_in_name(r),
                        _ => None,
                    };
                    c.owner.and_then(|i| handler_of(py, &used, i, declared))
                } else {
                    None
                };
                m.routes.push(RouteDef {
                    owner: owner.to_string(),
                    path: match c.args.first().map(|a| &a.value) {
                        Some(Lit::Str(p)) => Some(p.clone()),
                        _ => c.keyword("path").and_then(|a| match &a.value {
                            Lit::Str(p) => Some(p.clone()),
                            _ => None,
                        }),
                    },
                    at: c.span,
                    handler,
                });
            } else if name == "include_router" {
                m.includes.push(Include {
                    owner: owner.to_string(),
                    target: match c.args.first().map(|a| &a.value) {
                        Some(Lit::Ref(r)) => Some(r.clone()),
                        _ => None,
                    },
                    prefix: lit_prefix(c.keyword("prefix").map(|a| &a.value)),
                    prefix_ref: ref_of(c.keyword("prefix").map(|a| &a.value)),
                });
            } else if name == "mount" || name == "host" {
                m.includes.push(Include {
                    owner: owner.to_string(),
                    target: match c.args.get(1).or(c.keyword("app")).map(|a| &a.value) {
                        Some(Lit::Ref(r)) => Some(r.clone()),
                        _ => None,
                    },
                    prefix: (name == "mount")
                        .then(|| lit_prefix(c.args.first().map(|a| &a.value)))
                        .flatten(),
                    prefix_ref: (name == "mount")
                        .then(|| ref_of(c.args.first().map(|a| &a.value)))
                        .flatten(),
                });
            }
        }
        m.settings_classes = py.settings.iter().map(|c| c.name.clone()).collect();
        m.settings = py
            .settings
            .iter()
            .map(|c| Settings {
                class: c.name.clone(),
                at: c.name_span,
                prefix: c.config.env_prefix.clone(),
                case_sensitive: c.config.case_sensitive == Some(true),
                fields: c
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), f.env.clone()))
                    .collect(),
                required: c
                    .fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| (f.name.clone(), f.env.clone(), f.name_span))
                    .collect(),
                env_files: c.config.env_file.clone(),
                texts: c
                    .fields
                    .iter()
                    .filter_map(|f| match &f.default {
                        Some((Lit::Str(v), _)) => Some((f.name.clone(), v.clone(), f.env.clone())),
                        _ => None,
                    })
                    .collect(),
            })
            .collect();
        for class in &py.settings {
            for f in &class.fields {
                if let Some((Lit::Bool(b), _)) = &f.default {
                    m.flags.push(Flag {
                        field: f.name.clone(),
                        env: f.env.clone(),
                        case_sensitive: class.config.case_sensitive == Some(true),
                        default: *b,
                        at: f.name_span,
                    });
                }
            }
        }
        for (mark, at) in &py.marks {
            m.signals.push((
                match mark {
                    Mark::JsonFormatter => Signal::JsonLogs,
                    Mark::SecurityHeader => Signal::SecurityHeaders,
                },
                *at,
            ));
        }
        m
    }

    pub fn is_empty(&self) -> bool {
        *self == Module::default()
    }
}

/// Words in configuration files (a logging config, a proxy's) that say
/// the set-up is done there.
const TEXT_SIGNALS: &[(&str, Signal)] = &[
    ("jsonlogger", Signal::JsonLogs),
    ("JsonFormatter", Signal::JsonLogs),
    ("json_log_formatter", Signal::JsonLogs),
    ("gzip on", Signal::Compression),
    ("Strict-Transport-Security", Signal::SecurityHeaders),
    ("Content-Security-Policy", Signal::SecurityHeaders),
];

impl Module {
    /// The set-up a configuration file (not Python) states.
    pub fn from_text(text: &str) -> Module {
        let mut m = Module::default();
        for (word, signal) in TEXT_SIGNALS {
            if let Some(at) = memchr::memmem::find(text.as_bytes(), word.as_bytes()) {
                m.signals.push((*signal, Span::new(at, at + word.len())));
            }
        }
        m
    }

    /// Might a configuration file's text state some set-up?
    pub fn text_may_signal(text: &str) -> bool {
        TEXT_SIGNALS
            .iter()
            .any(|(w, _)| memchr::memmem::find(text.as_bytes(), w.as_bytes()).is_some())
    }
}

/// Might a Python module's text say anything the app model reads?
pub fn python_may_say(text: &str) -> bool {
    static WORDS_AC: crate::words::Lazy = crate::words::Lazy::new();
    WORDS_AC.any(&[WORDS], text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::python::parse_file;

    #[test]
    fn apps_middleware_and_lifecycle_are_read_with_their_literal_arguments() {
        let m = Module::read(&parse_file(
            "from fastapi import FastAPI\n\
             from fastapi.middleware.cors import CORSMiddleware\n\
             from fastapi.middleware.gzip import GZipMiddleware\n\
             app = FastAPI(debug=False, docs_url=None, lifespan=lifespan, title=name())\n\
             app.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_credentials=True)\n\
             app.add_middleware(GZipMiddleware, minimum_size=1000)\n\
             @app.on_event(\"shutdown\")\n\
             async def close(): ...\n",
            false,
        ));
        let app = &m.apps[0];
        assert_eq!(app.name, "app");
        assert_eq!(
            app.arguments,
            [
                ("debug".to_string(), Lit::Bool(false)),
                ("docs_url".to_string(), Lit::None),
                ("lifespan".to_string(), Lit::Ref("lifespan".to_string())),
            ]
        );
        let classes: Vec<_> = m
            .middleware
            .iter()
            .map(|d| (d.owner.as_deref(), d.class.as_str(), d.arguments.len()))
            .collect();
        assert_eq!(
            classes,
            [
                (Some("app"), "CORSMiddleware", 2),
                (Some("app"), "GZipMiddleware", 1)
            ]
        );
        let events: Vec<_> = m
            .lifecycle
            .iter()
            .map(|l| (l.event.as_str(), l.handler.as_deref()))
            .collect();
        assert_eq!(
            events,
            [("lifespan", Some("lifespan")), ("shutdown", Some("close"))]
        );
        assert!(m.signals.iter().any(|(s, _)| *s == Signal::Compression));
    }

    #[test]
    fn handlers_carry_the_statuses_they_can_answer_with() {
        let m = Module::read(&parse_file(
            "from fastapi import APIRouter, HTTPException, status\n\
             from fastapi.responses import JSONResponse\n\
             router = APIRouter()\n\
             @router.post(\"/items\", status_code=status.HTTP_201_CREATED)\n\
             def create():\n    \
                 raise HTTPException(404, detail=\"no\")\n\
             @router.get(\"/ready\")\n\
             async def ready():\n    \
                 if not ok():\n        \
                     return JSONResponse({}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)\n    \
                 return {\"MAX_100_ITEMS\": 1}\n\
             @router.get(\"/live\", status_code=204)\n\
             def live():\n    \
                 if upstream().status_code == status.HTTP_500_INTERNAL_SERVER_ERROR:\n        \
                     log(HTTP_5000)\n    \
                 return None\n",
            false,
        ));
        let seen: Vec<_> = m
            .routes
            .iter()
            .filter_map(|r| r.handler.as_ref())
            .map(|h| (h.name.as_str(), h.statuses.clone(), h.can_fail))
            .collect();
        assert_eq!(
            seen,
            [
                ("create", vec![201, 404], true),
                ("ready", vec![200, 503], true),
                ("live", vec![204], false),
            ]
        );
    }
}
