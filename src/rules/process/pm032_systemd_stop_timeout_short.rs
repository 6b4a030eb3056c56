use super::*;

declare_rule! {
    /// ## What it checks
    /// A systemd server unit whose `TimeoutStopSec=` (or `TimeoutSec=`) is
    /// shorter than the server's graceful timeout: gunicorn's
    /// `graceful_timeout` (30 s by default), or uvicorn's and hypercorn's
    /// graceful shutdown timeout when one is given. systemd's default stop
    /// timeout (90 s) is long enough and is not reported.
    ///
    /// ## Why it matters in production
    /// systemd sends SIGTERM, waits `TimeoutStopSec`, then SIGKILL. A
    /// shorter wait than the server's own kills requests in flight on every
    /// restart and deploy.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// TimeoutStopSec=5
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// TimeoutStopSec=40
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [systemd.service: TimeoutStopSec=](https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#TimeoutStopSec=)
    /// - [systemd.time: time spans](https://www.freedesktop.org/software/systemd/man/latest/systemd.time.html)
    pub struct SystemdStopTimeoutShort {
        code: "PM032",
        name: "systemd-stop-timeout-short",
        severity: Warning,
        fix: None,
        summary: "systemd kills the server before its graceful timeout ends",
    }
}

/// A systemd time span in seconds (`90`, `1min 30s`, `500ms`); `None` for
/// `infinity` or what does not parse.
pub fn seconds(span: &str) -> Option<f64> {
    let s = span.trim();
    if s.is_empty() || s == "infinity" {
        return None;
    }
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = rest[num_end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "" | "s" | "sec" | "second" | "seconds" => 1.0,
            "ms" | "msec" => 0.001,
            "us" | "usec" => 0.000_001,
            "m" | "min" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hour" | "hours" => 3600.0,
            _ => return None,
        };
        total += n * factor;
        rest = &rest[unit_end..];
    }
    Some(total)
}

impl ProcessRule for SystemdStopTimeoutShort {
    impl_meta!();

    fn systemd(&self, cx: &SystemdContext<'_>, out: &mut Findings) {
        let Some((graceful, what)) = longest_graceful(&cx.launches) else {
            return;
        };
        let Some(e) = cx
            .service
            .get("TimeoutStopSec")
            .or_else(|| cx.service.get("TimeoutSec"))
        else {
            return;
        };
        let Some(wait) = seconds(&e.value) else {
            return;
        };
        if wait < graceful as f64 {
            out.report(
                &Self::META,
                e.value_span,
                format!(
                    "`{}={}` is shorter than {what} ({graceful} s): requests in flight are killed",
                    e.key, e.value
                ),
            )
            .help(format!("set `TimeoutStopSec` above {graceful}s"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn time_spans() {
        assert_eq!(seconds("90"), Some(90.0));
        assert_eq!(seconds("1min 30s"), Some(90.0));
        assert_eq!(seconds("2m"), Some(120.0));
        assert_eq!(seconds("500ms"), Some(0.5));
        assert_eq!(seconds("infinity"), None);
        assert_eq!(seconds("soon"), None);
    }
}
