use super::*;
use crate::config::edit_distance;

declare_rule! {
    /// ## What it checks
    /// A module-level name in a gunicorn configuration file that is not a
    /// gunicorn setting but is one or two letters away from one
    /// (`worker_classs`, `graceful_timout`, `log_level`). Names read
    /// elsewhere in the file are helper variables and are not reported,
    /// nor are names starting with `_` or in capitals.
    ///
    /// ## Why it matters in production
    /// gunicorn reads every module-level name of its configuration file and
    /// silently ignores those that are not settings. A misspelt setting
    /// keeps its default with no warning: the timeout the team tuned, the
    /// worker class it chose, are not in effect.
    ///
    /// ## Example
    /// ```python
    /// graceful_timout = 30
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// graceful_timeout = 30
    /// ```
    ///
    /// ## Fix
    /// None: the intended setting is a guess.
    ///
    /// ## References
    /// - [gunicorn: settings](https://docs.gunicorn.org/en/stable/settings.html)
    pub struct UnknownGunicornSetting {
        code: "PM013",
        name: "unknown-gunicorn-setting",
        severity: Warning,
        fix: None,
        summary: "a name in a gunicorn configuration file is a misspelt setting that gunicorn ignores",
    }
}

/// gunicorn's settings (23.x), as its configuration file spells them.
pub const SETTINGS: &[&str] = &[
    "access_log_format",
    "accesslog",
    "backlog",
    "bind",
    "ca_certs",
    "capture_output",
    "casefold_http_method",
    "cert_reqs",
    "certfile",
    "chdir",
    "check_config",
    "child_exit",
    "ciphers",
    "config",
    "daemon",
    "default_proc_name",
    "disable_redirect_access_to_syslog",
    "do_handshake_on_connect",
    "dogstatsd_tags",
    "enable_stdio_inheritance",
    "errorlog",
    "forwarded_allow_ips",
    "graceful_timeout",
    "group",
    "header_map",
    "initgroups",
    "keepalive",
    "keyfile",
    "limit_request_field_size",
    "limit_request_fields",
    "limit_request_line",
    "logconfig",
    "logconfig_dict",
    "logconfig_json",
    "logger_class",
    "loglevel",
    "max_requests",
    "max_requests_jitter",
    "nworkers_changed",
    "on_exit",
    "on_reload",
    "on_starting",
    "paste",
    "permit_obsolete_folding",
    "permit_unconventional_http_method",
    "permit_unconventional_http_version",
    "pidfile",
    "post_fork",
    "post_request",
    "post_worker_init",
    "pre_exec",
    "pre_fork",
    "pre_request",
    "preload_app",
    "print_config",
    "proc_name",
    "proxy_allow_ips",
    "proxy_protocol",
    "pythonpath",
    "raw_env",
    "raw_paste_global_conf",
    "reload",
    "reload_engine",
    "reload_extra_files",
    "reuse_port",
    "secure_scheme_headers",
    "sendfile",
    "spew",
    "ssl_context",
    "ssl_version",
    "statsd_host",
    "statsd_prefix",
    "strip_header_spaces",
    "suppress_ragged_eofs",
    "syslog",
    "syslog_addr",
    "syslog_facility",
    "syslog_prefix",
    "threads",
    "timeout",
    "tmp_upload_dir",
    "umask",
    "user",
    "when_ready",
    "worker_abort",
    "worker_class",
    "worker_connections",
    "worker_exit",
    "worker_int",
    "worker_tmp_dir",
    "workers",
    "wsgi_app",
];

/// Two edits change at most two of the letters: a cheap test before the
/// edit distance (most names are far from every setting).
fn shares_letters(a: &str, b: &str) -> bool {
    let mut counts = [0i32; 128];
    for c in a.bytes() {
        counts[usize::from(c & 0x7f)] += 1;
    }
    for c in b.bytes() {
        counts[usize::from(c & 0x7f)] -= 1;
    }
    counts.iter().map(|c| c.abs()).sum::<i32>() <= 4
}

/// The setting `name` is probably a misspelling of.
fn closest(name: &str) -> Option<&'static str> {
    SETTINGS
        .iter()
        // Two edits change the length by two at most.
        .filter(|s| s.len().abs_diff(name.len()) <= 2 && shares_letters(name, s))
        .map(|s| (edit_distance(name, s), *s))
        .filter(|(d, s)| *d > 0 && *d <= 2 && d * 4 <= s.len())
        .min()
        .map(|(_, s)| s)
}

impl Rule for UnknownGunicornSetting {
    impl_meta!();

    fn gunicorn_config(&self, cx: &ConfigContext<'_>, out: &mut Findings) {
        let mut seen = crate::hashing::FastSet::default();
        for a in &cx.module.assignments {
            let n = a.name.as_str();
            if n.starts_with('_')
                || n.chars().any(|c| c.is_ascii_uppercase())
                || SETTINGS.contains(&n)
                || cx
                    .module
                    .reads
                    .binary_search_by(|r| r.as_str().cmp(n))
                    .is_ok()
                || !seen.insert(n)
            {
                continue;
            }
            if let Some(setting) = closest(n) {
                out.report(
                    &Self::META,
                    a.name_span,
                    format!("`{n}` is not a gunicorn setting, so gunicorn ignores it; did you mean `{setting}`?"),
                )
                .help(format!("rename it to `{setting}`"));
            }
        }
    }
}
