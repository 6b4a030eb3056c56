//! The catalogue: at least one item per entry of the guide's closing
//! checklist, in its five sections. Each item fails on the findings of
//! its rules; its `facts` function answers when none does: a pass with
//! the file and line that satisfy it, not applicable, or unknown with
//! what would decide it.

mod deployment;
mod monitoring;
mod performance;
mod reliability;
mod security;

use super::{Cx, Decision, Evidence, ItemDef};
use crate::project::facts::app::Signal;

/// Every item, in section order.
pub static ALL: &[&ItemDef] = &[
    &security::DEBUG_OFF,
    &security::SECRETS_FROM_ENV,
    &security::CORS_MINIMAL,
    &security::HTTPS,
    &security::NON_ROOT,
    &security::HEADERS,
    &performance::WORKERS,
    &performance::POOL,
    &performance::CACHE,
    &performance::COMPRESSION,
    &performance::STATIC,
    &reliability::LIVENESS,
    &reliability::READINESS,
    &reliability::GRACEFUL_SHUTDOWN,
    &reliability::RESOURCE_LIMITS,
    &reliability::RETRIES,
    &reliability::CIRCUIT_BREAKER,
    &monitoring::JSON_LOGS,
    &monitoring::METRICS,
    &monitoring::TRACING,
    &monitoring::ERROR_TRACKING,
    &monitoring::ALERTING,
    &deployment::MULTI_STAGE,
    &deployment::CI_TESTS,
    &deployment::ROLLING_UPDATE,
    &deployment::ROLLBACK,
    &deployment::ENV_SPLIT,
];

pub fn find(id: &str) -> Option<&'static ItemDef> {
    ALL.iter().copied().find(|i| i.id.eq_ignore_ascii_case(id))
}

/// Evidence built per item from facts, at most.
const SHOWN: usize = 5;

/// A name from the repository as a message shows it: at most 80
/// characters (an identifier may be any length).
fn clip(s: &str) -> String {
    crate::report::excerpt::clipped(s, 80).into_owned()
}

/// Unknown when production code makes no app: app items need one.
fn without_app(cx: &Cx) -> Option<Decision> {
    cx.apps().next().is_none().then(|| {
        Decision::Unknown(
            "no FastAPI or Starlette app found in production code: the app's code decides it"
                .to_string(),
        )
    })
}

/// Pass where the app code does this set-up; else unknown, saying what
/// would show it.
fn by_signal(cx: &Cx, signal: Signal, found: &str, missing: &str) -> Decision {
    if let Some(loc) = cx.signal(signal) {
        return Decision::Pass(vec![cx.at_loc(&loc, found)]);
    }
    without_app(cx).unwrap_or_else(|| Decision::Unknown(missing.to_string()))
}

/// Pass where the code does it or a dependency provides it; fail at the
/// dependency file when neither; unknown without dependency files.
fn by_signal_or_dependency(
    cx: &Cx,
    signal: Signal,
    found: &str,
    dependencies: &[&str],
    missing: &str,
) -> Decision {
    if let Some(loc) = cx.signal(signal) {
        return Decision::Pass(vec![cx.at_loc(&loc, found)]);
    }
    if let Some(e) = cx.dependency(dependencies) {
        return Decision::Pass(vec![e]);
    }
    match cx.dependency_file() {
        Some(e) => Decision::Fail(vec![e], missing.to_string()),
        None => Decision::Unknown(format!(
            "{missing}; no dependency file was found to say what the app uses"
        )),
    }
}

/// Evidence lines, the first `n`.
fn first(mut ev: Vec<Evidence>, n: usize) -> Vec<Evidence> {
    ev.truncate(n);
    ev
}

#[cfg(test)]
mod tests {
    use super::ALL;

    /// The items name rules by code: each must be a rule, and a critical
    /// code one of the item's rules (a typo would silently never fail).
    #[test]
    fn items_name_real_rules_and_unique_ids() {
        let mut ids = std::collections::BTreeSet::new();
        for item in ALL {
            assert!(ids.insert(item.id), "{} twice", item.id);
            for code in item.rules {
                assert!(
                    crate::rules::find(code).is_some(),
                    "{}: no rule {code}",
                    item.id
                );
            }
            for code in item.critical {
                assert!(
                    item.rules.contains(code),
                    "{}: {code} critical, not a rule of it",
                    item.id
                );
            }
        }
    }
}
