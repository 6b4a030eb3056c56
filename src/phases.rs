//! `PRODLINT_PHASES=1`: how long each phase of a run took and what memory
//! the process held after it, on standard error, for measuring where
//! time and memory go (the README's speed section).

/// Whether the variable is set (read once per run).
pub fn on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PRODLINT_PHASES").is_some())
}

/// When the run started (see [`start`]).
static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Marks the start of the run, from which [`report`] counts.
pub fn start() {
    START.get_or_init(std::time::Instant::now);
}

/// Prints `what`, with the time since the run started and the memory
/// now, when phases are on; `what` is only made then.
pub fn report(what: impl FnOnce() -> String) {
    if on() {
        let at = START.get().map(|s| s.elapsed()).unwrap_or_default();
        eprintln!(
            "{}; at {:.1} ms; {}",
            what(),
            at.as_secs_f64() * 1e3,
            memory_now()
        );
    }
}

/// The process's resident and peak memory (Linux's `/proc`; elsewhere
/// nothing is known).
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or("?".to_string(), |v| v.trim().to_string())
    };
    let mut out = format!("resident {}, peak {}", field("VmRSS:"), field("VmHWM:"));
    // Built with the `heap-count` feature: what the program holds.
    if let Some((live, peak)) = crate::allocator::heap_now() {
        out.push_str(&format!(
            "; heap {} kB, heap peak {} kB",
            live / 1024,
            peak / 1024
        ));
    }
    out
}
