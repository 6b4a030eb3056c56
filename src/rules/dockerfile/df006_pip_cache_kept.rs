use super::*;

declare_rule! {
    /// ## What it checks
    /// `pip install` in the final image without `--no-cache-dir`, an
    /// earlier `ENV PIP_NO_CACHE_DIR=1`, or a BuildKit cache mount; also
    /// `uv pip install` / `uv sync` without `--no-cache`, `UV_NO_CACHE` or a
    /// cache mount.
    ///
    /// ## Why it matters in production
    /// pip keeps every downloaded wheel in `~/.cache/pip`, inside the layer:
    /// often 100 MB or more that every node pulls and no one ever reads.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    /// or keep the cache out of the image and across builds:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Safe: inserts `--no-cache-dir` (`--no-cache` for uv) after `install`.
    ///
    /// ## References
    /// - [pip: caching](https://pip.pypa.io/en/stable/topics/caching/)
    /// - [uv: caching](https://docs.astral.sh/uv/concepts/cache/)
    pub struct PipCacheKept {
        code: "DF006",
        name: "pip-cache-kept",
        severity: Warning,
        fix: Safe,
        summary: "`pip install` keeps its download cache in the image",
    }
}

impl Rule for PipCacheKept {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        let pip_env = env_first_set(df, "PIP_NO_CACHE_DIR");
        let uv_env = env_first_set(df, "UV_NO_CACHE");
        for run in final_runs(df) {
            if has_cache_mount(run, &[]) {
                continue;
            }
            for cmd in commands(run) {
                let Some((prog, sub, uv)) = pip_install(cmd) else {
                    continue;
                };
                let (flag, env, env_at) = if uv {
                    ("--no-cache", "UV_NO_CACHE", uv_env)
                } else {
                    ("--no-cache-dir", "PIP_NO_CACHE_DIR", pip_env)
                };
                // pip's option parser accepts `--no-cache` for `--no-cache-dir`.
                let flagged = cmd.args().iter().any(|w| w.text.starts_with("--no-cache"))
                    || (uv && cmd.has_arg("-n"));
                let by_prefix = cmd
                    .assignments
                    .iter()
                    .any(|a| a.text.starts_with(&format!("{env}=")));
                if flagged || by_prefix || env_at.is_some_and(|at| at < run.span.start) {
                    continue;
                }
                let what = if uv {
                    format!("`uv {}`", sub.text)
                } else {
                    "`pip install`".to_string()
                };
                out.report(
                    &Self::META,
                    prog.span.cover(sub.span),
                    format!("{what} keeps its download cache in the image"),
                )
                .help(format!(
                    "add `{flag}`, or use `RUN --mount=type=cache,target=/root/.cache/{}`",
                    if uv { "uv" } else { "pip" }
                ))
                .fix(
                    Applicability::Safe,
                    format!("insert `{flag}`"),
                    vec![Edit::insert(sub.span.end, format!(" {flag}"))],
                );
            }
        }
    }
}
