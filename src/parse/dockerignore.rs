//! `.dockerignore` patterns, enough to know what a build context leaves out.

use crate::source::Span;
use globset::{Glob, GlobMatcher};

#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    pub negated: bool,
    pub span: Span,
    matcher: Option<GlobMatcher>,
}

#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    pub patterns: Vec<Pattern>,
}

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
        let matcher = Glob::new(clean).ok().map(|g| g.compile_matcher());
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
        let parts: Vec<&str> = path.split('/').collect();
        for p in &self.patterns {
            let Some(m) = &p.matcher else { continue };
            let hit = (1..=parts.len()).any(|n| m.is_match(parts[..n].join("/")))
                || (p.text.starts_with("**") && parts.iter().any(|x| m.is_match(x)));
            if hit {
                excluded = !p.negated;
            }
        }
        excluded
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
        assert!(!d.excludes("app/main.py"));
    }
}
