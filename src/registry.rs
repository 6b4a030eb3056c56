//! Rule metadata and the one table of every rule prodlint knows.
//!
//! Rules declare themselves with [`declare_rule!`]; the table in
//! `rules/mod.rs` lists them once. Docs pages, `explain`, SARIF `rules[]`
//! and selection all read from here, so nothing about a rule is written twice.

use crate::diagnostic::Severity;

/// Whether a rule can fix what it finds, and how safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixKind {
    None,
    Safe,
    Unsafe,
}

impl FixKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::None => "none",
            FixKind::Safe => "safe",
            FixKind::Unsafe => "unsafe",
        }
    }
}

/// An option a rule reads from `[rules.CODE]` in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOption {
    pub name: &'static str,
    /// `"string list"`, `"boolean"`, ...
    pub kind: OptionKind,
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    StringList,
    /// A whole number of zero or more.
    Integer,
}

#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub enabled_by_default: bool,
    /// `security`, ... as SARIF tags.
    pub tags: &'static [&'static str],
    /// GitHub's `security-severity` (0.0–10.0) for security rules.
    pub security_severity: Option<&'static str>,
    /// The purposes of the files it checks (production only unless the
    /// rule says otherwise): see `purpose`.
    pub purposes: &'static [crate::purpose::Purpose],
    pub fix: FixKind,
    /// One line, shown in the index and as SARIF's shortDescription.
    pub summary: &'static str,
    /// The doc comment, with fixed sections (`## What it checks`, ...).
    pub doc: &'static str,
    pub options: &'static [RuleOption],
}

pub const DOCS_BASE_URL: &str = "https://github.com/prodlint/prodlint/blob/main/rules";

impl RuleMeta {
    /// The family prefix: the letters of the code (`DF` for `DF001`).
    pub fn family(&self) -> &'static str {
        let end = self
            .code
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.code.len());
        &self.code[..end]
    }

    pub fn help_uri(&self) -> String {
        // Pieces pushed rather than formatted: every finding of a report
        // carries one.
        let mut uri = String::with_capacity(DOCS_BASE_URL.len() + self.code.len() + 4);
        uri.push_str(DOCS_BASE_URL);
        uri.push('/');
        uri.push_str(self.code);
        uri.push_str(".md");
        uri
    }

    pub fn is_security(&self) -> bool {
        self.tags.contains(&"security")
    }

    /// The doc comment as Markdown: `///` comments keep one leading space
    /// per line, which is dropped here.
    pub fn doc_markdown(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The text of one `## Section` of the doc comment.
    pub fn doc_section(&self, title: &str) -> Option<String> {
        let md = self.doc_markdown();
        let heading = format!("## {title}");
        let mut lines = md.lines().skip_while(|l| l.trim() != heading);
        lines.next()?;
        let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
        Some(body.join("\n").trim().to_string())
    }
}

/// Declares a rule's unit struct with its metadata from the doc comment.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            severity: $sev:ident,
            $(enabled: $enabled:literal,)?
            $(tags: [$($tag:literal),* $(,)?],)?
            $(security_severity: $ss:literal,)?
            $(purposes: $purposes:ident,)?
            fix: $fix:ident,
            summary: $summary:literal
            $(, options: [$($opt:expr),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
                code: $code,
                name: $rname,
                severity: $crate::diagnostic::Severity::$sev,
                enabled_by_default: $crate::declare_rule!(@enabled $($enabled)?),
                tags: &[$($($tag),*)?],
                security_severity: $crate::declare_rule!(@ss $($ss)?),
                purposes: $crate::declare_rule!(@purposes $($purposes)?),
                fix: $crate::registry::FixKind::$fix,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                options: &[$($($opt),*)?],
            };
        }
    };
    (@enabled) => { true };
    (@enabled $e:literal) => { $e };
    (@purposes) => { $crate::purpose::PRODUCTION };
    (@purposes $p:ident) => { $crate::purpose::$p };
    (@ss) => { None };
    (@ss $s:literal) => { Some($s) };
}
