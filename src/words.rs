//! Finding every occurrence of a set of words in a text, fast.
//!
//! Several passes read every file for words (the secret scan's prefixes
//! and names, the words the Python rules need). aho-corasick's
//! overlapping search does that in one pass, but it cannot use its SIMD
//! prefilter (Teddy): that one only serves leftmost searches and
//! case-sensitive patterns. The overlapping pass cost as much as parsing
//! every Python module. So the words here are searched leftmost-first,
//! longest first, restarting one byte after each match's start; the
//! shorter words that match at the same start are prefixes of the one
//! found and are told from a table. That yields exactly the overlapping
//! search's (word, start) pairs, in order of start. Case-insensitive words
//! are searched in lower case over an ASCII-lower-cased copy of the text
//! (same length, same offsets).

use aho_corasick::{AhoCorasick, Input, MatchKind};
use std::cell::RefCell;

pub struct Words {
    groups: Vec<Group>,
    case_insensitive: bool,
}

/// At most [`GROUP`] words: the SIMD prefilter takes no more.
struct Group {
    automaton: AhoCorasick,
    /// Per automaton pattern, the caller's indexes of the words it is
    /// (a word the caller lists more than once is one pattern: the
    /// prefilter is twice as fast for 32 patterns as for 33), then those
    /// of the shorter words of the group that are prefixes of it.
    reported: Vec<Vec<usize>>,
}

/// The most words Teddy (aho-corasick's SIMD prefilter) searches at once.
const GROUP: usize = 64;

thread_local! {
    /// The lower-cased copy of the text, reused between files.
    static LOWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Words {
    /// `None` when an automaton cannot be built (it can for any list of
    /// non-empty words of reasonable size).
    pub fn new(words: &[&str], case_insensitive: bool) -> Option<Words> {
        let fold = |w: &str| {
            if case_insensitive {
                w.to_ascii_lowercase()
            } else {
                w.to_string()
            }
        };
        let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
        let mut order: Vec<usize> = (0..folded.len()).collect();
        // Longest first: at a start where several words match, the
        // leftmost-first search reports the longest; the others are its
        // prefixes.
        order.sort_by_key(|&i| (std::cmp::Reverse(folded.get(i).map_or(0, String::len)), i));
        // Words of one or two bytes go apart: in a group they would make
        // the prefilter stop at every other byte pair of the text.
        let short = order
            .iter()
            .position(|&i| folded.get(i).map_or(0, String::len) < 3)
            .unwrap_or(order.len());
        let (long, short) = order.split_at(short);
        let groups = long
            .chunks(GROUP)
            .chain(short.chunks(GROUP))
            .map(|chunk| Group::new(chunk, &folded))
            .collect::<Option<Vec<_>>>()?;
        Some(Words {
            groups,
            case_insensitive,
        })
    }

    /// Calls `f(word, start)` for every occurrence of every word, in order
    /// of start (at one start, the longest word first); `f` returns false
    /// to stop.
    pub fn each(&self, text: &str, mut f: impl FnMut(usize, usize) -> bool) {
        if self.case_insensitive {
            // Taken out of the thread's slot while in use, so that a call
            // from within `f` gets a buffer of its own.
            let mut lower = LOWER.with(|l| std::mem::take(&mut *l.borrow_mut()));
            // Copied and lowered in one pass (the buffer is reused).
            lower.clear();
            lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
            self.each_in(&lower, &mut f);
            LOWER.with(|l| *l.borrow_mut() = lower);
        } else {
            self.each_in(text.as_bytes(), &mut f);
        }
    }

    fn each_in(&self, hay: &[u8], f: &mut impl FnMut(usize, usize) -> bool) {
        match self.groups.as_slice() {
            [one] => one.each(hay, f),
            groups => {
                // Each group in turn, then all of them in order of start
                // (a stable sort keeps the longest first at one start).
                let mut all: Vec<(usize, usize)> = Vec::new();
                for g in groups {
                    g.each(hay, &mut |w, at| {
                        all.push((at, w));
                        true
                    });
                }
                all.sort_by_key(|&(at, _)| at);
                for (at, w) in all {
                    if !f(w, at) {
                        return;
                    }
                }
            }
        }
    }

    /// Whether any word occurs in `text`.
    pub fn any(&self, text: &str) -> bool {
        let mut found = false;
        self.each(text, |_, _| {
            found = true;
            false
        });
        found
    }
}

/// A word list's automaton, built the first time a thread needs it and
/// shared by the run's threads (a list searched in every file of a kind).
pub struct Lazy(std::sync::OnceLock<Option<Words>>);

impl Default for Lazy {
    fn default() -> Lazy {
        Lazy::new()
    }
}

impl Lazy {
    pub const fn new() -> Lazy {
        Lazy(std::sync::OnceLock::new())
    }

    /// The automaton of `words` (case-sensitive); `None` only when it
    /// cannot be built. Every call must name the same words.
    pub fn get(&self, words: &[&[&str]]) -> Option<&Words> {
        self.0
            .get_or_init(|| {
                let all: Vec<&str> = words.iter().flat_map(|l| l.iter().copied()).collect();
                Words::new(&all, false)
            })
            .as_ref()
    }

    /// Whether `text` holds any of `words`, in one pass (a search per word
    /// when the automaton cannot be built).
    pub fn any(&self, words: &[&[&str]], text: &str) -> bool {
        match self.get(words) {
            Some(w) => w.any(text),
            None => words
                .iter()
                .flat_map(|l| l.iter())
                .any(|w| text.contains(w)),
        }
    }
}

impl Group {
    /// The group of `chunk` (indexes into `folded`, longest first).
    fn new(chunk: &[usize], folded: &[String]) -> Option<Group> {
        // Each distinct word once, in the chunk's order, with the
        // caller's indexes that are that word.
        let mut distinct: Vec<(&str, Vec<usize>)> = Vec::new();
        for &i in chunk {
            let Some(w) = folded.get(i) else { continue };
            match distinct.iter_mut().find(|(d, _)| *d == w.as_str()) {
                Some((_, same)) => same.push(i),
                None => distinct.push((w.as_str(), vec![i])),
            }
        }
        let reported = distinct
            .iter()
            .map(|(w, same)| {
                let mut out = same.clone();
                for (p, theirs) in &distinct {
                    if p.len() < w.len() && w.starts_with(p) {
                        out.extend(theirs);
                    }
                }
                out
            })
            .collect();
        // A contiguous NFA: built in a fraction of a DFA's time (paid by
        // every run, however small), and the literal prefilter finds the
        // candidates either way.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(distinct.iter().map(|(w, _)| w))
            .ok()?;
        Some(Group {
            automaton,
            reported,
        })
    }

    fn each(&self, hay: &[u8], f: &mut impl FnMut(usize, usize) -> bool) {
        let mut at = 0;
        while at < hay.len() {
            let Some(m) = self.automaton.find(Input::new(hay).range(at..)) else {
                return;
            };
            let Some(words) = self.reported.get(m.pattern().as_usize()) else {
                return;
            };
            for &w in words {
                if !f(w, m.start()) {
                    return;
                }
            }
            at = m.start() + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (word, start) pair, as an overlapping search reports them.
    fn naive(words: &[&str], text: &str, ci: bool) -> Vec<(usize, usize)> {
        let (t, ws): (String, Vec<String>) = if ci {
            (
                text.to_ascii_lowercase(),
                words.iter().map(|w| w.to_ascii_lowercase()).collect(),
            )
        } else {
            (
                text.to_string(),
                words.iter().map(|w| w.to_string()).collect(),
            )
        };
        let mut out = Vec::new();
        for s in 0..t.len() {
            for (i, w) in ws.iter().enumerate() {
                if t.as_bytes()[s..].starts_with(w.as_bytes()) {
                    out.push((i, s));
                }
            }
        }
        out.sort_by_key(|&(i, s)| (s, i));
        out
    }

    fn found(words: &[&str], text: &str, ci: bool) -> Vec<(usize, usize)> {
        let w = Words::new(words, ci).unwrap();
        let mut out = Vec::new();
        w.each(text, |i, s| {
            out.push((i, s));
            true
        });
        out.sort_by_key(|&(i, s)| (s, i));
        out
    }

    #[test]
    fn every_occurrence_of_overlapping_and_nested_words_is_found() {
        let words = [
            "token",
            "api_token",
            "tok",
            "ken",
            "SK",
            "sk",
            "Settings(",
            "BaseSettings",
            "a",
            "aa",
            "aaa",
        ];
        let text = "BaseSettings(api_TOKEN=tokens, task='sk-aaa') Tokenizer token";
        for ci in [false, true] {
            assert_eq!(found(&words, text, ci), naive(&words, text, ci), "ci={ci}");
        }
    }

    #[test]
    fn more_words_than_one_group_holds() {
        let owned: Vec<String> = (0..150).map(|i| format!("w{i}x")).collect();
        let words: Vec<&str> = owned.iter().map(String::as_str).collect();
        let text = "w1x w10x w149x w3 w99x W7X";
        for ci in [false, true] {
            assert_eq!(found(&words, text, ci), naive(&words, text, ci), "ci={ci}");
        }
    }

    #[test]
    fn a_word_listed_twice_is_reported_for_each_listing_in_order() {
        // One group (words of three bytes or more): at one start, the
        // longest word first, equal words in the caller's order.
        let words = ["token", "tok", "token", "api_token", "TOKEN", "tok", "ken"];
        let text = "api_token Tokens tok";
        for ci in [false, true] {
            let w = Words::new(&words, ci).unwrap();
            let mut got = Vec::new();
            w.each(text, |i, s| {
                got.push((i, s));
                true
            });
            let mut want = naive(&words, text, ci);
            want.sort_by_key(|&(i, s)| (s, std::cmp::Reverse(words[i].len()), i));
            assert_eq!(got, want, "ci={ci}");
        }
    }

    #[test]
    fn a_lazy_list_is_built_once_and_searched_as_one() {
        static LAZY: Lazy = Lazy::new();
        let lists: [&[&str]; 2] = [&["alpha", "beta"], &["gamma"]];
        assert!(LAZY.any(&lists, "x gamma y"));
        assert!(!LAZY.any(&lists, "x gam y"));
        assert!(LAZY.get(&lists).is_some_and(|w| w.any("betamax")));
    }

    #[test]
    fn stopping_early_and_any() {
        let w = Words::new(&["b", "c"], false).unwrap();
        let mut seen = 0;
        w.each("abcbc", |_, _| {
            seen += 1;
            false
        });
        assert_eq!(seen, 1);
        assert!(w.any("xxc"));
        assert!(!w.any("xxx"));
    }
}
