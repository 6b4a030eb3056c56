//! Which rules run: selectors (codes, prefixes, names) resolved against the
//! registry, and the `--fail-on` threshold.

use crate::config::suggestion;
use crate::diagnostic::Severity;
use crate::registry::RuleMeta;
use crate::rules;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    /// A code or a code prefix: `DF`, `DF01`, `DF012`.
    Prefix(String),
    Name(String),
}

impl Selector {
    pub fn parse(s: &str) -> Result<Selector, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("ALL") {
            return Ok(Selector::All);
        }
        let upper = t.to_ascii_uppercase();
        if !upper.is_empty()
            && upper.chars().all(|c| c.is_ascii_alphanumeric())
            && rules::all().iter().any(|r| r.code.starts_with(&upper))
        {
            return Ok(Selector::Prefix(upper));
        }
        if rules::all().iter().any(|r| r.name == t) {
            return Ok(Selector::Name(t.to_string()));
        }
        let names: Vec<&str> = rules::all().iter().flat_map(|r| [r.code, r.name]).collect();
        Err(format!(
            "unknown rule code, prefix or name `{t}`{}",
            suggestion(t, &names)
        ))
    }

    pub fn matches(&self, rule: &RuleMeta) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(p) => rule.code.starts_with(p.as_str()),
            Selector::Name(n) => rule.name == n,
        }
    }

    /// More specific selectors win over less specific ones: `ignore = ["DF"]`
    /// with `select = ["DF003"]` keeps DF003.
    fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Prefix(p) => p.len(),
            Selector::Name(_) => 100,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "info" => Some(FailOn::Info),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
        }
    }
}

/// Codes that cannot be turned off: a crash must never pass silently.
const ALWAYS_ON: &[&str] = &["PL004"];

/// The set of enabled rule codes.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Shared: every file gets the run's selection, copied cheaply.
    /// (Hashed: asked for every rule of every file, where a tree
    /// compares strings at each level.)
    enabled: std::sync::Arc<crate::hashing::FastSet<&'static str>>,
    /// The same codes packed into numbers (see [`packed`]): a lookup
    /// hashes and compares one word instead of a string (asked for every
    /// rule of every file, 2 % of a run over Dockerfiles).
    packed: std::sync::Arc<crate::hashing::FastSet<u64>>,
}

/// A code of at most seven bytes as one number: its bytes and its length
/// (so that `DF001` and `DF001\0` differ); `None` for a longer one,
/// which is looked up as text.
fn packed(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    word[7] = bytes.len() as u8;
    Some(u64::from_le_bytes(word))
}

impl Selection {
    /// A selection of `enabled`, with its packed codes.
    fn of(enabled: crate::hashing::FastSet<&'static str>) -> Selection {
        let packed = enabled.iter().filter_map(|c| packed(c)).collect();
        Selection {
            enabled: std::sync::Arc::new(enabled),
            packed: std::sync::Arc::new(packed),
        }
    }
}

impl Selection {
    pub fn new(
        select: Option<&[Selector]>,
        extend_select: &[Selector],
        ignore: &[Selector],
    ) -> Self {
        let mut enabled = crate::hashing::FastSet::default();
        for rule in rules::all() {
            let best = |sels: &[Selector]| {
                sels.iter()
                    .filter(|s| s.matches(rule))
                    .map(Selector::specificity)
                    .max()
            };
            let on = match select {
                Some(sel) => best(sel),
                None if rule.enabled_by_default => Some(0),
                None => None,
            };
            let on = on.max(best(extend_select));
            let off = best(ignore);
            let enabled_here = match (on, off) {
                (Some(a), Some(b)) => a > b,
                (Some(_), None) => true,
                _ => false,
            };
            if enabled_here || ALWAYS_ON.contains(&rule.code) {
                enabled.insert(rule.code);
            }
        }
        Self::of(enabled)
    }

    /// Every rule on: what the secret scan runs with, so that a file's
    /// secrets are known (and masked in every report) whichever rules
    /// report them.
    pub fn every_rule() -> Selection {
        static ALL: std::sync::LazyLock<Selection> =
            std::sync::LazyLock::new(|| Selection::new(Some(&[Selector::All]), &[], &[]));
        ALL.clone()
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        match packed(code) {
            Some(word) => self.packed.contains(&word),
            None => self.enabled.contains(code),
        }
    }

    /// Removes the codes the selectors match (for per-file ignores).
    pub fn without(&self, ignore: &[Selector]) -> Selection {
        let enabled = self
            .enabled
            .iter()
            .copied()
            .filter(|code| {
                ALWAYS_ON.contains(code)
                    || rules::find(code).is_none_or(|r| !ignore.iter().any(|s| s.matches(r)))
            })
            .collect();
        Selection::of(enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packed lookups answer as the set of texts: every rule's code, its
    /// prefixes and extensions, and texts with NUL bytes or over seven
    /// bytes.
    #[test]
    fn packed_codes_answer_as_the_texts_do() {
        let s = Selection::new(Some(&[Selector::All]), &[], &[]);
        let none = Selection::new(Some(&[]), &[], &[]);
        let mut asked: Vec<String> = Vec::new();
        for r in rules::all() {
            let c = r.code.to_string();
            asked.extend([
                c.clone(),
                format!("{c}\0"),
                format!("{c}X"),
                format!("{c}XYZ"),
                c[..c.len() - 1].to_string(),
                c.to_lowercase(),
            ]);
        }
        asked.extend(["", "\0", "PL004", "PL004\0\0", "ABCDEFGH"].map(str::to_string));
        for a in &asked {
            assert_eq!(s.is_enabled(a), s.enabled.contains(a.as_str()), "{a:?}");
            assert_eq!(
                none.is_enabled(a),
                none.enabled.contains(a.as_str()),
                "{a:?}"
            );
        }
    }

    fn sel(list: &[&str]) -> Vec<Selector> {
        list.iter()
            .filter_map(|s| Selector::parse(s).ok())
            .collect()
    }

    #[test]
    fn defaults_prefixes_and_specificity() {
        let s = Selection::new(None, &[], &[]);
        assert!(s.is_enabled("DF001"));
        assert!(!s.is_enabled("DF003"));
        let s = Selection::new(Some(&sel(&["DF003"])), &[], &sel(&["DF"]));
        assert!(s.is_enabled("DF003"));
        assert!(!s.is_enabled("DF001"));
        let s = Selection::new(
            None,
            &sel(&["base-image-not-digest-pinned"]),
            &sel(&["DF00"]),
        );
        assert!(s.is_enabled("DF003"));
        assert!(!s.is_enabled("DF001"));
        assert!(s.is_enabled("PL004"));
    }

    #[test]
    fn unknown_selectors_suggest() {
        let e = Selector::parse("final-stage-run-as-root")
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("did you mean `final-stage-runs-as-root`?"),
            "{e}"
        );
        assert!(Selector::parse("df01").is_ok());
    }
}
