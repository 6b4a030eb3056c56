//! Panics: one inside a rule, a project hook or a parser is caught where
//! it happened and reported there (a PL004 finding, an error line, a
//! file parsed as empty); one anywhere else ends the run in `main` with
//! its message. The hook records each panic's message for whichever of
//! the two takes it.

use std::cell::{Cell, RefCell};

thread_local! {
    /// The last panic of this thread, for the catch that reports it.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// How many [`catching`] calls this thread is inside: a panic there
    /// is caught and reported where it happened.
    static CATCHING: Cell<usize> = const { Cell::new(0) };
}

/// The last panic no [`catching`] call caught, for `main`: a rule's
/// panic on another worker at the same moment does not replace it.
static LAST_UNCAUGHT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Replaces the default panic printer: the message is recorded for the
/// catch that reports it, never printed raw (it may quote a file).
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        if std::env::var_os("PRODLINT_DEBUG").is_some()
            && let Some(l) = info.location()
        {
            eprintln!("prodlint: panic at {}:{}: {msg}", l.file(), l.line());
        }
        if CATCHING.with(Cell::get) == 0
            && let Ok(mut uncaught) = LAST_UNCAUGHT.lock()
        {
            *uncaught = Some(msg.clone());
        }
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

/// Runs `f`, catching its panic: the caller reports it where it
/// happened (see [`take_last`]). `f` must not hand work to the thread
/// pool: a worker waiting inside it could run another file's job, whose
/// panic would then count as caught here.
pub fn catching<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    /// Leaves the count as it was, on return and on unwinding alike.
    struct Inside;
    impl Drop for Inside {
        fn drop(&mut self) {
            CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
        }
    }
    CATCHING.with(|c| c.set(c.get() + 1));
    let _inside = Inside;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
}

/// The message of this thread's last panic, taken.
pub fn take_last() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// The message of the last panic no catch took, as `main` shows it: a
/// panic's message may quote a file (a slice out of bounds quotes the
/// text), so it is clipped and shown with control characters escaped.
pub fn last_uncaught_shown() -> String {
    let msg = LAST_UNCAUGHT
        .lock()
        .ok()
        .and_then(|mut m| m.take())
        .unwrap_or_else(|| "unknown panic".to_string());
    let clipped = crate::report::excerpt::clipped(&msg, 200);
    crate::report::excerpt::terminal_safe(&clipped).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic caught where it happened (a rule's, on another worker) is
    /// that place's to report: it does not replace the message `main`
    /// shows for one nothing caught.
    #[test]
    fn a_caught_panic_does_not_replace_the_runs() {
        let previous = std::panic::take_hook();
        install_hook();
        let outside = std::thread::spawn(|| panic!("outside every rule \u{1b}[2J")).join();
        let caught = catching(|| panic!("inside a rule")).is_err();
        let reported = take_last();
        // Nested catches leave the count as it was.
        let nested = catching(|| catching(|| panic!("deeper")).is_err());
        let depth = CATCHING.with(Cell::get);
        let shown = last_uncaught_shown();
        let again = last_uncaught_shown();
        // The printer before it back, for the assertions' own messages.
        std::panic::set_hook(previous);
        assert!(outside.is_err() && caught);
        assert_eq!(reported.as_deref(), Some("inside a rule"));
        assert!(matches!(nested, Ok(true)));
        assert_eq!(depth, 0);
        assert_eq!(shown, "outside every rule \\x1b[2J");
        assert_eq!(again, "unknown panic");
    }
}
