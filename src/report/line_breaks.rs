//! Where the terminal report's lines may break, found once per text.
//!
//! miette wraps every message, help text and label of the terminal
//! report with textwrap: half the cost of that report, and textwrap's
//! search for the places a line may break (Unicode's line-breaking
//! rules, by ICU's segmenter) half of that, made again for each of the
//! corpus's 3,840 findings. The same texts come back finding after
//! finding (a rule's help and summary, messages that differ only in a
//! name), so each worker remembers the places it found for a text; and
//! a text short enough to fit on any line of the report is not searched
//! at all. The words handed to textwrap are made from those places
//! exactly as textwrap's own separator makes them (or, for a short
//! text, are one word: a line that fits whole is the same line however
//! it could have been broken), so the report is the same byte for byte.

use crate::hashing::FastMap;
use std::cell::RefCell;
use std::rc::Rc;
use textwrap::WordSeparator;
use textwrap::core::Word;

/// Texts a worker remembers before it forgets them all: the memory a
/// report of any size keeps for this is bounded.
const REMEMBERED: usize = 4096;

/// The narrowest report [`separator`] is for, in columns: its lines
/// are at least [`SHORT`] columns wide, whatever indentation miette
/// puts before a text (it wraps a message at 100 − 2 − 4 = 94 columns
/// and a help text, the most indented, at 100 − 2 − 8 = 90; a related
/// location is rendered after, not inside, the finding).
pub const NARROWEST_REPORT: usize = 100;

/// A text of at most this many bytes fits on any line of a report at
/// least [`NARROWEST_REPORT`] columns wide (a character takes at most
/// as many columns as it has bytes).
const SHORT: usize = 64;

thread_local! {
    /// For each text seen: the end of each of its words (a word and the
    /// spaces after it), in order; the last is the text's length.
    static ENDS: RefCell<FastMap<Box<str>, Rc<[usize]>>> = RefCell::new(FastMap::default());
}

/// textwrap's Unicode line-break separator, remembering what it found,
/// for a report at least [`NARROWEST_REPORT`] columns wide.
pub fn separator() -> WordSeparator {
    WordSeparator::Custom(words)
}

fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    // (An empty line has no word: it goes the long way.)
    if (1..=SHORT).contains(&line.len()) {
        return Box::new(std::iter::once(Word::from(line)));
    }
    let ends = ENDS.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(ends) = seen.get(line) {
            return Rc::clone(ends);
        }
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        let ends: Rc<[usize]> = ends_of(line).into();
        seen.insert(line.into(), Rc::clone(&ends));
        ends
    });
    let mut start = 0;
    let mut next = 0;
    Box::new(std::iter::from_fn(move || {
        let end = *ends.get(next)?;
        next += 1;
        // `Word::from` splits the trailing spaces off, as textwrap does.
        let word = Word::from(line.get(start..end)?);
        start = end;
        Some(word)
    }))
}

/// The ends of the words textwrap's own Unicode separator finds in
/// `line`. Its words follow one another and cover the line (each is a
/// slice of it, up to the next place a line may break), so their ends
/// are their lengths added up.
fn ends_of(line: &str) -> Vec<usize> {
    let mut at = 0;
    WordSeparator::UnicodeBreakProperties
        .find_words(line)
        .map(|w| {
            at += w.word.len() + w.whitespace.len() + w.penalty.len();
            at
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(line: &str) -> (Vec<Word<'_>>, Vec<Word<'_>>) {
        let own = WordSeparator::UnicodeBreakProperties
            .find_words(line)
            .collect();
        // Twice: the second answer comes from what the first remembered.
        let first: Vec<Word<'_>> = separator().find_words(line).collect();
        let again: Vec<Word<'_>> = separator().find_words(line).collect();
        assert_eq!(first, again);
        (own, again)
    }

    #[test]
    fn the_words_are_textwraps_own() {
        for line in [
            "",
            "`pip install --no-cache-dir -r requirements.txt` keeps pip's cache in the image",
            "a/b/c path-like, (parenthesised) words; and: punctuation! 1.5 2,000",
            "naïve café — 日本語のテキスト 😀 mixed\twith tab",
            "\u{1b}[1mbold\u{1b}[0m and plain",
        ] {
            // Longer than a short text, which is one word.
            let line = format!("{line} {}", "and some more words to make it long".repeat(2));
            let (own, cached) = both(&line);
            assert_eq!(own, cached, "{line:?}");
        }
    }

    /// What the report shows: each text wrapped as miette wraps it, at
    /// the widths and indentations of the report, with textwrap's
    /// separator and with this one.
    #[test]
    fn texts_are_wrapped_as_textwrap_wraps_them() {
        let texts = [
            "",
            "short",
            "exactly sixty-four bytes long, give or take a few words here ok.",
            "`pip install --no-cache-dir -r requirements.txt` keeps pip's cache in the image: add `--no-cache-dir`",
            "the container runs as root: a process that escapes the app owns the container, and what it mounts (a well-known-path/with/slashes-and-hyphens)",
            "a-very-long-hyphenated-identifier-that-is-longer-than-any-line-of-the-report-and-must-be-broken-apart-somewhere-in-the-middle",
            "naïve café — 日本語のテキストがここにあります。行の幅を超えるほど長い文章です。もっと長くしましょう。まだ足りません。 😀",
            "line one\nline two is a great deal longer than the first one and has to be wrapped at the width of the report",
            "   leading spaces, trailing spaces   ",
        ];
        for width in [NARROWEST_REPORT - 18, NARROWEST_REPORT, 140] {
            for (first, rest) in [("  × ", "  │ "), ("  help: ", "        "), ("", "")] {
                for text in texts {
                    let opts = |sep| {
                        textwrap::Options::new(width)
                            .initial_indent(first)
                            .subsequent_indent(rest)
                            .word_separator(sep)
                    };
                    assert_eq!(
                        textwrap::fill(text, opts(WordSeparator::UnicodeBreakProperties)),
                        textwrap::fill(text, opts(separator())),
                        "{width} {first:?} {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn what_is_remembered_is_bounded() {
        for i in 0..REMEMBERED + 10 {
            let line = format!("{} {i}", "word ".repeat(14));
            assert_eq!(separator().find_words(&line).count(), 15);
        }
        assert!(ENDS.with(|seen| seen.borrow().len()) <= REMEMBERED);
    }
}
