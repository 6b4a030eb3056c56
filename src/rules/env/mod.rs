//! EN: environment-file rules, one per file.

mod en001_duplicate_key;
mod en002_invalid_key;
mod en003_lowercase_key;
mod en004_space_around_equals;
mod en005_unquoted_value_with_spaces;
mod en006_unterminated_quote;
mod en007_missing_final_newline;
mod en008_trailing_whitespace;
mod en009_line_without_assignment;
mod en010_unordered_keys;
mod en011_invalid_substitution;
mod en020_debug_in_production;
mod en021_weak_secret_key;
mod en022_cors_wildcard_in_production;
mod en023_sqlite_in_production;
mod en024_env_file_committed;
mod en025_env_not_gitignored;
mod en026_env_keys_drift;

use super::{EnvContext, Rule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings};
use crate::hashing::FastMap;
use crate::impl_meta;
use crate::parse::dotenv::{Entry, Environment, Line, Quote};
use crate::paths::FastPath;
use crate::source::Span;

/// The env file's name, for messages.
fn file_name(cx: &EnvContext<'_>) -> String {
    cx.file
        .path
        .fast_file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Where a finding about the whole file points: its first key.
fn file_head(cx: &EnvContext<'_>) -> Span {
    cx.env
        .entries
        .first()
        .map_or(Span::empty(0), |e| e.key_span)
}

/// `span`'s lines with their terminator, for deleting whole lines.
fn whole_lines(cx: &EnvContext<'_>, span: Span) -> Span {
    let text = &cx.file.text;
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    Span::new(span.start, end)
}

pub static RULES: &[&dyn Rule] = &[
    &en001_duplicate_key::DuplicateKey,
    &en002_invalid_key::InvalidKey,
    &en003_lowercase_key::LowercaseKey,
    &en004_space_around_equals::SpaceAroundEquals,
    &en005_unquoted_value_with_spaces::UnquotedValueWithSpaces,
    &en006_unterminated_quote::UnterminatedQuote,
    &en007_missing_final_newline::MissingFinalNewline,
    &en008_trailing_whitespace::TrailingWhitespace,
    &en009_line_without_assignment::LineWithoutAssignment,
    &en010_unordered_keys::UnorderedKeys,
    &en011_invalid_substitution::InvalidSubstitution,
    &en020_debug_in_production::DebugInProduction,
    &en021_weak_secret_key::WeakSecretKey,
    &en022_cors_wildcard_in_production::CorsWildcardInProduction,
    &en023_sqlite_in_production::SqliteInProduction,
    &en024_env_file_committed::EnvFileCommitted,
    &en025_env_not_gitignored::EnvNotGitignored,
    &en026_env_keys_drift::EnvKeysDrift,
];
