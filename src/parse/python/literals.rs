//! The secret scan's view of a Python file: where text is a value (string
//! literals, the literal parts of f-strings, comments) and which literal
//! is written under which name. Code is never a value: calls, names,
//! attributes, annotations and parameters are references to secrets,
//! not secrets (`token = jwt.encode(...)`, `password=form.password`,
//! `access_token: str`).

use super::span;
use crate::source::Span;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

/// A string literal written under a name: assigned to it, passed as a
/// keyword argument of that name, a dict value under that key, a
/// parameter's default, or compared with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub value: String,
    /// The value's characters (inside the quotes when the literal has no
    /// escapes; else the whole literal).
    pub span: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Literals {
    /// String literals, f-string literal parts and comments, in order.
    pub values: Vec<Span>,
    pub named: Vec<Named>,
    /// Comments that are prose, not commented-out code, in order.
    pub prose: Vec<Span>,
}

impl Literals {
    /// Is `span` inside text that is a value (a literal or a comment)?
    pub fn holds(&self, span: Span) -> bool {
        let i = self.values.partition_point(|r| r.end <= span.start);
        self.values
            .get(i)
            .is_some_and(|r| r.start <= span.start && span.end <= r.end)
    }

    /// Is `span` inside a comment that is prose (a description, an
    /// example in words), not code left behind?
    pub fn in_prose(&self, span: Span) -> bool {
        let i = self.prose.partition_point(|r| r.end <= span.start);
        self.prose
            .get(i)
            .is_some_and(|r| r.start <= span.start && span.end <= r.end)
    }
}

/// Reads the view from a parse of `text`; `offset` places a parse of a
/// fragment (a commented-out line) in its file.
pub fn read(
    text: &str,
    suite: &[Stmt],
    tokens: &[ruff_python_ast::token::Token],
    offset: usize,
) -> Literals {
    let mut out = Literals::default();
    for t in tokens {
        if matches!(
            t.kind(),
            TokenKind::String
                | TokenKind::FStringMiddle
                | TokenKind::TStringMiddle
                | TokenKind::Comment
        ) {
            let s = span(t);
            out.values.push(Span::new(s.start + offset, s.end + offset));
        }
    }
    let mut v = NamedLiterals {
        text,
        offset,
        out: Vec::new(),
        depth: 0,
    };
    for stmt in suite {
        v.visit_stmt(stmt);
    }
    out.named = v.out;
    // A comment that is code (`# client_secret = "…"`, left behind when
    // the line was disabled) is read as code: its literal is a leak too.
    for t in tokens.iter().filter(|t| t.kind() == TokenKind::Comment) {
        let s = span(t);
        let Some(body) = text.get(s.start..s.end) else {
            continue;
        };
        let code = body.trim_start_matches('#');
        let lead = body.len() - code.trim_start().len();
        let code = code.trim_start();
        let prose = Span::new(s.start + offset, s.end + offset);
        if !(code.contains('=') || code.contains(':')) || !code.contains(['"', '\'']) {
            out.prose.push(prose);
            continue;
        }
        let parsed = ruff_python_parser::parse_unchecked_source(code, ast::PySourceType::Python);
        if !parsed.errors().is_empty() {
            out.prose.push(prose);
            continue;
        }
        let mut v = NamedLiterals {
            text: code,
            offset: offset + s.start + lead,
            out: Vec::new(),
            depth: 0,
        };
        for stmt in parsed.suite() {
            v.visit_stmt(stmt);
        }
        out.named.extend(v.out);
    }
    out
}

struct NamedLiterals<'t> {
    text: &'t str,
    offset: usize,
    out: Vec<Named>,
    /// How deep the walk is: a chain of thousands of operators is a tree
    /// that deep, and no secret is written below a few levels of it.
    depth: usize,
}

/// Nesting past which the walk does not descend.
const MAX_DEPTH: usize = 100;

/// The name a target or an operand stands for: `x`, `obj.x`, `d["x"]`.
fn name_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.as_str().to_owned()),
        Expr::Attribute(a) => Some(a.attr.as_str().to_owned()),
        Expr::Subscript(s) => match s.slice.as_ref() {
            Expr::StringLiteral(k) => Some(k.value.to_str().to_string()),
            _ => None,
        },
        _ => None,
    }
}

impl NamedLiterals<'_> {
    /// Records `value` under `name` when it is a plain string literal.
    fn record(&mut self, name: &str, value: &Expr) {
        let Expr::StringLiteral(s) = value else {
            return;
        };
        let v = s.value.to_str();
        let whole = span(s);
        // The characters of the value: inside the quotes when the literal
        // reads as written (no escapes, one part).
        let at = self
            .text
            .get(whole.start..whole.end)
            .and_then(|lit| inside_quotes(lit, v).filter(|_| !v.is_empty()))
            .map_or(whole, |i| {
                Span::new(whole.start + i, whole.start + i + v.len())
            });
        self.out.push(Named {
            name: name.to_string(),
            value: v.to_string(),
            span: Span::new(at.start + self.offset, at.end + self.offset),
        });
    }
}

/// Where `value` starts in the literal `lit` as written: right after its
/// prefix and opening quotes (`r"…"`, `"""…"""`) when it reads as written
/// there, else its first occurrence.
fn inside_quotes(lit: &str, value: &str) -> Option<usize> {
    let bytes = lit.as_bytes();
    let open = bytes.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = bytes[open];
    let quotes = bytes[open..]
        .iter()
        .take(3)
        .take_while(|&&b| b == quote)
        .count();
    // `""` is an empty string, not two opening quotes.
    let start = open + if quotes == 3 { 3 } else { 1 };
    if lit.get(start..).is_some_and(|rest| rest.starts_with(value)) {
        Some(start)
    } else {
        lit.find(value)
    }
}

impl<'a> Visitor<'a> for NamedLiterals<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        match stmt {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    if let Some(n) = name_of(t) {
                        self.record(&n, &a.value);
                    }
                }
            }
            Stmt::AnnAssign(a) => {
                if let (Some(n), Some(v)) = (name_of(&a.target), a.value.as_deref()) {
                    self.record(&n, v);
                }
            }
            _ => {}
        }
        self.depth += 1;
        visitor::walk_stmt(self, stmt);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        match expr {
            Expr::Call(c) => {
                for k in &c.arguments.keywords {
                    if let Some(arg) = &k.arg {
                        self.record(arg.as_str(), &k.value);
                    }
                }
            }
            Expr::Dict(d) => {
                for item in d.iter() {
                    if let Some(Expr::StringLiteral(k)) = &item.key {
                        self.record(k.value.to_str(), &item.value);
                    }
                }
            }
            // `if password == "…"`: a literal compared with a name is
            // the value that name is expected to hold.
            Expr::Compare(c) if c.comparators.len() == 1 => {
                if let (Some(n), Some(right)) = (name_of(&c.left), c.comparators.first()) {
                    self.record(&n, right);
                }
            }
            _ => {}
        }
        self.depth += 1;
        visitor::walk_expr(self, expr);
        self.depth -= 1;
    }

    fn visit_parameters(&mut self, parameters: &'a ast::Parameters) {
        for p in parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs)
        {
            if let Some(d) = p.default.as_deref() {
                self.record(p.parameter.name.as_str(), d);
            }
        }
        visitor::walk_parameters(self, parameters);
    }
}
