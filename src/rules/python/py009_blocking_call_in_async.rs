use super::*;

declare_rule! {
    /// ## What it checks
    /// A blocking call written directly inside an `async def`:
    /// `time.sleep`, the `requests` functions (`requests.get`, …,
    /// `requests.request`), `urllib.request.urlopen`. A call inside a
    /// nested `def` or a lambda is not counted (it may run in a thread).
    ///
    /// ## Why it matters in production
    /// An `async def` route runs on the event loop. A blocking call stops
    /// the loop for its whole duration: every other request of that
    /// worker waits, health checks time out, and a slow upstream becomes
    /// an outage.
    ///
    /// ## Example
    /// ```python
    /// @app.get("/rates")
    /// async def rates():
    ///     return requests.get(RATES_URL, timeout=5).json()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.get("/rates")
    /// async def rates():
    ///     async with httpx.AsyncClient(timeout=5) as client:
    ///         return (await client.get(RATES_URL)).json()
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: concurrency and async / await](https://fastapi.tiangolo.com/async/)
    pub struct BlockingCallInAsync {
        code: "PY009",
        name: "blocking-call-in-async",
        severity: Warning,
        fix: None,
        summary: "a blocking call stalls the event loop",
    }
}

/// Calls that block the thread they run on.
fn blocking(callee: &str) -> Option<&'static str> {
    if callee == "time.sleep" {
        return Some("`time.sleep` blocks; use `await asyncio.sleep(…)`");
    }
    if callee == "urllib.request.urlopen" {
        return Some("`urllib.request.urlopen` blocks; use an async HTTP client");
    }
    let (module, name) = callee.rsplit_once('.')?;
    (module == "requests" && sends_request(name))
        .then_some("`requests` blocks; use `httpx.AsyncClient` (or run it in a thread)")
}

impl Rule for BlockingCallInAsync {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["time.sleep", "from time import", "requests.", "urlopen"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for c in cx.calls.iter().filter(|c| c.in_async) {
            if let Some(why) = blocking(&c.callee) {
                out.report(
                    &Self::META,
                    c.callee_span,
                    format!("a blocking call inside `async def` stalls the event loop: {why}"),
                );
            }
        }
    }
}
