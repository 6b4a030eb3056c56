use super::*;

declare_rule! {
    /// ## What it checks
    /// A production env file with a `sqlite` database URL (`sqlite:///…`,
    /// `sqlite+aiosqlite:///…`).
    ///
    /// ## Why it matters in production
    /// SQLite lives on the container's file system: each replica has its
    /// own database, and every deploy or restart starts from an empty one
    /// unless a volume is mounted; concurrent writers from several workers
    /// hit `database is locked`.
    ///
    /// ## Example
    /// ```shell
    /// DATABASE_URL=sqlite:///./app.db
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DATABASE_URL=postgresql+psycopg://app@db:5432/app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [SQLite: appropriate uses](https://www.sqlite.org/whentouse.html)
    pub struct SqliteInProduction {
        code: "EN023",
        name: "sqlite-in-production",
        severity: Warning,
        fix: None,
        summary: "a production env file points at SQLite",
    }
}

impl Rule for SqliteInProduction {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.environment != Environment::Production {
            return;
        }
        for e in &cx.env.entries {
            if e.value.to_ascii_lowercase().starts_with("sqlite") && e.value.contains("://") {
                out.report(
                    &Self::META,
                    e.value_span,
                    format!("`{}` points at SQLite in a production env file", e.key),
                )
                .help("use a database server (PostgreSQL, MySQL) shared by every replica");
            }
        }
    }
}
