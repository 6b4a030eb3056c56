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
    /// Built for more than [`FEW`] texts only.
    finder: Option<AhoCorasick>,
}

/// Up to this many secret texts are searched one by one: an automaton
/// costs about 100,000 instructions to build, more than searching a few
/// texts through every string of a file's report.
const FEW: usize = 8;

impl SecretTexts {
    /// Where the secrets occur in `text`, as `(start, end, secret)`:
    /// leftmost first, the longest at one start, none overlapping (an
    /// automaton's leftmost-longest search).
    fn places(&self, text: &str) -> Vec<(usize, usize, usize)> {
        if let Some(finder) = &self.finder {
            return finder
                .find_iter(text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
        }
        // Every occurrence of every text, overlapping ones included, then
        // the same choice the automaton makes.
        let hay = text.as_bytes();
        let mut all: Vec<(usize, usize, usize)> = Vec::new();
        for (i, t) in self.texts.iter().enumerate() {
            // One searcher per text, however many times it occurs.
            let finder = memchr::memmem::Finder::new(t.as_bytes());
            let mut from = 0;
            while let Some(at) = hay.get(from..).and_then(|rest| finder.find(rest)) {
                all.push((from + at, from + at + t.len(), i));
                from += at + 1;
            }
        }
        all.sort_unstable_by_key(|&(start, end, i)| (start, std::cmp::Reverse(end), i));
        let mut out = Vec::new();
        let mut free_from = 0;
        for (start, end, i) in all {
            if start >= free_from {
                out.push((start, end, i));
                free_from = end;
            }
        }
        out
    }
}

pub fn secret_texts(source: &SourceFile, findings: &[Finding]) -> SecretTexts {
    texts_of(source, &merged(findings), |_| true)
}

/// The texts of the secret spans `merged` (see [`merged`]) that `keep`
/// keeps.
fn texts_of(source: &SourceFile, merged: &[Span], keep: impl Fn(&str) -> bool) -> SecretTexts {
    let mut texts: Vec<String> = merged
        .iter()
        .filter_map(|s| source.text.get(s.start..s.end))
        .flat_map(|s| s.lines().map(str::trim))
        .filter(|s| (4..=MAX_REPEATED).contains(&s.len()) && keep(s))
        .map(str::to_string)
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let finder = (texts.len() > FEW)
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

/// A message that quotes the file (an unknown instruction, an action's
/// reference, a value) may quote a secret the file holds: every message,
/// help text, note and fix title is masked as the excerpt is, with the
/// secrets of all the file's findings, before any report or the editor
/// sees it. A secret that reads as a word (a short lower-case one, a weak
/// password: `airflow`, `password`) is masked only where a message quotes
/// the file (between backticks, as messages quote it), so prodlint's own
/// words stay, and not at all when the file also uses it as a name
/// outside every secret (`POSTGRES_PASSWORD: airflow` beside the service
/// `airflow-worker`: messages name that service); the excerpt still
/// masks it wherever it appears.
pub fn mask_messages(source: &SourceFile, findings: &mut [Finding]) {
    // One span at most holds a given place.
    let merged = merged(findings);
    if merged.is_empty() {
        return;
    }
    let text = source.text.as_bytes();
    // Some occurrence of `word` lies outside every secret span.
    let named_elsewhere = |word: &str| {
        memchr::memmem::find_iter(text, word.as_bytes()).any(|at| {
            let before = merged.partition_point(|s| s.start <= at);
            before
                .checked_sub(1)
                .and_then(|i| merged.get(i))
                .is_none_or(|s| s.end < at + word.len())
        })
    };
    let word = |s: &str| s.len() <= 16 && s.bytes().all(|b| b.is_ascii_lowercase());
    let anywhere = texts_of(source, &merged, |s| !word(s));
    let quoted = texts_of(source, &merged, |s| word(s) && !named_elsewhere(s));
    let mask = |text: &str| -> Option<String> {
        let masked = mask_secrets(text, &anywhere);
        let in_quotes = mask_between_backticks(&masked, &quoted);
        match (in_quotes, masked) {
            (Some(m), _) | (None, Cow::Owned(m)) => Some(m),
            (None, Cow::Borrowed(_)) => None,
        }
    };
    for f in findings.iter_mut() {
        if let Some(m) = mask(&f.message) {
            f.message = m;
        }
        if let Some(help) = &mut f.help
            && let Some(m) = mask(help)
        {
            *help = Cow::Owned(m);
        }
        for r in &mut f.related {
            if let Some(m) = mask(&r.message) {
                r.message = m;
            }
        }
        if let Some(fix) = &mut f.fix
            && let Some(m) = mask(&fix.message)
        {
            fix.message = m;
        }
    }
}

/// `text` with `secrets` masked between backticks (where a message
/// quotes the file; an unclosed one quotes to the end), `None` when
/// nothing was.
fn mask_between_backticks(text: &str, secrets: &SecretTexts) -> Option<String> {
    if !text.contains('`') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        match mask_secrets(part, secrets) {
            Cow::Owned(m) if i % 2 == 1 => {
                changed = true;
                out.push_str(&m);
            }
            _ => out.push_str(part),
        }
    }
    changed.then_some(out)
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
    if secrets.texts.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut last = 0;
    for (start, end, i) in secrets.places(text) {
        let Some(secret) = secrets.texts.get(i) else {
            continue;
        };
        out.push_str(&text[last..start]);
        out.push_str(&redact(secret));
        last = end;
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
    for (a, b, _) in secrets.places(&source.text) {
        mask_in_place(&mut text, a, b);
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

#[cfg(test)]
mod tests {
    /// Messages are masked with the file's secrets: a token anywhere; a
    /// weak password (a short lower-case word) only where the message
    /// quotes the file, and not when the file also uses it as a name.
    #[test]
    fn messages_mask_what_they_quote_of_the_files_secrets() {
        use crate::diagnostic::Finding;
        use crate::redact::redact;
        use crate::rules::meta::ParseError;
        use crate::source::{SourceFile, Span};
        let masked = |text: &str, secret: &str, message: &str| {
            let source = SourceFile::new(
                std::sync::Arc::from(std::path::Path::new("f")),
                crate::source::SharedText::from(text),
            );
            let at = text.rfind(secret).unwrap_or_default();
            let mut f = Finding::new(&ParseError::META, Span::new(0, 1), message);
            f.secrets.push(Span::new(at, at + secret.len()));
            let mut findings = vec![f];
            super::mask_messages(&source, &mut findings);
            findings.remove(0).message
        };
        let token = "hKjQwPzXmRtLvBnYcDfGsWqE";
        assert_eq!(
            masked(
                &format!("t: {token}\n"),
                token,
                &format!("`{token}` and {token}")
            ),
            format!("`{0}` and {0}", redact(token))
        );
        assert_eq!(
            masked(
                "pw: hunter\n",
                "hunter",
                "`pw: hunter` is a hunter's password"
            ),
            format!("`pw: {}` is a hunter's password", redact("hunter"))
        );
        assert_eq!(
            masked("gitea:\n  pw: gitea\n", "gitea", "service `gitea`"),
            "service `gitea`"
        );
    }

    use super::*;

    fn with_automaton(texts: &[&str]) -> SecretTexts {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        let finder = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(&texts)
            .ok();
        SecretTexts { texts, finder }
    }

    fn one_by_one(texts: &[&str]) -> SecretTexts {
        SecretTexts {
            texts: texts.iter().map(|t| t.to_string()).collect(),
            finder: None,
        }
    }

    /// A few secrets searched one by one are found where the automaton
    /// finds them: leftmost, longest, not overlapping, overlapping
    /// occurrences of one secret and secrets inside others included.
    #[test]
    fn a_few_secrets_are_found_where_the_automaton_finds_them() {
        let sets: &[&[&str]] = &[
            &["abcd"],
            &["aaaa"],
            &["abab", "baba"],
            &["abcd", "abcdef", "cdef"],
            &["hunter22", "unter22x", "ter2"],
            &["pässwörd", "wörd"],
        ];
        let mut state = 0x243f_6a88_85a3_08d3u64;
        for set in sets {
            let alphabet: Vec<char> = set
                .iter()
                .flat_map(|t| t.chars())
                .chain([' ', 'x'])
                .collect();
            for _ in 0..2000 {
                let mut text = String::new();
                for _ in 0..(state % 40) {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    if state.is_multiple_of(5) {
                        text.push_str(set[(state / 5 % set.len() as u64) as usize]);
                    } else {
                        text.push(alphabet[(state / 5 % alphabet.len() as u64) as usize]);
                    }
                }
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                assert_eq!(
                    one_by_one(set).places(&text),
                    with_automaton(set).places(&text),
                    "{set:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn more_than_a_few_secrets_get_an_automaton() {
        let text = "k1=aaaa1\nk2=bbbb2\nk3=cccc3\nk4=dddd4\nk5=eeee5\nk6=ffff6\nk7=gggg7\nk8=hhhh8\nk9=iiii9\n";
        let source = SourceFile::new(std::path::Path::new("f.env"), text);
        let finding = |n: usize| {
            let mut f = Finding::new(
                &crate::rules::meta::InternalError::META,
                Span::empty(0),
                String::new(),
            );
            f.secrets = (0..n).map(|i| Span::new(i * 9 + 3, i * 9 + 8)).collect();
            f
        };
        let few = secret_texts(&source, &[finding(FEW)]);
        assert_eq!(few.texts.len(), FEW);
        assert!(few.finder.is_none());
        let many = secret_texts(&source, &[finding(FEW + 1)]);
        assert!(many.finder.is_some());
        // Either way every occurrence is masked.
        assert_eq!(
            mask_secrets("x cccc3 y aaaa1", &few),
            mask_secrets("x cccc3 y aaaa1", &many)
        );
        assert!(!mask_secrets("x cccc3 y", &few).contains("cccc3"));
    }
}
