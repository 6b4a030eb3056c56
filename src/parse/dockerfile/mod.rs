//! Hand-written Dockerfile parser following BuildKit's behaviour, with
//! error recovery: a malformed instruction becomes a [`ParseError`] and the
//! parser goes on with the next one.

pub mod lexer;
mod model;
pub mod paths;
pub mod words;

pub use lexer::{Directive, Heredoc};
pub use model::*;

use crate::hashing::FastMap;
use crate::parse::offsets::OffsetMap;
use crate::parse::shell;
use crate::source::Span;
use words::{Budget, Scope, Vars};

/// Instructions whose arguments Docker substitutes `$VAR` in.
const SUBSTITUTED: &[Keyword] = &[
    Keyword::Add,
    Keyword::Copy,
    Keyword::Env,
    Keyword::Expose,
    Keyword::Label,
    Keyword::Stopsignal,
    Keyword::User,
    Keyword::Volume,
    Keyword::Workdir,
];

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

/// BuildKit rejects `ONBUILD` with these inside.
const NOT_IN_ONBUILD: &[Keyword] = &[Keyword::Onbuild, Keyword::From, Keyword::Maintainer];

struct Parser<'a> {
    source: &'a str,
    escape: char,
    global: Vars,
    /// Variables of each stage as they stand at its end (children inherit
    /// ENV), with what copying them costs (see [`var_size`]).
    stage_vars: Vec<(Vars, usize)>,
    current: Vars,
    current_size: usize,
    /// What substitution and inheritance may still copy in this file.
    budget: Budget,
    /// Stage name -> the latest stage of that name, for `FROM <stage>`.
    latest_by_name: FastMap<String, usize>,
    dropped_errors: usize,
    out: Dockerfile,
}

/// A file that is not a Dockerfile at all would otherwise give one error
/// per line; past this many the rest are counted, not kept.
const MAX_ERRORS: usize = 100;

pub fn parse(text: &str) -> Dockerfile {
    let mut lexer = lexer::Lexer::new(text);
    let mut p = Parser {
        source: text,
        escape: lexer.escape,
        global: Vars::default(),
        stage_vars: Vec::new(),
        current: Vars::default(),
        current_size: 0,
        budget: Budget::default(),
        latest_by_name: FastMap::default(),
        dropped_errors: 0,
        out: Dockerfile {
            escape: lexer.escape,
            ..Dockerfile::default()
        },
    };
    while let Some(raw) = lexer.next_instruction() {
        let spent = p.budget.is_spent();
        if let Some(instr) = p.instruction(&raw.text, &raw.map, raw.span, raw.heredocs, false) {
            p.push(instr);
        }
        if !spent && p.budget.is_spent() {
            p.out.limits.push(ParseError {
                span: raw.span,
                message: format!(
                    "variables are not substituted past this point: their values would copy more than {} MiB (a variable built from itself doubles each time), so what uses them is unknown",
                    words::SUBSTITUTION_BUDGET >> 20
                ),
            });
        }
    }
    for (span, message) in std::mem::take(&mut lexer.errors) {
        p.error(span, message);
    }
    p.out.directives = lexer.directives;
    p.out.comments = lexer.comments;
    if let Some(last) = p.out.stages.last_mut() {
        last.instructions.end = p.out.instructions.len();
    }
    if p.dropped_errors > 0
        && let Some(last) = p.out.errors.last_mut()
    {
        last.message.push_str(&format!(
            " ({} more syntax errors follow)",
            p.dropped_errors
        ));
    }
    p.out.index_final_chain();
    // The parse lives as long as the project: no room left over from
    // growing.
    p.out.instructions.shrink_to_fit();
    p.out.stages.shrink_to_fit();
    if p.out.stages.is_empty() && p.out.errors.is_empty() {
        p.error(
            Span::empty(0),
            "no FROM instruction: the file builds nothing".to_string(),
        );
    }
    p.out
}

impl Parser<'_> {
    fn error(&mut self, span: Span, message: String) {
        if self.out.errors.len() < MAX_ERRORS {
            self.out.errors.push(ParseError { span, message });
        } else {
            self.dropped_errors += 1;
        }
    }

    fn vars(&self) -> &Vars {
        if self.out.stages.is_empty() {
            &self.global
        } else {
            &self.current
        }
    }

    /// The variables in scope, for a substitution charged to the budget.
    fn scope(&self) -> Scope<'_> {
        Scope {
            vars: self.vars(),
            budget: &self.budget,
        }
    }

    /// Sets a variable of the current stage, keeping its size current.
    fn set_var(&mut self, key: String, value: Option<String>) {
        let added = var_size(&key, value.as_deref());
        if let Some(old) = self.current.get(&key) {
            self.current_size = self
                .current_size
                .saturating_sub(var_size(&key, old.as_deref()));
        }
        self.current.insert(key, value);
        self.current_size += added;
    }

    fn push(&mut self, mut instr: Instruction) {
        let index = self.out.instructions.len();
        if instr.keyword == Keyword::From {
            if let Some(last) = self.out.stages.last_mut() {
                last.instructions.end = index;
                let vars = std::mem::take(&mut self.current);
                self.stage_vars
                    .push((vars, std::mem::take(&mut self.current_size)));
            }
            let stage = self.stage(&instr, index, self.out.stages.len());
            // A stage built FROM another inherits its environment: a copy
            // the budget pays for, or a chain of thousands of stages would
            // copy every variable once per stage. Past the budget the
            // stage starts with none (their values are unknown).
            if let Some((vars, size)) = stage.parent.and_then(|p| self.stage_vars.get(p))
                && self.budget.take(*size)
            {
                self.current = vars.clone();
                self.current_size = *size;
            }
            self.out.stages.push(stage);
        } else if self.out.stages.is_empty() && instr.keyword != Keyword::Arg {
            self.error(
                instr.keyword_span,
                format!(
                    "{} before the first FROM: only ARG may come first",
                    instr.keyword.as_str()
                ),
            );
            return;
        }
        instr.stage = self.out.stages.len().checked_sub(1);
        self.track_vars(&instr);
        self.out.instructions.push(instr);
    }

    fn track_vars(&mut self, instr: &Instruction) {
        let in_stage = !self.out.stages.is_empty();
        match instr.keyword {
            Keyword::Arg => {
                for pair in instr.pairs() {
                    if in_stage {
                        // The global default is copied into the stage: a
                        // copy the budget pays for (unknown past it).
                        let value = pair.value.clone().or_else(|| {
                            self.global
                                .get(&pair.key)
                                .and_then(|v| v.as_deref())
                                .filter(|v| self.budget.take(v.len()))
                                .map(str::to_string)
                        });
                        self.set_var(pair.key.clone(), value);
                    } else {
                        self.global.insert(pair.key.clone(), pair.value.clone());
                    }
                }
            }
            Keyword::Env => {
                for pair in instr.pairs() {
                    self.set_var(pair.key.clone(), pair.value.clone());
                }
            }
            _ => {}
        }
    }

    fn stage(&mut self, from: &Instruction, index: usize, stage_index: usize) -> Stage {
        let words = from.words();
        let image_word = words.first();
        let image = match image_word {
            Some(w) => ImageRef::parse(&w.text, w.span, w.dynamic),
            None => ImageRef::parse("", from.keyword_span, true),
        };
        // The word is substituted; the source still says what it read.
        let args = image_word
            .and_then(|w| self.source.get(w.span.start..w.span.end))
            .filter(|raw| raw.contains('$'))
            .map(crate::parse::vars::names)
            .unwrap_or_default();
        let (name, name_span) = match words.get(2) {
            Some(w) => (Some(w.text.to_ascii_lowercase()), Some(w.span)),
            None => (None, None),
        };
        if let (Some(n), Some(span)) = (&name, name_span) {
            let valid = n.starts_with(|c: char| c.is_ascii_lowercase())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !valid {
                self.error(
                    span,
                    format!("invalid stage name `{n}`: use letters, digits, `-`, `_` and `.`"),
                );
            }
        }
        let lower = image.text.to_ascii_lowercase();
        let parent = self.latest_by_name.get(&lower).copied();
        if let Some(n) = &name {
            self.latest_by_name.insert(n.clone(), stage_index);
            self.out.stage_names.entry(n.clone()).or_insert(stage_index);
        }
        Stage {
            index: stage_index,
            name,
            name_span,
            from: index,
            image,
            args,
            parent,
            instructions: index..index + 1,
        }
    }

    /// Parses one logical instruction; `None` (with an error recorded) when
    /// it is not one BuildKit would accept.
    fn instruction(
        &mut self,
        text: &str,
        map: &OffsetMap,
        span: Span,
        heredocs: Vec<Heredoc>,
        in_onbuild: bool,
    ) -> Option<Instruction> {
        let kw_len = text.find(char::is_whitespace).unwrap_or(text.len());
        let kw_text = &text[..kw_len];
        let keyword_span = map.span(0, kw_len);
        let Some(keyword) = Keyword::parse(kw_text) else {
            self.error(keyword_span, format!("unknown instruction `{kw_text}`"));
            return None;
        };
        if in_onbuild && NOT_IN_ONBUILD.contains(&keyword) {
            self.error(
                keyword_span,
                format!("ONBUILD cannot trigger {}", keyword.as_str()),
            );
            return None;
        }
        // Flags: `--name[=value]` words right after the keyword.
        let mut pos = kw_len;
        let mut flags = Vec::new();
        loop {
            let rest = &text[pos..];
            let skip = rest.len() - rest.trim_start().len();
            let at = pos + skip;
            if !text[at..].starts_with("--") || keyword.allowed_flags().is_empty() {
                pos = at;
                break;
            }
            let len = text[at..]
                .find(char::is_whitespace)
                .unwrap_or(text.len() - at);
            let word = &text[at + 2..at + len];
            let (name, value) = match word.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(unquote(v))),
                None => (word.to_string(), None),
            };
            let flag_span = map.span(at, at + len);
            if !keyword.allowed_flags().contains(&name.as_str()) {
                self.error(
                    flag_span,
                    format!("unknown flag `--{name}` for {}", keyword.as_str()),
                );
            }
            flags.push(Flag {
                name,
                value,
                span: flag_span,
            });
            pos = at + len;
        }
        let args_text = &text[pos..];
        let args_map = map.slice_from(pos);
        let args_start = map.start(pos);
        let args_span = args_map.span(0, args_text.trim_end().len());
        if args_text.trim().is_empty() {
            self.error(
                span.cover(keyword_span),
                format!("{} needs arguments", keyword.as_str()),
            );
            return None;
        }
        let args = match keyword {
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint => {
                Args::Command(self.command(keyword, args_text, &args_map, args_span, &heredocs))
            }
            Keyword::Healthcheck => {
                let first = args_text.split_whitespace().next().unwrap_or("");
                if first.eq_ignore_ascii_case("none") {
                    Args::Healthcheck(None)
                } else if first.eq_ignore_ascii_case("cmd") {
                    let off = args_text.find(first).unwrap_or(0) + first.len();
                    let cmd_text = &args_text[off..];
                    let cmd_map = args_map.slice_from(off);
                    let cmd_span = cmd_map.span(0, cmd_text.trim_end().len());
                    if cmd_text.trim().is_empty() {
                        self.error(args_span, "HEALTHCHECK CMD needs a command".to_string());
                        return None;
                    }
                    Args::Healthcheck(Some(self.command(
                        keyword,
                        cmd_text,
                        &cmd_map,
                        cmd_span,
                        &[],
                    )))
                } else {
                    self.error(
                        args_span,
                        "HEALTHCHECK takes `NONE` or `CMD <command>`".to_string(),
                    );
                    return None;
                }
            }
            Keyword::Env | Keyword::Label | Keyword::Arg => {
                Args::Pairs(self.pairs(keyword, args_text, &args_map, args_span)?)
            }
            Keyword::Onbuild => {
                let trimmed = args_text.trim_start();
                let off = args_text.len() - trimmed.len();
                let inner = self.instruction(
                    trimmed,
                    &args_map.slice_from(off),
                    args_span,
                    heredocs.clone(),
                    true,
                )?;
                Args::Onbuild(Box::new(inner))
            }
            Keyword::Shell => match words::exec_form(args_text, &args_map) {
                Some(w) if !w.is_empty() => Args::Words(w),
                _ => {
                    self.error(
                        args_span,
                        "SHELL needs the JSON form: SHELL [\"executable\", \"parameters\"]"
                            .to_string(),
                    );
                    return None;
                }
            },
            Keyword::From => {
                let scope = Scope {
                    vars: &self.global,
                    budget: &self.budget,
                };
                let w = words::split(args_text, &args_map, self.escape, Some(scope));
                let ok = w.len() == 1 || (w.len() == 3 && w[1].text.eq_ignore_ascii_case("as"));
                if !ok {
                    self.error(
                        args_span,
                        "FROM takes an image and an optional `AS name`".to_string(),
                    );
                    return None;
                }
                Args::Words(w)
            }
            Keyword::Copy | Keyword::Add => {
                let w = match words::exec_form(args_text, &args_map) {
                    Some(w) => w,
                    None => words::split(args_text, &args_map, self.escape, Some(self.scope())),
                };
                if w.len() < 2 {
                    self.error(
                        args_span,
                        format!("{} needs a source and a destination", keyword.as_str()),
                    );
                    return None;
                }
                Args::Words(w)
            }
            _ => {
                let scope = SUBSTITUTED.contains(&keyword).then(|| self.scope());
                Args::Words(words::split(args_text, &args_map, self.escape, scope))
            }
        };
        Some(Instruction {
            keyword,
            keyword_span,
            span: span.cover(keyword_span),
            args_start,
            flags,
            args,
            heredocs,
            stage: None,
        })
    }

    fn command(
        &mut self,
        keyword: Keyword,
        text: &str,
        map: &OffsetMap,
        span: Span,
        heredocs: &[Heredoc],
    ) -> Command {
        if let Some(argv) = words::exec_form(text, map) {
            return Command::Exec { argv, span };
        }
        let mut script = shell::parse(text, map);
        if keyword == Keyword::Run && !heredocs.is_empty() {
            // `RUN <<EOF` and `RUN bash <<EOF` run the heredoc as the script.
            let runs_body = match script.commands.first() {
                None => true,
                Some(c) => c.program().is_some_and(|p| SHELLS.contains(&p)) && !c.has_arg("-c"),
            };
            if runs_body {
                for h in heredocs {
                    let body_map = OffsetMap::contiguous(h.body_span.start, h.body_span.len());
                    // The source slice, not the tab-stripped body, keeps spans exact;
                    // leading tabs mean nothing to the shell.
                    let source_body = self
                        .source
                        .get(h.body_span.start..h.body_span.end)
                        .unwrap_or("");
                    let body = shell::parse(source_body, &body_map);
                    script.uses_shell_syntax |= body.uses_shell_syntax;
                    script.commands.extend(body.commands);
                }
            }
        }
        Command::Shell {
            text: text.trim().to_string(),
            script,
            span,
        }
    }

    fn pairs(
        &mut self,
        keyword: Keyword,
        text: &str,
        map: &OffsetMap,
        span: Span,
    ) -> Option<Vec<Pair>> {
        match self.read_pairs(keyword, text, map, span) {
            Ok(pairs) => Some(pairs),
            Err((span, message)) => {
                self.error(span, message);
                None
            }
        }
    }

    /// The pairs of an ENV, LABEL or ARG, or the error that rejects it.
    /// Reads the variables in place: a copy per instruction would cost
    /// the square of a file of many ENV lines.
    fn read_pairs(
        &self,
        keyword: Keyword,
        text: &str,
        map: &OffsetMap,
        span: Span,
    ) -> Result<Vec<Pair>, (Span, String)> {
        let scope = self.scope();
        let raw_words = words::split(text, map, self.escape, None);
        let mut out = Vec::new();
        let legacy = raw_words.first().is_some_and(|w| !w.text.contains('='));
        if legacy && keyword != Keyword::Arg {
            // `ENV KEY value with spaces`: one pair, the rest of the line is the value.
            let Some(key) = raw_words.first() else {
                return Ok(out);
            };
            let key_len = text.trim_start().find(char::is_whitespace);
            let Some(key_len) = key_len else {
                return Err((
                    span,
                    format!(
                        "{} needs a value: {} KEY=value",
                        keyword.as_str(),
                        keyword.as_str()
                    ),
                ));
            };
            let lead = text.len() - text.trim_start().len();
            let value_text = text[lead + key_len..].trim();
            let value_off = text.len() - text[lead + key_len..].trim_start().len();
            let value_words = words::split(
                value_text,
                &map.slice_from(value_off),
                self.escape,
                Some(scope),
            );
            let value = value_words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Pair {
                key: key.text.clone(),
                key_span: key.span,
                value: Some(value),
                value_span: Some(map.span(value_off, value_off + value_text.len())),
                span,
            });
            return Ok(out);
        }
        for w in words::split_keeping_literal_dollars(text, map, self.escape) {
            let raw = &w.text;
            match raw.split_once('=') {
                Some((k, v)) => {
                    let key_span =
                        Span::new(w.span.start, (w.span.start + k.len()).min(w.span.end));
                    // Every substitution in one instruction sees the values from before it.
                    let value = words::expand(v, scope).unwrap_or_else(|| v.to_string());
                    out.push(Pair {
                        key: k.replace('\u{0}', ""),
                        key_span,
                        value: Some(value.replace('\u{0}', "")),
                        value_span: Some(Span::new((key_span.end + 1).min(w.span.end), w.span.end)),
                        span: w.span,
                    });
                }
                None if keyword == Keyword::Arg => out.push(Pair {
                    key: raw.replace('\u{0}', ""),
                    key_span: w.span,
                    value: None,
                    value_span: None,
                    span: w.span,
                }),
                None => {
                    return Err((
                        w.span,
                        format!(
                            "`{raw}` has no `=`: {} takes KEY=value pairs",
                            keyword.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// What copying one variable costs against the budget: its bytes and a
/// fixed share for the map entry, so that many empty variables count too.
fn var_size(key: &str, value: Option<&str>) -> usize {
    const ENTRY: usize = 32;
    ENTRY + key.len() + value.map_or(0, str::len)
}

fn unquote(v: &str) -> String {
    let t = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests;
