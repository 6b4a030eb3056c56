use super::*;

declare_rule! {
    /// ## What it checks
    /// A readiness route (its path ends in `ready`, `readyz` or
    /// `readiness`: `/ready`, `/health/ready`, …) whose function uses
    /// nothing and cannot fail: no `Depends(…)`, no `await`, no call
    /// beyond building its answer, no `raise` and no 503 anywhere in it.
    ///
    /// ## Why it matters in production
    /// Readiness is the question "can this instance serve?". Kubernetes
    /// and load balancers send traffic only to instances that answer it
    /// with 200. A route that always answers 200 says yes while the
    /// database is down or the cache unreachable, so requests keep going
    /// to an instance that can only fail them.
    ///
    /// ## Example
    /// ```python
    /// @app.get("/health/ready")
    /// def ready():
    ///     return {"status": "ready"}
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.get("/health/ready")
    /// async def ready(db: AsyncSession = Depends(get_db)):
    ///     try:
    ///         await db.execute(text("SELECT 1"))
    ///     except Exception:
    ///         raise HTTPException(status_code=503, detail="database unavailable")
    ///     return {"status": "ready"}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: readiness probes](https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/#readiness-probe)
    pub struct ReadinessChecksNothing {
        code: "PY016",
        name: "readiness-checks-nothing",
        severity: Info,
        fix: None,
        summary: "the readiness route checks nothing and always answers 200",
    }
}

impl Rule for ReadinessChecksNothing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["/ready", "/readiness"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        let facts = module_facts(cx);
        for r in &facts.routes {
            let (Some(path), Some(h)) = (&r.path, &r.handler) else {
                continue;
            };
            // A route at its router's root ends where the router's prefix
            // does (`APIRouter(prefix="/ready")` with `@router.get("")`).
            let own = crate::project::apps::tail(path);
            let tail = if own.is_empty() {
                facts
                    .routers
                    .iter()
                    .find(|(n, _)| *n == r.owner)
                    .and_then(|(_, p)| p.as_deref())
                    .map_or("", crate::project::apps::tail)
            } else {
                own
            };
            if !super::py015_health_routes_missing::READINESS.contains(&tail)
                || h.touches
                || h.can_fail
            {
                continue;
            }
            out.report(
                &Self::META,
                h.at,
                format!("the readiness route `{path}` uses no dependency and cannot fail: it answers 200 while the database or cache is down"),
            )
            .related(r.at, "the route")
            .help("check what the app needs to serve (a `SELECT 1`, a cache ping) and answer 503 when it fails");
        }
    }
}
