//! Secrets out of every report: the spans findings mark, and every other
//! place the same text appears (a password echoed on another line, a fix
//! that rewrites the line holding it).

use crate::diagnostic::Finding;
use crate::redact::{mask_in_place, mask_in_place_fully, redact};
use crate::source::{SourceFile, Span};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Longer secret lines are masked where they are marked, not searched
/// for elsewhere (a token that long does not reappear by chance).
const MAX_REPEATED: usize = 64 * 1024;
use std::borrow::Cow;

/// The texts of a file's secrets, one line of a multi-line secret at a
/// time, found all at once wherever they appear. Pieces shorter than four
/// characters would mask ordinary text and are left to their spans, as
/// are pieces longer than `MAX_REPEATED`.
pub struct SecretTexts {
    texts: Vec<String>,
    finder: Option<AhoCorasick>,
}

pub fn secret_texts(source: &SourceFile, findings: &[Finding]) -> SecretTexts {
    let mut texts: Vec<String> = merged(findings)
        .into_iter()
        .filter_map(|s| source.text.get(s.start..s.end))
        .flat_map(|s| s.lines().map(str::trim))
        .filter(|s| (4..=MAX_REPEATED).contains(&s.len()))
        .map(str::to_string)
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let finder = (!texts.is_empty())
        .then(|| {
            // No DFA: building one costs the alphabet per state, and
            // states grow with the secrets' total length.
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(&texts)
                .ok()
        })
        .flatten();
    SecretTexts { texts, finder }
}

/// The secret spans of the findings, overlapping ones merged: each byte of
/// the file is read once however many spans cover it.
fn merged(findings: &[Finding]) -> Vec<Span> {
    let mut spans: Vec<Span> = findings
        .iter()
        .flat_map(|f| f.secrets.iter().copied())
        .collect();
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// `text` with every occurrence of a secret redacted.
pub fn mask_secrets<'a>(text: &'a str, secrets: &SecretTexts) -> Cow<'a, str> {
    let Some(finder) = &secrets.finder else {
        return Cow::Borrowed(text);
    };
    let mut out = String::new();
    let mut last = 0;
    for m in finder.find_iter(text) {
        let Some(secret) = secrets.texts.get(m.pattern().as_usize()) else {
            continue;
        };
        out.push_str(&text[last..m.start()]);
        out.push_str(&redact(secret));
        last = m.end();
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// The file's text with every secret of its findings masked, in place
/// (same length, so spans stay valid): so that no snippet or fingerprint
/// can carry one.
pub fn masked_text(source: &SourceFile, findings: &[Finding], secrets: &SecretTexts) -> String {
    let mut text = source.text.to_string();
    let mut spans: Vec<Span> = findings
        .iter()
        .flat_map(|f| f.secrets.iter().copied())
        .collect();
    spans.sort_unstable();
    // In order of start, each byte is masked once: a span inside one
    // already masked (the headers of a key block cut short all mask to the
    // end of the file) would otherwise mask it again, at the cost of the
    // file's length per span. Disjoint spans are masked as before.
    let mut masked_to = 0;
    for s in spans {
        if s.end <= masked_to {
            continue;
        }
        // A span that does not fall on character boundaries masks nothing
        // (as `mask_in_place` does) and so covers nothing for the next.
        if text.get(s.start.max(masked_to)..s.end).is_none() {
            continue;
        }
        if s.start < masked_to {
            // The rest of a masked region: nothing of it is shown.
            mask_in_place_fully(&mut text, masked_to, s.end);
        } else {
            mask_in_place(&mut text, s.start, s.end);
        }
        masked_to = s.end;
    }
    if let Some(finder) = &secrets.finder {
        let places: Vec<(usize, usize)> = finder
            .find_iter(&*source.text)
            .map(|m| (m.start(), m.end()))
            .collect();
        for (a, b) in places {
            mask_in_place(&mut text, a, b);
        }
    }
    text
}

/// Another file's text (one a related location points into) with its
/// secrets masked: its own findings are not at hand, so the secret
/// detectors run on it here.
pub fn masked_elsewhere(source: &SourceFile) -> String {
    let mut found = crate::diagnostic::Findings::new();
    crate::rules::secrets::scan(source, &crate::select::Selection::every_rule(), &mut found);
    let mut spans = found.secret_spans();
    spans.extend(found.take_dropped_secrets());
    let mut carrier = Finding::new(
        &crate::rules::meta::InternalError::META,
        Span::empty(0),
        String::new(),
    );
    carrier.secrets = spans;
    let findings = [carrier];
    let secrets = secret_texts(source, &findings);
    masked_text(source, &findings, &secrets)
}
