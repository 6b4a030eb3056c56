//! `.dockerignore` patterns, enough to know what a build context leaves out.
//!
//! Matched as Docker matches them (moby's `patternmatcher`, which builds
//! on Go's `filepath.Match`): the pattern is anchored at the context's
//! root, `*` is any run of characters other than `/`, `?` one such
//! character, `**` any number of folders, `[…]` a class (`[^…]` negated),
//! `\` escapes; a pattern that matches a parent folder excludes what is
//! inside it, and the last matching pattern wins. (A regex per pattern
//! would cost more to build than the whole match: patterns are matched
//! here by a walk over the sets of positions each step can reach, linear
//! in the pattern times the path.)

use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    pub negated: bool,
    pub span: Span,
    matcher: Option<Glob>,
}

#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    pub patterns: Vec<Pattern>,
}

/// A pattern longer than this is not matched (a crafted file cannot make
/// each match cost more than this many steps per path character).
const MAX_PATTERN: usize = 4096;

pub fn parse(text: &str) -> DockerIgnore {
    let mut patterns = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = content.len() - content.trim_start().len();
        let (negated, pat) = match trimmed.strip_prefix('!') {
            Some(p) => (true, p.trim()),
            None => (false, trimmed),
        };
        let clean = pat
            .trim_start_matches("./")
            .trim_start_matches('/')
            .trim_end_matches('/');
        let matcher = (clean.len() <= MAX_PATTERN)
            .then(|| Glob::new(clean))
            .flatten();
        patterns.push(Pattern {
            text: clean.to_string(),
            negated,
            span: Span::new(start + lead, start + lead + trimmed.len()),
            matcher,
        });
    }
    DockerIgnore { patterns }
}

impl DockerIgnore {
    /// Whether the context path (relative, `/`-separated) is left out of the
    /// build context. The last matching pattern wins, as in Docker; a
    /// pattern that matches a parent folder excludes what is inside it.
    pub fn excludes(&self, path: &str) -> bool {
        let mut excluded = false;
        let chars: Vec<char> = path.chars().collect();
        for p in &self.patterns {
            let Some(m) = &p.matcher else { continue };
            if m.matches_or_parent(&chars) {
                excluded = !p.negated;
            }
        }
        excluded
    }
}

/// One step of a pattern.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// This character.
    Char(char),
    /// `?`: any one character but `/`.
    One,
    /// `*`: any run of characters but `/`.
    Run,
    /// `**`: any run of characters, `/` included.
    Deep,
    /// `**/`: nothing, or any run of characters that ends with `/`.
    Folders,
    /// `[…]`: one character in (or, negated, outside) ranges.
    Class(bool, Vec<(char, char)>),
}

/// A compiled `.dockerignore` pattern.
#[derive(Debug, Clone)]
struct Glob {
    steps: Vec<Step>,
}

impl Glob {
    /// `None` for a malformed pattern (an unclosed class, a trailing `\`),
    /// which Go's matcher rejects.
    fn new(pattern: &str) -> Option<Glob> {
        let mut steps = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    // Repeated stars are one.
                    while chars.peek() == Some(&'*') {
                        chars.next();
                    }
                    if chars.peek() == Some(&'/') {
                        chars.next();
                        steps.push(Step::Folders);
                    } else {
                        steps.push(Step::Deep);
                    }
                }
                '*' => steps.push(Step::Run),
                '?' => steps.push(Step::One),
                '\\' => steps.push(Step::Char(chars.next()?)),
                '[' => {
                    // Docker hands classes to Go's regexp: `^` negates.
                    let negated = chars.peek() == Some(&'^');
                    if negated {
                        chars.next();
                    }
                    let mut ranges = Vec::new();
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        let low = match c {
                            ']' if ranges.is_empty() => return None,
                            ']' => {
                                closed = true;
                                break;
                            }
                            '\\' => chars.next()?,
                            c => c,
                        };
                        let high = if chars.peek() == Some(&'-') {
                            chars.next();
                            match chars.next()? {
                                '\\' => chars.next()?,
                                c => c,
                            }
                        } else {
                            low
                        };
                        ranges.push((low, high));
                    }
                    if !closed {
                        return None;
                    }
                    steps.push(Step::Class(negated, ranges));
                }
                c => steps.push(Step::Char(c)),
            }
        }
        Some(Glob { steps })
    }

    /// Does the whole of `chars` (a path), or one of its parent folders
    /// (`a`, `a/b` of `a/b/c`), match? The positions each step can end
    /// at, step by step: no backtracking, so no pattern costs more than
    /// its steps times the path's length; after the last step, a
    /// reachable position just before a `/` is a parent that matches.
    fn matches_or_parent(&self, chars: &[char]) -> bool {
        let n = chars.len();
        let mut at = vec![false; n + 1];
        at[0] = true;
        let mut next = vec![false; n + 1];
        for step in &self.steps {
            // Whether some earlier position was reachable, for the steps
            // that run on (each pass is one sweep over the path).
            let mut seen = false;
            for i in 0..=n {
                let before = i.checked_sub(1).and_then(|j| chars.get(j).map(|c| (j, *c)));
                next[i] = match step {
                    Step::Char(c) => before.is_some_and(|(j, b)| at[j] && b == *c),
                    Step::One => before.is_some_and(|(j, b)| at[j] && b != '/'),
                    Step::Class(negated, ranges) => before.is_some_and(|(j, b)| {
                        at[j] && ranges.iter().any(|(lo, hi)| *lo <= b && b <= *hi) != *negated
                    }),
                    // Here, or one more character than the position before
                    // when that character is not `/`.
                    Step::Run => at[i] || before.is_some_and(|(_, b)| b != '/' && next[i - 1]),
                    Step::Deep => {
                        seen |= at[i];
                        seen
                    }
                    // Here, or just after a `/` that follows a reachable
                    // position.
                    Step::Folders => {
                        let after_slash = before.is_some_and(|(_, b)| b == '/') && seen;
                        seen |= at[i];
                        at[i] || after_slash
                    }
                };
            }
            if !next.iter().any(|x| *x) {
                return false;
            }
            std::mem::swap(&mut at, &mut next);
        }
        at[n] || (0..n).any(|j| at[j] && chars[j] == '/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_match_wins_and_parents_count() {
        let d = parse(".git\n*.env\n.env*\n!.env.example\n**/__pycache__\n");
        assert!(d.excludes(".git/config"));
        assert!(d.excludes(".env"));
        assert!(d.excludes(".env.prod"));
        assert!(!d.excludes(".env.example"));
        assert!(d.excludes("app/__pycache__/x.pyc"));
        assert!(d.excludes("__pycache__/x.pyc"));
        assert!(!d.excludes("app/main.py"));
    }

    #[test]
    fn stars_stay_within_a_folder_as_in_docker() {
        // `*` does not cross `/`: `*.env` leaves out the root's only.
        let d = parse("*.env\n");
        assert!(d.excludes("prod.env"));
        assert!(!d.excludes("config/prod.env"));
        let d = parse("**/*.env\n");
        assert!(d.excludes("prod.env"));
        assert!(d.excludes("config/deep/prod.env"));
        let d = parse("*/temp*\n");
        assert!(d.excludes("a/temporary.txt"));
        assert!(!d.excludes("a/b/temporary.txt"));
        assert!(!d.excludes("temp"));
        let d = parse("secrets/**\n");
        assert!(d.excludes("secrets/a/b"));
        let d = parse("a/**/b\n");
        assert!(d.excludes("a/b"));
        assert!(d.excludes("a/x/y/b"));
        assert!(!d.excludes("a/xb"));
    }

    #[test]
    fn classes_questions_and_escapes() {
        let d = parse("file[0-9].txt\n!file[^0-4].txt\nx?z\n\\*lit\n");
        assert!(d.excludes("file3.txt"));
        assert!(!d.excludes("file7.txt"));
        assert!(d.excludes("xyz"));
        assert!(!d.excludes("x/z"));
        assert!(d.excludes("*lit"));
        assert!(!d.excludes("alit"));
        // A malformed pattern matches nothing.
        let d = parse("[abc\n");
        assert!(!d.excludes("a"));
    }

    #[test]
    fn a_crafted_pattern_costs_steps_not_backtracking() {
        let pattern = "*a".repeat(2000) + "b";
        let d = parse(&pattern);
        let path = "a".repeat(3000);
        assert!(!d.excludes(&path));
    }
}
