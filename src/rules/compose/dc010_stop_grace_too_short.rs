use super::*;

declare_rule! {
    /// ## What it checks
    /// A service running gunicorn (from its `command:`, or the `CMD` of the
    /// Dockerfile it builds) whose `stop_grace_period` (10 s by default) is
    /// shorter than gunicorn's graceful timeout (`graceful_timeout`, 30 s by
    /// default, read from the command line, `GUNICORN_CMD_ARGS` and the
    /// configuration file), or a uvicorn service with a longer
    /// `--timeout-graceful-shutdown`.
    ///
    /// ## Why it matters in production
    /// `docker compose stop` and every redeploy send SIGTERM, wait the
    /// grace period, then SIGKILL. The server was promised more time to
    /// finish its requests: they are cut off on every deploy.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     command: gunicorn -k uvicorn_worker.UvicornWorker app.main:app
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     command: gunicorn -k uvicorn_worker.UvicornWorker app.main:app
    ///     stop_grace_period: 35s
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose file reference: stop_grace_period](https://docs.docker.com/reference/compose-file/services/#stop_grace_period)
    /// - [gunicorn: graceful_timeout](https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout)
    pub struct StopGraceTooShort {
        code: "DC010",
        name: "stop-grace-too-short",
        severity: Info,
        fix: None,
        summary: "compose kills the server before its graceful timeout ends",
    }
}

/// A compose duration (`10s`, `1m30s`, `500ms`, `1h`) in seconds.
pub fn duration(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let f = match &rest[..unit_end] {
            "" | "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * f;
        rest = &rest[unit_end..];
    }
    Some(total)
}

impl ComposeRule for StopGraceTooShort {
    impl_meta!();

    fn check(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (i, (s, _, launches)) in cx.services().enumerate() {
            let launches = if launches.is_empty() {
                cx.image_launches.get(i).map_or(&[][..], Vec::as_slice)
            } else {
                launches
            };
            let Some((graceful, what)) = crate::rules::process::longest_graceful(launches) else {
                continue;
            };
            let entry = s.str_of("stop_grace_period");
            let wait = match &entry {
                Some(e) => match duration(&e.text) {
                    Some(w) => w,
                    None => continue,
                },
                None => 10.0,
            };
            if wait >= graceful as f64 {
                continue;
            }
            let span = entry.as_ref().map_or(s.name.span, |e| e.span);
            let given = if entry.is_some() {
                ""
            } else {
                " (the default)"
            };
            out.report(
                &Self::META,
                span,
                format!("`stop_grace_period` is {wait} s{given}, shorter than {what} ({graceful} s): requests in flight are killed"),
            )
            .help(format!("set `stop_grace_period` above {graceful}s"));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration("10s"), Some(10.0));
        assert_eq!(super::duration("1m30s"), Some(90.0));
        assert_eq!(super::duration("500ms"), Some(0.5));
        assert_eq!(super::duration("soon"), None);
    }
}
