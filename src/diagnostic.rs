//! Findings, severities and fixes: what rules produce and reports consume.

use crate::registry::RuleMeta;
use crate::source::Span;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Whether a fix may be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning of the file; applied by `--fix`.
    Safe,
    /// May change behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Self {
            span: Span::empty(at),
            replacement: text.into(),
        }
    }

    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        Self {
            span,
            replacement: text.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// A secondary location that explains the finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Related {
    pub span: Span,
    pub message: String,
    /// The file the span is in, when it is not the finding's own.
    pub file: Option<Elsewhere>,
}

/// Another file a related location points into: its path and text (for
/// lines, columns and a snippet). Compared by path.
#[derive(Debug, Clone)]
pub struct Elsewhere(pub std::sync::Arc<crate::source::SourceFile>);

impl PartialEq for Elsewhere {
    fn eq(&self, other: &Self) -> bool {
        self.0.path == other.0.path
    }
}
impl Eq for Elsewhere {}
impl PartialOrd for Elsewhere {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Elsewhere {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.path.cmp(&other.0.path)
    }
}
impl std::hash::Hash for Elsewhere {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.path.hash(state);
    }
}

impl Related {
    /// The file this location is in: `own` unless it is elsewhere.
    pub fn source<'a>(
        &'a self,
        own: &'a crate::source::SourceFile,
    ) -> &'a crate::source::SourceFile {
        self.file.as_ref().map_or(own, |e| e.0.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// Most rules' help is a fixed sentence: borrowed, not copied into
    /// every finding held until the report.
    pub help: Option<std::borrow::Cow<'static, str>>,
    pub related: Vec<Related>,
    /// Boxed: few findings carry one, and every finding of a run is held
    /// until the report.
    pub fix: Option<Box<Fix>>,
    /// Byte ranges holding a secret: every report masks them.
    pub secrets: Vec<Span>,
    /// Reported whatever the file's purpose (a real-looking key in an
    /// example env file, which people copy unchanged).
    pub any_purpose: bool,
}

impl Finding {
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.severity,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
            secrets: Vec::new(),
            any_purpose: false,
        }
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }
}

/// The finding builder every rule writes through.
#[derive(Debug, Default)]
pub struct Findings {
    items: Vec<Finding>,
    /// Findings reported per rule so far.
    counts: crate::hashing::FastMap<&'static str, usize>,
    /// Where findings past [`KEPT_PER_RULE`] are built and dropped.
    spare: Option<Finding>,
    /// The secrets those dropped findings marked: still masked everywhere.
    dropped_secrets: Vec<Span>,
}

/// Findings of one rule in one file kept while rules run: reports show
/// at most a hundred (the engine counts the rest), so a file that repeats
/// one mistake half a million times costs no memory for them.
pub const KEPT_PER_RULE: usize = 1000;

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
    ) -> FindingBuilder<'_> {
        let finding = Finding::new(rule, span, message);
        let n = self.counts.entry(rule.code).or_default();
        *n += 1;
        if *n > KEPT_PER_RULE {
            if let Some(old) = self.spare.take() {
                self.dropped_secrets.extend(old.secrets);
            }
            return FindingBuilder {
                finding: self.spare.insert(finding),
            };
        }
        self.items.push(finding);
        let last = self.items.len() - 1;
        FindingBuilder {
            finding: &mut self.items[last],
        }
    }

    pub fn push(&mut self, finding: Finding) {
        let n = self.counts.entry(finding.rule.code).or_default();
        *n += 1;
        if *n <= KEPT_PER_RULE {
            self.items.push(finding);
        } else {
            self.dropped_secrets.extend(finding.secrets);
        }
    }

    /// A secret no finding reports (a fixture's token in a test): every
    /// report still masks it.
    pub fn mask_only(&mut self, span: Span) {
        self.dropped_secrets.push(span);
    }

    /// The secrets of findings not kept (see [`KEPT_PER_RULE`]).
    pub fn take_dropped_secrets(&mut self) -> Vec<Span> {
        if let Some(old) = self.spare.take() {
            self.dropped_secrets.extend(old.secrets);
        }
        std::mem::take(&mut self.dropped_secrets)
    }

    /// How many findings of each rule were reported but not kept.
    pub fn dropped(&self) -> Vec<(&'static str, usize)> {
        let mut out: Vec<_> = self
            .counts
            .iter()
            .filter(|(_, n)| **n > KEPT_PER_RULE)
            .map(|(c, n)| (*c, *n - KEPT_PER_RULE))
            .collect();
        out.sort();
        out
    }

    /// Secrets that findings so far already report, or that a rule masks
    /// without a finding (so a scan can skip them).
    pub fn secret_spans(&self) -> Vec<Span> {
        self.items
            .iter()
            .flat_map(|f| f.secrets.iter().copied())
            .chain(self.dropped_secrets.iter().copied())
            .collect()
    }

    /// The findings kept since the first `from` (to add what the rule
    /// could not know, such as where a configuration is used).
    pub fn kept_since_mut(&mut self, from: usize) -> &mut [Finding] {
        let from = from.min(self.items.len());
        &mut self.items[from..]
    }

    /// Drops the findings kept since the first `from` that `keep` rejects
    /// (a rule's findings on a part of the file it does not apply to);
    /// their secrets stay masked.
    pub fn retain_since(&mut self, from: usize, keep: impl Fn(&Finding) -> bool) {
        let from = from.min(self.items.len());
        for f in self.items.split_off(from) {
            if keep(&f) {
                self.items.push(f);
            } else {
                if let Some(n) = self.counts.get_mut(f.rule.code) {
                    *n = n.saturating_sub(1);
                }
                self.dropped_secrets.extend(f.secrets);
            }
        }
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

pub struct FindingBuilder<'a> {
    finding: &'a mut Finding,
}

impl FindingBuilder<'_> {
    pub fn help(self, help: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        self.finding.help = Some(help.into());
        self
    }

    pub fn related(self, span: Span, message: impl Into<String>) -> Self {
        self.finding.related.push(Related {
            span,
            message: message.into(),
            file: None,
        });
        self
    }

    /// A related location in another file (`span` is in `file`'s text).
    pub fn related_in(
        self,
        file: &std::sync::Arc<crate::source::SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.finding.related.push(Related {
            span,
            message: message.into(),
            file: Some(Elsewhere(std::sync::Arc::clone(file))),
        });
        self
    }

    /// Keeps the finding in files of every purpose.
    pub fn any_purpose(self) -> Self {
        self.finding.any_purpose = true;
        self
    }

    /// Marks a byte range as a secret that no report may print.
    pub fn secret(self, span: Span) -> Self {
        self.finding.secrets.push(span);
        self
    }

    pub fn severity(self, severity: Severity) -> Self {
        self.finding.severity = severity;
        self
    }

    pub fn fix(
        self,
        applicability: Applicability,
        message: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Self {
        self.finding.fix = Some(Box::new(Fix {
            message: message.into(),
            applicability,
            edits,
        }));
        self
    }
}
