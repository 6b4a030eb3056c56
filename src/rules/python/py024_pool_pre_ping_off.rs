use super::*;

declare_rule! {
    /// ## What it checks
    /// `create_engine(…)` / `create_async_engine(…)` (SQLAlchemy,
    /// SQLModel) for a server database without `pool_pre_ping=True`. A
    /// server database: the URL literal names PostgreSQL, MySQL, MariaDB,
    /// Oracle or SQL Server; or the URL is not a literal and the project
    /// installs a driver for one (`psycopg`, `asyncpg`, `pymysql`, …).
    /// SQLite, a `poolclass=` of the code's choice, `**kwargs` and an
    /// engine bound to a local name inside a function (a script's or a
    /// one-off export's, gone after the call) are left alone; so is an
    /// engine made inside a function or method when the app's own engine,
    /// somewhere in its package, is made with `pool_pre_ping=True` (the
    /// team knows the setting: the other engine serves a task, such as a
    /// backup exporter's, and is dropped with it).
    ///
    /// ## Why it matters in production
    /// The pool keeps connections open. When the database restarts, fails
    /// over, or a firewall drops idle connections, the pool hands out dead
    /// ones and the next request on each fails with a connection error.
    /// `pool_pre_ping` tests a connection when it is checked out and
    /// replaces it when it is dead.
    ///
    /// ## Example
    /// ```python
    /// engine = create_engine(settings.database_url)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// engine = create_engine(settings.database_url, pool_pre_ping=True)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [SQLAlchemy: dealing with disconnects, pessimistic](https://docs.sqlalchemy.org/en/20/core/pooling.html#disconnect-handling-pessimistic)
    pub struct PoolPrePingOff {
        code: "PY024",
        name: "pool-pre-ping-off",
        severity: Info,
        fix: None,
        summary: "the database pool hands out connections without checking them",
    }
}

const SERVER_SCHEMES: &[&str] = &["postgres", "mysql", "mariadb", "oracle", "mssql"];
const SERVER_DRIVERS: &[&str] = &[
    "psycopg",
    "psycopg2",
    "psycopg2-binary",
    "psycopg-binary",
    "asyncpg",
    "pymysql",
    "mysqlclient",
    "aiomysql",
    "asyncmy",
    "oracledb",
    "pyodbc",
    "aioodbc",
];

impl Rule for PoolPrePingOff {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["create_engine", "create_async_engine"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        let dir = crate::project::dir_of(&cx.file.path);
        let installs_driver = || {
            cx.project.dependencies(&dir).is_some_and(|d| {
                d.iter()
                    .any(|x| SERVER_DRIVERS.contains(&x.requirement.name.as_str()))
            })
        };
        for c in cx.calls.iter().filter(|c| {
            matches!(
                c.callee.as_str(),
                "sqlalchemy.create_engine"
                    | "sqlalchemy.ext.asyncio.create_async_engine"
                    | "sqlmodel.create_engine"
            )
        }) {
            // An engine bound to a local name in a function serves that
            // call (a script, a one-off export) and is gone after it.
            let one_off = c.in_function && c.assigned_to.is_some();
            // The app's engine checks its connections (somewhere in its
            // package): an engine made inside a function or method
            // without it is a special-purpose one (an export, a
            // migration), made for a task and dropped after it.
            let secondary = c.in_function
                && signal(signals(cx), Signal::PrePingEngine).is_some_and(|at| {
                    at.span != c.callee_span || *at.file != *cx.project.key(&cx.file.path)
                });
            if one_off
                || secondary
                || c.splat
                || c.keyword("pool_pre_ping").is_some()
                || c.keyword("poolclass").is_some()
            {
                continue;
            }
            let url = c.args.first().or(c.keyword("url")).map(|a| &a.value);
            let server = match url {
                Some(Lit::Str(u)) => SERVER_SCHEMES.iter().any(|s| u.starts_with(s)),
                Some(Lit::Ref(_) | Lit::Other) => installs_driver(),
                _ => false,
            };
            if !server {
                continue;
            }
            out.report(
                &Self::META,
                c.callee_span,
                "this engine's pool hands out connections without testing them: after a database restart or failover, requests fail on dead connections",
            )
            .help("pass `pool_pre_ping=True`");
        }
    }
}
