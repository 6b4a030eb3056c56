use super::*;

declare_rule! {
    /// ## What it checks
    /// A module-level database engine, Redis client, `httpx` client,
    /// `aiohttp` session or Motor client in an app's package that no
    /// function of the package closes (`dispose()`, `close()`,
    /// `aclose()`, `disconnect()` on that name; a lifespan or shutdown
    /// handler is where it belongs). Only packages that make a FastAPI or
    /// Starlette app are judged.
    ///
    /// ## Why it matters in production
    /// On every deploy and scale-in the process is stopped. Connections
    /// left open are cut instead of returned: the database sees aborted
    /// sessions, async clients warn about unclosed sessions, and buffered
    /// work may be lost.
    ///
    /// ## Example
    /// ```python
    /// engine = create_async_engine(settings.database_url)
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @asynccontextmanager
    /// async def lifespan(app):
    ///     yield
    ///     await engine.dispose()
    ///
    /// app = FastAPI(lifespan=lifespan)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: lifespan events](https://fastapi.tiangolo.com/advanced/events/)
    /// - [SQLAlchemy: engine disposal](https://docs.sqlalchemy.org/en/20/core/connections.html#engine-disposal)
    pub struct ResourcesNotClosed {
        code: "PY025",
        name: "resources-not-closed",
        severity: Info,
        fix: None,
        summary: "a module-level engine or client is never closed",
    }
}

impl Rule for ResourcesNotClosed {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &[
            "create_engine",
            "create_async_engine",
            "Redis(",
            "from_url(",
            "Client(",
            "ClientSession(",
            "AsyncIOMotorClient(",
        ]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        let facts = module_facts(cx);
        if facts.resources.is_empty() {
            return;
        }
        let near = cx.project.app_model().near(&cx.project.key(&cx.file.path));
        if !near.has_app && facts.apps.is_empty() {
            return;
        }
        for r in &facts.resources {
            if near.closed.contains(&r.name) || facts.closed.contains(&r.name) {
                continue;
            }
            let what = crate::project::facts::app::last(&r.callee);
            out.report(
                &Self::META,
                r.at,
                format!("`{}` (`{what}`) is never closed: its connections are cut, not returned, when the app stops", r.name),
            )
            .help(format!("close it in the app's lifespan after `yield` (`{}.dispose()` for an engine, `aclose()`/`close()` for a client)", r.name));
        }
    }
}
