//! Splits POSIX shell text into simple commands with argv words, enough for
//! rules to see what a `RUN` or a server command line executes. It is a
//! lexer, not an interpreter: expansions are kept as written.

use crate::parse::offsets::OffsetMap;
use crate::source::Span;

/// One shell word, unquoted, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed and escapes resolved (expansions kept).
    pub text: String,
    pub span: Span,
    /// Any part of the word was quoted.
    pub quoted: bool,
    /// The word holds an unquoted or double-quoted `$`, a backtick or a glob:
    /// its value is only known at run time.
    pub dynamic: bool,
}

impl Word {
    /// `NAME=value` (a command's assignment, `export`'s argument): the
    /// name, the value, and the value's own span where the text allows it
    /// (unquoted: the value's text ends the word).
    pub fn assignment(&self) -> Option<(&str, &str, Option<Span>)> {
        let (name, value) = self.text.split_once('=')?;
        let valid = name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return None;
        }
        let own = (!self.quoted && self.span.len() == self.text.len())
            .then(|| Span::new(self.span.end - value.len(), self.span.end));
        Some((name, value, own))
    }
}

/// How a simple command is joined to the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
    Pipe,
    Seq,
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// `NAME=value` words before the command name.
    pub assignments: Vec<Word>,
    /// The command name and its arguments, without reserved words
    /// (`then`, `do`, `!`, ...) and without redirections.
    pub argv: Vec<Word>,
    pub redirects: Vec<Word>,
    pub span: Span,
    /// How this command connects to the one after it.
    pub next: Option<Connector>,
}

impl SimpleCommand {
    pub fn name(&self) -> Option<&str> {
        self.argv.first().map(|w| w.text.as_str())
    }

    /// The program name without a directory (`/usr/bin/pip` -> `pip`).
    pub fn program(&self) -> Option<&str> {
        // Asked of every command by many rules: a plain scan from the end
        // (names are short) instead of a reverse splitter.
        self.name()
            .map(|n| match n.bytes().rposition(|b| b == b'/') {
                Some(i) => n.get(i + 1..).unwrap_or(n),
                None => n,
            })
    }

    pub fn args(&self) -> &[Word] {
        self.argv.get(1..).unwrap_or(&[])
    }

    pub fn has_arg(&self, arg: &str) -> bool {
        self.args().iter().any(|w| w.text == arg)
    }

    /// The command that wrappers run: drops `exec`, `tini --`, `dumb-init`,
    /// `nohup`, `gosu user`, `su-exec user`.
    pub fn without_wrappers(&self) -> SimpleCommand {
        let mut c = self.clone();
        loop {
            match c.program() {
                Some("exec" | "dumb-init" | "nohup") => {
                    c.argv.remove(0);
                }
                Some("tini" | "tini-static") => {
                    let n = c
                        .argv
                        .iter()
                        .position(|w| w.text == "--")
                        .map_or(1, |i| i + 1);
                    c.argv.drain(..n.min(c.argv.len()));
                }
                Some("gosu" | "su-exec") => {
                    c.argv.drain(..2.min(c.argv.len()));
                }
                _ => return c,
            }
        }
    }

    /// From the program name through `word` (`apt-get install`): what a
    /// finding about a subcommand points at.
    pub fn span_through(&self, word: &Word) -> Span {
        self.argv
            .first()
            .map_or(word.span, |p| p.span)
            .cover(word.span)
    }

    /// The first argument that is not an option: the subcommand of
    /// `apt-get install` or `pip install`.
    pub fn subcommand(&self) -> Option<&Word> {
        self.args().iter().find(|w| !w.text.starts_with('-'))
    }
}

/// A parsed shell script: the commands it runs, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<SimpleCommand>,
    /// Operators, redirections, expansions, subshells or comments appear:
    /// the script needs a shell to mean what it says.
    pub uses_shell_syntax: bool,
}

/// Programs that run a script they read from standard input.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "python", "python3", "perl", "ruby", "node", "php",
];

impl Script {
    /// `curl … | sh` and the like: a download piped straight into an
    /// interpreter. Returns the download, the interpreter command and its name.
    pub fn piped_downloads(&self) -> Vec<(&SimpleCommand, &SimpleCommand, String)> {
        let mut out = Vec::new();
        for pair in self.commands.windows(2) {
            let (cmd, next) = (&pair[0], &pair[1]);
            let downloads = matches!(cmd.program(), Some("curl" | "wget"));
            if !downloads || cmd.next != Some(Connector::Pipe) {
                continue;
            }
            let Some(interp) = next.without_wrappers().program().map(str::to_string) else {
                continue;
            };
            let base = interp.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
            if INTERPRETERS.contains(&interp.as_str()) || INTERPRETERS.contains(&base) {
                out.push((cmd, next, interp));
            }
        }
        out
    }

    /// Every command whose program name is `name`.
    pub fn commands_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a SimpleCommand> + 'a {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(name))
    }
}

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case",
    "esac", "!", "{", "}", "function",
];

#[derive(Debug)]
enum Token {
    /// A word, and whether it is written as an assignment (`NAME=` before
    /// any quote: `a="x y"` is one, `"a=x"` is not).
    Word(Word, bool),
    Op(Connector),
    Redirect(Word),
    Newline,
    Paren,
    /// `;;` (or `;&`, `;;&`): the end of a `case` branch.
    CaseBreak,
}

/// Where the parser is inside a `case … esac`: the word matched, `in`,
/// the branch patterns (`amd64|arm64)`: their `|` is no pipe), the
/// branch's commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Subject,
    In,
    Pattern { words: bool },
    Body,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    map: &'a OffsetMap,
    shell_syntax: bool,
    /// The word being read: reused, so that each word's text is one
    /// allocation of its exact length.
    scratch: String,
}

/// Parses shell text whose logical offsets `map` turns into file offsets.
pub fn parse(text: &str, map: &OffsetMap) -> Script {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        map,
        shell_syntax: false,
        scratch: String::new(),
    };
    let tokens = lx.tokens();
    let mut script = Script {
        commands: Vec::new(),
        uses_shell_syntax: lx.shell_syntax,
    };
    let mut current: Option<SimpleCommand> = None;
    let mut for_loop_words = false;
    // Open `case` statements, innermost last.
    let mut cases: Vec<Case> = Vec::new();
    let finish = |cmd: Option<SimpleCommand>, next, script: &mut Script| {
        if let Some(mut c) = cmd {
            c.next = next;
            if !c.argv.is_empty() || !c.assignments.is_empty() {
                script.commands.push(c);
            }
        }
    };
    for tok in tokens {
        // Inside a `case` header or its patterns, tokens are not commands.
        match (cases.last().copied(), &tok) {
            (Some(Case::Subject), Token::Word(..)) => {
                if let Some(c) = cases.last_mut() {
                    *c = Case::In;
                }
                continue;
            }
            (Some(Case::In), Token::Word(w, _)) => {
                if let Some(c) = cases.last_mut() {
                    *c = if w.text == "in" {
                        Case::Pattern { words: false }
                    } else {
                        Case::In
                    };
                }
                continue;
            }
            (Some(Case::Subject | Case::In), _) => continue,
            (Some(Case::Pattern { words }), t) => {
                match t {
                    Token::Word(w, _) if !w.quoted && w.text == "esac" && !words => {
                        cases.pop();
                    }
                    Token::Word(..) => {
                        if let Some(c) = cases.last_mut() {
                            *c = Case::Pattern { words: true };
                        }
                    }
                    Token::Paren if words => {
                        if let Some(c) = cases.last_mut() {
                            *c = Case::Body;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            (Some(Case::Body), Token::CaseBreak) => {
                finish(current.take(), Some(Connector::Seq), &mut script);
                if let Some(c) = cases.last_mut() {
                    *c = Case::Pattern { words: false };
                }
                continue;
            }
            (Some(Case::Body), Token::Word(w, _))
                if !w.quoted
                    && w.text == "esac"
                    && current.as_ref().is_none_or(|c| c.argv.is_empty()) =>
            {
                finish(current.take(), Some(Connector::Seq), &mut script);
                cases.pop();
                continue;
            }
            _ => {}
        }
        if let Token::Word(w, _) = &tok
            && !w.quoted
            && w.text == "case"
            && current.as_ref().is_none_or(|c| c.argv.is_empty())
            && !for_loop_words
        {
            cases.push(Case::Subject);
            continue;
        }
        match tok {
            Token::Word(w, assignment) => {
                let cmd = current.get_or_insert_with(|| SimpleCommand {
                    assignments: Vec::new(),
                    argv: Vec::new(),
                    redirects: Vec::new(),
                    span: w.span,
                    next: None,
                });
                cmd.span = cmd.span.cover(w.span);
                if cmd.argv.is_empty() {
                    if for_loop_words {
                        // `for x in a b c` lists words, not a command.
                        continue;
                    }
                    if w.text == "for" && !w.quoted {
                        for_loop_words = true;
                        continue;
                    }
                    if !w.quoted && RESERVED.contains(&w.text.as_str()) {
                        continue;
                    }
                    if assignment {
                        cmd.assignments.push(w);
                        continue;
                    }
                }
                cmd.argv.push(w);
            }
            Token::Redirect(w) => {
                if let Some(cmd) = current.as_mut() {
                    cmd.span = cmd.span.cover(w.span);
                    cmd.redirects.push(w);
                }
            }
            Token::Op(op) => {
                // `[[ a && b ]]`: inside a conditional expression `&&` and
                // `||` join tests, not commands.
                let in_test = current.as_ref().is_some_and(|c| {
                    c.argv.first().is_some_and(|w| !w.quoted && w.text == "[[")
                        && c.argv.last().is_none_or(|w| w.quoted || w.text != "]]")
                });
                if in_test && matches!(op, Connector::And | Connector::Or) {
                    continue;
                }
                for_loop_words = false;
                finish(current.take(), Some(op), &mut script);
            }
            Token::Newline | Token::Paren | Token::CaseBreak => {
                for_loop_words = false;
                finish(current.take(), Some(Connector::Seq), &mut script);
            }
        }
    }
    finish(current.take(), None, &mut script);
    // A Dockerfile's scripts live as long as the project: keep only what
    // is used of buffers that grew as they were read.
    script.commands.shrink_to_fit();
    for c in &mut script.commands {
        c.assignments.shrink_to_fit();
        c.argv.shrink_to_fit();
        c.redirects.shrink_to_fit();
    }
    script
}

fn is_assignment(word: &str) -> bool {
    // Byte searches here: asked of every word of every command, and
    // `str::find` with a `char` costs several times a `memchr`.
    match memchr::memchr(b'=', word.as_bytes()) {
        Some(0) | None => false,
        Some(i) => {
            let name = &word[..i];
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
    }
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    fn tokens(&mut self) -> Vec<Token> {
        let mut out = Vec::new();
        let mut pending_heredocs: Vec<(String, bool)> = Vec::new();
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                b'\n' => {
                    self.pos += 1;
                    out.push(Token::Newline);
                    for (delim, strip) in pending_heredocs.drain(..) {
                        self.skip_heredoc_body(&delim, strip);
                    }
                }
                b'#' => {
                    self.shell_syntax = true;
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'&' | b'|' | b';' => {
                    self.shell_syntax = true;
                    let two = self.peek_at(1);
                    let (op, len) = match (b, two) {
                        (b'&', Some(b'&')) => (Connector::And, 2),
                        (b'|', Some(b'|')) => (Connector::Or, 2),
                        (b'|', Some(b'&')) => (Connector::Pipe, 2),
                        (b';', Some(b';' | b'&')) => {
                            let len = if self.peek_at(2) == Some(b'&') { 3 } else { 2 };
                            self.pos += len;
                            out.push(Token::CaseBreak);
                            continue;
                        }
                        (b'&', Some(b'>')) => {
                            let w = self.redirect();
                            out.push(Token::Redirect(w));
                            continue;
                        }
                        (b'&', _) => (Connector::Background, 1),
                        (b'|', _) => (Connector::Pipe, 1),
                        _ => (Connector::Seq, 1),
                    };
                    self.pos += len;
                    out.push(Token::Op(op));
                }
                b'(' | b')' => {
                    self.shell_syntax = true;
                    self.pos += 1;
                    out.push(Token::Paren);
                }
                b'<' | b'>' => {
                    self.shell_syntax = true;
                    if b == b'<' && self.peek_at(1) == Some(b'<') && self.peek_at(2) != Some(b'<') {
                        let w = self.redirect();
                        let body = w.text.trim_start_matches('<');
                        let strip = body.starts_with('-');
                        let delim = body
                            .trim_start_matches('-')
                            .trim_matches(|c| c == '\'' || c == '"')
                            .to_string();
                        if !delim.is_empty() {
                            pending_heredocs.push((delim, strip));
                        }
                        out.push(Token::Redirect(w));
                    } else {
                        let w = self.redirect();
                        out.push(Token::Redirect(w));
                    }
                }
                b'0'..=b'9' if self.is_fd_redirect() => {
                    self.shell_syntax = true;
                    let w = self.redirect();
                    out.push(Token::Redirect(w));
                }
                _ => {
                    let start = self.pos;
                    let w = self.word();
                    let assignment = is_assignment(&self.text[start..self.pos]);
                    out.push(Token::Word(w, assignment));
                }
            }
        }
        out
    }

    fn is_fd_redirect(&self) -> bool {
        let mut i = self.pos;
        while self.bytes.get(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        matches!(self.bytes.get(i), Some(b'<' | b'>'))
    }

    /// A redirection operator together with its target word.
    fn redirect(&mut self) -> Word {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        while self
            .peek()
            .is_some_and(|b| matches!(b, b'<' | b'>' | b'&' | b'|' | b'-'))
        {
            self.pos += 1;
        }
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        let mut text = self
            .text
            .get(start..self.pos)
            .unwrap_or("")
            .trim_end()
            .to_string();
        if self
            .peek()
            .is_some_and(|b| !matches!(b, b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'))
        {
            let target = self.word();
            text.push_str(&target.text);
        }
        Word {
            text,
            span: self.map.span(start, self.pos),
            quoted: false,
            dynamic: false,
        }
    }

    fn skip_heredoc_body(&mut self, delim: &str, strip_tabs: bool) {
        while self.pos < self.bytes.len() {
            let line_end = memchr::memchr(b'\n', &self.bytes[self.pos..])
                .map_or(self.bytes.len(), |i| self.pos + i);
            let line = self.text.get(self.pos..line_end).unwrap_or("");
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            self.pos = (line_end + 1).min(self.bytes.len());
            if line == delim {
                return;
            }
        }
    }

    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        let mut quoted = false;
        let mut dynamic = false;
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => {
                    break;
                }
                b'\'' => {
                    quoted = true;
                    self.pos += 1;
                    let end = memchr::memchr(b'\'', &self.bytes[self.pos..])
                        .map_or(self.bytes.len(), |i| self.pos + i);
                    text.push_str(&self.text[self.pos..end]);
                    self.pos = (end + 1).min(self.bytes.len());
                }
                b'"' => {
                    quoted = true;
                    self.pos += 1;
                    self.double_quoted(&mut text, &mut dynamic);
                }
                b'\\' => {
                    self.pos += 1;
                    match self.next_char() {
                        Some('\n') | None => {}
                        Some(c) => text.push(c),
                    }
                }
                b'$' => {
                    dynamic = true;
                    self.shell_syntax = true;
                    self.dollar(&mut text);
                }
                b'`' => {
                    dynamic = true;
                    self.shell_syntax = true;
                    self.backtick(&mut text);
                }
                b'*' | b'?' | b'[' | b'~' | b'{' => {
                    if !(b == b'{' && self.pos == start) {
                        dynamic = true;
                    }
                    self.shell_syntax = true;
                    text.push(b as char);
                    self.pos += 1;
                }
                _ => {
                    // A run of plain characters, copied at once.
                    let end = self.bytes[self.pos..]
                        .iter()
                        .position(|b| {
                            matches!(
                                b,
                                b' ' | b'\t'
                                    | b'\n'
                                    | b'\r'
                                    | b';'
                                    | b'&'
                                    | b'|'
                                    | b'<'
                                    | b'>'
                                    | b'('
                                    | b')'
                                    | b'\''
                                    | b'"'
                                    | b'\\'
                                    | b'$'
                                    | b'`'
                                    | b'*'
                                    | b'?'
                                    | b'['
                                    | b'~'
                                    | b'{'
                            )
                        })
                        .map_or(self.bytes.len(), |i| self.pos + i);
                    match self.text.get(self.pos..end) {
                        Some(run) if end > self.pos => {
                            text.push_str(run);
                            self.pos = end;
                        }
                        _ => {
                            if let Some(c) = self.next_char() {
                                text.push(c);
                            }
                        }
                    }
                }
            }
        }
        let word = Word {
            text: text.as_str().to_owned(),
            span: self.map.span(start, self.pos),
            quoted,
            dynamic,
        };
        self.scratch = text;
        word
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.text.get(self.pos..)?.chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn double_quoted(&mut self, text: &mut String, dynamic: &mut bool) {
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'$' | b'`') => {
                            if let Some(c) = self.next_char() {
                                text.push(c);
                            }
                        }
                        Some(b'\n') => self.pos += 1,
                        _ => text.push('\\'),
                    }
                }
                b'$' => {
                    *dynamic = true;
                    self.shell_syntax = true;
                    self.dollar(text);
                }
                b'`' => {
                    *dynamic = true;
                    self.shell_syntax = true;
                    self.backtick(text);
                }
                _ => {
                    if let Some(c) = self.next_char() {
                        text.push(c);
                    }
                }
            }
        }
    }

    /// `$name`, `${...}`, `$(...)` or `$((...))`, copied as written.
    fn dollar(&mut self, text: &mut String) {
        let start = self.pos;
        self.pos += 1;
        match self.peek() {
            Some(open @ (b'{' | b'(')) => {
                let close = if open == b'{' { b'}' } else { b')' };
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    if b == open {
                        depth += 1;
                    } else if b == close {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    } else if b == b'\\' {
                        self.pos = (self.pos + 1).min(self.bytes.len());
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    self.pos += 1;
                }
                if self.pos == start + 1
                    && self.peek().is_some_and(|b| {
                        matches!(b, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-')
                    })
                {
                    self.pos += 1;
                }
            }
        }
        self.pos = self.pos.min(self.bytes.len());
        text.push_str(self.text.get(start..self.pos).unwrap_or(""));
    }

    fn backtick(&mut self, text: &mut String) {
        let start = self.pos;
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'\\' {
                self.pos = (self.pos + 1).min(self.bytes.len());
            } else if b == b'`' {
                break;
            }
        }
        text.push_str(self.text.get(start..self.pos).unwrap_or(""));
    }
}

/// `pip install`, `pip3 install`, `python -m pip install`, `uv pip install`,
/// `uv sync`: (program word, the install/sync word, is uv).
pub fn pip_install(cmd: &SimpleCommand) -> Option<(&Word, &Word, bool)> {
    let argv = &cmd.argv;
    let first = argv.first()?;
    let prog = first.text.rsplit('/').next().unwrap_or(&first.text);
    let is_pip = |p: &str| {
        p == "pip"
            || (p.starts_with("pip") && p[3..].chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    let is_python = |p: &str| {
        p == "python"
            || (p.starts_with("python") && p[6..].chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    let (pip_idx, uv) = if is_pip(prog) {
        (0, false)
    } else if is_python(prog) {
        let m = argv.iter().position(|w| w.text == "-m")?;
        let module = argv.get(m + 1)?;
        if module.text != "pip" {
            return None;
        }
        (m + 1, false)
    } else if prog == "uv" {
        let sub = argv.iter().skip(1).find(|w| !w.text.starts_with('-'))?;
        if sub.text == "sync" {
            return Some((first, sub, true));
        }
        if sub.text != "pip" {
            return None;
        }
        let idx = argv.iter().position(|w| std::ptr::eq(w, sub))?;
        (idx, true)
    } else {
        return None;
    };
    let sub = argv
        .iter()
        .skip(pip_idx + 1)
        .find(|w| !w.text.starts_with('-'))?;
    (sub.text == "install").then_some((first, sub, uv))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(text: &str) -> Script {
        parse(text, &OffsetMap::contiguous(0, text.len()))
    }

    fn argvs(s: &Script) -> Vec<Vec<String>> {
        s.commands
            .iter()
            .map(|c| c.argv.iter().map(|w| w.text.clone()).collect())
            .collect()
    }

    #[test]
    fn a_conditional_expression_is_one_command() {
        let s = script("if [[ \"$a\" != main && \"$b\" != release ]]; then echo x; fi && make");
        let programs: Vec<&str> = s.commands.iter().filter_map(|c| c.program()).collect();
        assert_eq!(programs, ["[[", "echo", "make"]);
        assert_eq!(s.commands[0].argv.len(), 8);
    }

    #[test]
    fn splits_on_operators_and_keeps_quotes_out() {
        let s = script("apt-get update && apt-get install -y 'a b' \"c\" || true; echo x | sh");
        assert_eq!(
            argvs(&s),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "a b", "c"],
                vec!["true"],
                vec!["echo", "x"],
                vec!["sh"],
            ]
        );
        assert_eq!(s.commands[0].next, Some(Connector::And));
        assert_eq!(s.commands[3].next, Some(Connector::Pipe));
        assert!(s.uses_shell_syntax);
    }

    #[test]
    fn quoted_values_are_still_assignments() {
        let s = script("images=\"[]\"; A='x y' B=\"$c\" run; \"C=1\" d");
        assert_eq!(argvs(&s), vec![vec![], vec!["run"], vec!["C=1", "d"]]);
        assert_eq!(s.commands[0].assignments[0].text, "images=[]");
        assert_eq!(s.commands[1].assignments.len(), 2);
    }

    #[test]
    fn case_patterns_are_not_pipelines() {
        let s = script(
            "case \"$arch\" in amd64|arm64) F=1; make -j2 ;; (i386) ;; *) echo x | sh ;; esac; tar x",
        );
        assert_eq!(
            argvs(&s),
            vec![
                vec![],
                vec!["make", "-j2"],
                vec!["echo", "x"],
                vec!["sh"],
                vec!["tar", "x"]
            ]
        );
        assert_eq!(s.commands[0].assignments[0].text, "F=1");
        assert_eq!(s.commands[1].next, Some(Connector::Seq));
        assert_eq!(s.commands[2].next, Some(Connector::Pipe));
        // Nested, and over lines.
        let s = script("case a in\n  x) case b in y) ls ;; esac ;;\nesac\npwd");
        assert_eq!(argvs(&s), vec![vec!["ls"], vec!["pwd"]]);
        // `case` as an argument is a word.
        let s = script("echo case in a|b");
        assert_eq!(argvs(&s), vec![vec!["echo", "case", "in", "a"], vec!["b"]]);
    }

    #[test]
    fn assignments_reserved_words_and_redirects() {
        let s = script("if true; then FOO=1 pip install x > /dev/null 2>&1; fi");
        let pip = &s.commands[1];
        assert_eq!(pip.assignments[0].text, "FOO=1");
        assert_eq!(pip.name(), Some("pip"));
        assert_eq!(pip.args().len(), 2);
        assert_eq!(pip.redirects.len(), 2);
    }

    #[test]
    fn spans_point_at_the_words() {
        let text = "gunicorn  app:app";
        let s = script(text);
        assert_eq!(s.commands[0].argv[1].span, Span::new(10, 17));
        assert!(!s.uses_shell_syntax);
    }

    #[test]
    fn expansions_stay_in_the_word() {
        let s = script("echo \"$(cat /x) ${A:-b}\" $B");
        assert_eq!(s.commands[0].argv[1].text, "$(cat /x) ${A:-b}");
        assert!(s.commands[0].argv[1].dynamic);
    }

    #[test]
    fn skips_nested_heredoc_bodies() {
        let s = script("cat <<EOF > /f\napt-get upgrade\nEOF\necho ok\n");
        assert_eq!(argvs(&s), vec![vec!["cat"], vec!["echo", "ok"]]);
    }
}
