//! SE: secrets in any file prodlint reads. One aho-corasick pass finds
//! candidate prefixes; each detector's regex confirms and delimits the
//! secret; placeholders and documented example keys are dropped. Every
//! finding marks the secret's bytes so that no report prints them.

mod detectors;
mod rules;

pub use rules::{CredentialInUrl, GenericSecret, PrivateKey, ProviderToken};

use crate::diagnostic::Findings;
use crate::redact::{entropy, is_placeholder, redact};
use crate::registry::RuleMeta;
use crate::select::Selection;
use crate::source::{SourceFile, Span};
use detectors::{COMPILED, DETECTORS, Kind};
use std::collections::HashSet;

pub static RULES: &[&RuleMeta] = &[
    &ProviderToken::META,
    &PrivateKey::META,
    &CredentialInUrl::META,
    &GenericSecret::META,
];

/// Keys that vendors publish in their documentation.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];

fn rule(kind: Kind) -> &'static RuleMeta {
    match kind {
        Kind::ProviderToken => &ProviderToken::META,
        Kind::PrivateKey => &PrivateKey::META,
        Kind::CredentialInUrl => &CredentialInUrl::META,
        Kind::GenericSecret => &GenericSecret::META,
    }
}

const FRAGMENTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIALS",
    "AUTH_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "MASTER_KEY",
];
/// Names that point at a secret rather than hold one.
const POINTER_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_ENDPOINT",
    "_NAME",
    "_ID",
    "_LENGTH",
    "_TTL",
    "_EXPIRE",
    "_EXPIRES",
];

/// Does a variable name say it holds a secret (`DB_PASSWORD`,
/// `STRIPE_API_KEY`)? Names that point at one (`*_FILE`, `*_URL`) do not.
pub fn is_secret_name(name: &str, extra: &[String]) -> bool {
    let upper = name.to_ascii_uppercase();
    if POINTER_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    FRAGMENTS.iter().any(|f| upper.contains(f))
        || extra
            .iter()
            .any(|f| upper.contains(&f.to_ascii_uppercase()))
}

/// The engine's verdict on `name = value` for rules that read assignments
/// from a parsed model (DF014, GH014, EN024): the name says it holds a
/// secret, does not merely point at one, and the value is a real value.
pub fn is_secret_assignment(name: &str, value: &str, extra_names: &[String]) -> bool {
    is_secret_name(name, extra_names)
        && !names_a_reference(name)
        && !value.is_empty()
        && !is_stand_in(value)
        && !looks_like_path_or_name(value)
}

/// Passwords that only ever appear in local-development examples.
const WEAK_DEV_PASSWORDS: &[&str] = &[
    "password", "pass", "passwd", "secret", "changeme", "mypass", "example",
];

/// `PASSWORD_FILE`, `secretName`, `SECRET_KEY_PATH`: the name says the
/// value points at a secret rather than holds one.
fn names_a_reference(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace(['-', '.'], "_");
    [
        "_file", "file", "_path", "path", "_dir", "_name", "name", "_ref", "ref", "_url", "_id",
        "_length", "_ttl",
    ]
    .iter()
    .any(|s| lower.ends_with(s))
}

/// A path (`/run/secrets/x`, `./data`) or an environment variable name
/// (`POLAR_API_KEY`) rather than a value.
fn looks_like_path_or_name(value: &str) -> bool {
    value.starts_with(['/', '.', '~'])
        || (value.contains('_')
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
}

/// Not a secret: a reference, a template, a placeholder, a run of one
/// character, a sequence, a documented example.
pub fn is_stand_in(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    if is_placeholder(v)
        || v.starts_with('$')
        || v.contains("{{")
        || v.contains("${")
        || DOCUMENTED_EXAMPLES.contains(&v)
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if [
        "example", "xxxx", "dummy", "your_", "your-", "fake", "sample", "redacted",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return true;
    }
    let bytes = v.as_bytes();
    let sequential = bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    sequential || entropy(v) < 2.0
}

/// Scans `file` and reports what the enabled SE rules find.
pub fn scan(file: &SourceFile, selection: &Selection, out: &mut Findings) {
    if !RULES.iter().any(|r| selection.is_enabled(r.code)) {
        return;
    }
    let Some(c) = COMPILED.as_ref() else { return };
    let text = &file.text;
    // Candidates first, then the most specific detector wins an overlap.
    let mut candidates: Vec<(Kind, usize, Span, String)> = Vec::new();
    // Detectors that read a whole line (`name = value`, URLs) read it once.
    let mut lines_done: HashSet<(usize, usize)> = HashSet::new();
    let hits = c
        .automaton
        .find_overlapping_iter(text)
        .map(|m| (m, c.owner[m.pattern().as_usize()]));
    for (m, d_index) in hits {
        let d = &DETECTORS[d_index];
        if !selection.is_enabled(rule(d.kind).code) {
            continue;
        }
        // Confirm within the line: secrets do not span lines (PEM headers
        // included). The line index finds its bounds without rescanning.
        let line = file.lines.line_of(m.start());
        let next = file.lines.line_start(line + 1, text);
        let line_end = if next > m.start() && text.as_bytes().get(next - 1) == Some(&b'\n') {
            next - 1
        } else {
            next
        };
        let from = if d.lookbehind == 0 {
            m.start()
        } else {
            let line_start = file.lines.line_start(line, text);
            if !lines_done.insert((d_index, line_start)) {
                continue;
            }
            line_start
        };
        let window = &text[from..line_end];
        let Some(re) = c.regex(d_index) else { continue };
        for cap in re.captures_iter(window) {
            let Some(secret) = cap.name("secret").or_else(|| cap.get(0)) else {
                continue;
            };
            let name = cap
                .name("name")
                .map_or(String::new(), |n| n.as_str().to_string());
            candidates.push((
                d.kind,
                d_index,
                Span::new(from + secret.start(), from + secret.end()),
                name,
            ));
            if d.lookbehind == 0 {
                break;
            }
        }
    }
    candidates.sort_by_key(|c| (c.0 as u8, c.2.start, c.1));
    candidates.dedup();
    // A secret a dedicated rule already reports (DF014, GH014, EN021) is not reported twice.
    let mut reported: Vec<Span> = out.secret_spans();
    for (kind, d_index, span, name) in candidates {
        let d = &DETECTORS[d_index];
        let value = &text[span.start..span.end];
        if reported
            .iter()
            .any(|r| r.start < span.end && span.start < r.end)
        {
            continue;
        }
        if kind != Kind::PrivateKey && is_stand_in(value) {
            continue;
        }
        if kind == Kind::GenericSecret
            && (names_a_reference(&name) || looks_like_path_or_name(value))
        {
            continue;
        }
        if kind == Kind::CredentialInUrl
            && (value == name || WEAK_DEV_PASSWORDS.contains(&value.to_ascii_lowercase().as_str()))
        {
            continue;
        }
        // Hex strings can reach 4 bits per character at most; others 6.
        let threshold = if value.chars().all(|c| c.is_ascii_hexdigit()) {
            3.0
        } else {
            3.5
        };
        if kind == Kind::GenericSecret && entropy(value) < threshold {
            continue;
        }
        reported.push(span);
        let message = match kind {
            Kind::PrivateKey => "a private key is written into this file".to_string(),
            _ => format!("this file holds a secret: {} (`{}`)", d.what, redact(value)),
        };
        // The key material follows the header: mask the block up to its END line.
        let masked = if kind == Kind::PrivateKey {
            let end = text[span.end..]
                .find("-----END ")
                .map(|i| span.end + i)
                .map(|i| text[i..].find('\n').map_or(text.len(), |j| i + j))
                .unwrap_or(span.end);
            Span::new(span.start, end)
        } else {
            span
        };
        out.report(rule(kind), span, message)
            .secret(masked)
            .help("remove it, rotate it, and load it from the environment or a secret store");
    }
}
