use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `stdout_logfile` or `stderr_logfile` that is
    /// `/dev/stdout`, `/dev/stderr` or another stream (`/dev/fd/1`,
    /// `/proc/self/fd/2`, …) without the matching `*_logfile_maxbytes=0`.
    /// The `[supervisord]` section's `logfile` is checked the same way
    /// against `logfile_maxbytes`.
    ///
    /// ## Why it matters in production
    /// supervisord rotates log files by size (50 MB by default), which
    /// needs to seek in the file. A stream cannot seek: the program fails to
    /// start with `Illegal seek` — a container that logs to standard output
    /// the usual way never comes up.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// stdout_logfile=/dev/stdout
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// stdout_logfile=/dev/stdout
    /// stdout_logfile_maxbytes=0
    /// ```
    ///
    /// ## Fix
    /// Safe: adds `*_logfile_maxbytes=0` after the log file setting.
    ///
    /// ## References
    /// - [supervisord: stdout_logfile_maxbytes](https://supervisord.org/configuration.html#program-x-section-values)
    pub struct SupervisorStdoutSeek {
        code: "PM025",
        name: "supervisor-stdout-seek",
        severity: Error,
        fix: Safe,
        summary: "supervisord rotates a log that is a stream, and the program fails to start",
    }
}

fn check(section: &Section, key: &str, out: &mut Findings) {
    let Some(e) = section.get(key) else { return };
    if !is_stream(e.value.trim()) || e.value.trim() == "-" {
        return;
    }
    let max_key = format!("{key}_maxbytes");
    let zero = section
        .value(&max_key)
        .is_some_and(|v| matches!(v.trim(), "0" | "0B" | "0KB" | "0MB" | "0GB"));
    if zero {
        return;
    }
    out.report(
        &SupervisorStdoutSeek::META,
        e.value_span,
        format!("`{key}={}` cannot be rotated: without `{max_key}=0` supervisord fails with `Illegal seek`", e.value),
    )
    .help(format!("add `{max_key}=0`"))
    .fix(
        Applicability::Safe,
        format!("add `{max_key}=0`"),
        match section.get(&max_key) {
            Some(m) => vec![Edit::replace(m.value_span, "0")],
            None => vec![line_after(e.line_span.end, format!("{max_key}=0"))],
        },
    );
}

impl Rule for SupervisorStdoutSeek {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in &cx.programs {
            check(p.section, "stdout_logfile", out);
            check(p.section, "stderr_logfile", out);
        }
        if let Some(s) = cx.ini.section("supervisord") {
            check(s, "logfile", out);
        }
    }
}
