//! `prodlint audit`: the repository scored against the production
//! checklist (CHECKLIST.md §9). A pure function of the project and the
//! findings of a check with every rule: each item of the catalogue
//! ([`items::ALL`]) fails on the findings of its rules, and otherwise is
//! decided from the project's facts, with the file and line that say so.

pub mod command;
pub mod cx;
pub mod docs;
pub mod items;
pub mod merge;
pub mod render;
pub mod score;

pub use cx::Cx;

/// The levels, lowest first. `NotReady` is below Bronze: no level claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    NotReady,
    Bronze,
    Silver,
    Gold,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::NotReady => "not ready",
            Level::Bronze => "bronze",
            Level::Silver => "silver",
            Level::Gold => "gold",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "bronze" => Some(Level::Bronze),
            "silver" => Some(Level::Silver),
            "gold" => Some(Level::Gold),
            _ => None,
        }
    }

    /// The level above this one.
    pub fn next(self) -> Option<Level> {
        match self {
            Level::NotReady => Some(Level::Bronze),
            Level::Bronze => Some(Level::Silver),
            Level::Silver => Some(Level::Gold),
            Level::Gold => None,
        }
    }
}

/// The guide's five sections, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Security,
    Performance,
    Reliability,
    Monitoring,
    Deployment,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Security,
        Section::Performance,
        Section::Reliability,
        Section::Monitoring,
        Section::Deployment,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Section::Security => "security",
            Section::Performance => "performance",
            Section::Reliability => "reliability",
            Section::Monitoring => "monitoring",
            Section::Deployment => "deployment",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::Security => "Security",
            Section::Performance => "Performance",
            Section::Reliability => "Reliability",
            Section::Monitoring => "Monitoring",
            Section::Deployment => "Deployment",
        }
    }
}

/// An item's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Pass,
    Fail,
    NotApplicable,
    Unknown,
    Waived,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::Fail => "fail",
            State::NotApplicable => "n/a",
            State::Unknown => "unknown",
            State::Waived => "waived",
        }
    }

    pub fn mark(self) -> &'static str {
        match self {
            State::Pass => "✓",
            State::Fail => "✗",
            State::Unknown => "?",
            State::NotApplicable | State::Waived => "–",
        }
    }
}

/// A file and line behind an answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    /// As reports print paths (relative to the working folder).
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The rule whose finding this is, when a rule decided.
    pub rule: Option<&'static str>,
}

/// What an item's facts say, when no rule fails it.
#[derive(Debug, Clone)]
pub enum Decision {
    Pass(Vec<Evidence>),
    /// Failed by a fact (an absence the evidence points at), with why.
    Fail(Vec<Evidence>, String),
    NotApplicable(String),
    /// Nothing decides it: what would.
    Unknown(String),
}

/// A checklist item: how it is decided and what it weighs.
pub struct ItemDef {
    pub id: &'static str,
    pub title: &'static str,
    pub section: Section,
    /// The level that requires it (`None`: it counts toward the score only).
    pub level: Option<Level>,
    pub weight: u32,
    /// Rules whose findings fail it.
    pub rules: &'static [&'static str],
    /// Of those, the ones whose findings make the fail critical: the level
    /// is capped at "not ready".
    pub critical: &'static [&'static str],
    /// `Some(why)` when the item does not apply to this repository,
    /// whatever the findings (a rule about health routes says nothing of
    /// readiness probes where nothing runs on Kubernetes).
    pub applies: fn(&Cx) -> Option<String>,
    /// Which of those findings bear on it (a rule about every probe
    /// counts for the liveness item only on liveness probes).
    pub keep: fn(&Evidence) -> bool,
    /// Why it matters, for its page.
    pub why: &'static str,
    /// How the facts decide it when no rule fails it, for its page.
    pub how: &'static str,
    pub facts: fn(&Cx) -> Decision,
}

impl std::fmt::Debug for ItemDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// An item's answer with its evidence.
#[derive(Debug, Clone)]
pub struct ItemResult {
    pub def: &'static ItemDef,
    pub state: State,
    pub evidence: Vec<Evidence>,
    pub reason: String,
    /// A critical rule's finding failed it.
    pub critical: bool,
}

/// The item applies wherever its facts do not say otherwise.
pub fn always(_: &Cx) -> Option<String> {
    None
}

/// Every finding of an item's rules bears on it.
pub fn every(_: &Evidence) -> bool {
    true
}

/// Evidence lines kept per item: the count says how many more.
pub const MAX_EVIDENCE: usize = 20;

/// Decides every item of the catalogue.
pub fn evaluate(cx: &Cx, waivers: &std::collections::BTreeMap<String, String>) -> Vec<ItemResult> {
    items::ALL
        .iter()
        .map(|def| decide(cx, def, waivers.get(def.id)))
        .collect()
}

fn decide(cx: &Cx, def: &'static ItemDef, waiver: Option<&String>) -> ItemResult {
    let result = |state, evidence: Vec<Evidence>, reason: String, critical| ItemResult {
        def,
        state,
        evidence,
        reason,
        critical,
    };
    if let Some(reason) = waiver {
        return result(
            State::Waived,
            Vec::new(),
            format!("waived: {reason}"),
            false,
        );
    }
    if let Some(why) = (def.applies)(cx) {
        return result(State::NotApplicable, Vec::new(), why, false);
    }
    // A finding that contradicts the item decides it: it applies, and
    // fails. The facts are asked only when none does.
    let mut found: Vec<Evidence> = def
        .rules
        .iter()
        .flat_map(|code| cx.findings_of(code))
        .filter(|e| (def.keep)(e))
        .cloned()
        .collect();
    if !found.is_empty() {
        found.sort();
        let critical = found
            .iter()
            .any(|e| e.rule.is_some_and(|r| def.critical.contains(&r)));
        let total = found.len();
        let mut codes: Vec<&str> = found.iter().filter_map(|e| e.rule).collect();
        codes.sort_unstable();
        codes.dedup();
        found.truncate(MAX_EVIDENCE);
        let reason = format!(
            "{total} finding{} of {} contradict{} it",
            if total == 1 { "" } else { "s" },
            codes.join(", "),
            if total == 1 { "s" } else { "" }
        );
        return result(State::Fail, found, reason, critical);
    }
    let facts = (def.facts)(cx);
    match facts {
        Decision::Pass(mut ev) => {
            ev.truncate(MAX_EVIDENCE);
            let reason = ev.first().map(|e| e.message.clone()).unwrap_or_default();
            result(State::Pass, ev, reason, false)
        }
        Decision::Fail(mut ev, why) => {
            ev.truncate(MAX_EVIDENCE);
            result(State::Fail, ev, why, false)
        }
        Decision::Unknown(why) => result(State::Unknown, Vec::new(), why, false),
        Decision::NotApplicable(why) => result(State::NotApplicable, Vec::new(), why, false),
    }
}
