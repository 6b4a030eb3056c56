//! One parse of a Python file, never run or imported, and the views read
//! from it: module-level assignments with what can be known of their
//! values without running it (literals, arithmetic, the environment
//! `os.environ.get("X", default)`, the host's CPU count), which is how
//! gunicorn configuration files are read; and where the file holds
//! values at all (`literals`), which is how secrets are looked for.

pub mod calls;
pub mod literals;
pub mod settings;

use crate::hashing::FastMap;
use crate::source::Span;
use ruff_python_ast::{self as ast, Expr, Number, Operator, Stmt, UnaryOp};
use ruff_text_size::Ranged;
use std::cell::Cell;

/// What is known of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    List(Vec<Value>),
    /// Read from the environment at start-up, with the fallback when the
    /// variable is unset (`None`: no fallback, or an unknown one).
    Env {
        var: String,
        default: Option<Box<Value>>,
    },
    /// Derived from the number of CPUs of the host (`cpu_count()`).
    HostCpus,
    /// Anything else: no rule guesses.
    Unknown,
}

impl Value {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(*f as i64),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Python truthiness, where it is known.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Float(f) => Some(*f != 0.0),
            Value::Str(s) => Some(!s.is_empty()),
            Value::None => Some(false),
            Value::List(l) => Some(!l.is_empty()),
            _ => None,
        }
    }

    /// The value itself, or the environment variable's fallback.
    pub fn or_default(&self) -> Option<&Value> {
        match self {
            Value::Env { default, .. } => default.as_deref(),
            v => Some(v),
        }
    }

    /// Bytes this value holds, counted no further than `limit` (a value
    /// over the limit is not walked to its end).
    fn weight_within(&self, limit: usize) -> usize {
        // A share per value, so that lists of small values count too.
        const NODE: usize = 16;
        match self {
            Value::Str(s) => NODE + s.len(),
            Value::Env { var, default } => {
                NODE + var.len() + default.as_ref().map_or(0, |d| d.weight_within(limit))
            }
            Value::List(items) => {
                let mut total = NODE;
                for v in items {
                    total += v.weight_within(limit - total.min(limit));
                    if total > limit {
                        break;
                    }
                }
                total
            }
            _ => NODE,
        }
    }

    /// Counts the host's CPUs, directly or as the fallback of a variable.
    pub fn counts_host_cpus(&self) -> bool {
        match self {
            Value::HostCpus => true,
            Value::Env { default, .. } => default.as_deref() == Some(&Value::HostCpus),
            _ => false,
        }
    }
}

/// One assignment to a module-level name.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub name: String,
    pub name_span: Span,
    /// The whole statement, for edits that add a line after it.
    pub stmt_span: Span,
    pub value_span: Span,
    pub value: Value,
    /// Inside an `if`, `try`, `for` or `with` at module level: it may not run.
    pub conditional: bool,
}

/// A syntax error, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyError {
    pub span: Span,
    pub message: String,
}

/// What a Python file assigns at module level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Module {
    pub assignments: Vec<Assignment>,
    /// Names read anywhere in the file (helpers, not settings), sorted.
    pub reads: Vec<String>,
    pub errors: Vec<PyError>,
    /// Set when the file was not parsed at all (too deeply nested).
    pub skipped: Option<String>,
    /// Where the evaluator's budget ran out: values from there on are
    /// unknown (PL003).
    pub limit: Option<PyError>,
}

impl Module {
    /// The assignment that takes effect for `name`: the last one.
    pub fn get(&self, name: &str) -> Option<&Assignment> {
        self.assignments.iter().rev().find(|a| a.name == name)
    }
}

/// Nesting and operator counts beyond which the parser's tree would be
/// too deep to walk and drop on a worker's stack.
const MAX_BRACKET_DEPTH: usize = 200;
const MAX_OPERATORS: usize = 50_000;
/// How deep the evaluator follows an expression.
const MAX_EVAL_DEPTH: usize = 64;
/// How many bytes of values the evaluator may copy or concatenate in one
/// file. `a = a + a` doubles `a`: forty of them would build a terabyte.
/// Literals are not charged (the file bounds them); real configurations
/// copy a few kilobytes.
pub const EVAL_BUDGET: usize = 4 << 20;

/// Why the text is too deep to parse safely, if it is.
fn too_deep(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    // Brackets are a few bytes in a hundred: SIMD searches find the
    // opening and the closing ones, merged in order of position.
    let mut opens = memchr::memchr3_iter(b'(', b'[', b'{', bytes).peekable();
    let mut closes = memchr::memchr3_iter(b')', b']', b'}', bytes).peekable();
    let (mut depth, mut max) = (0usize, 0usize);
    while let Some(&open) = opens.peek() {
        match closes.peek() {
            Some(&close) if close < open => {
                depth = depth.saturating_sub(1);
                closes.next();
            }
            _ => {
                depth += 1;
                max = max.max(depth);
                opens.next();
            }
        }
    }
    // Operators, one byte each, and keywords that nest without brackets:
    // `not not …`, chained conditional expressions, lambdas. A file of n
    // bytes holds at most n of them (operator bytes are never letters or
    // spaces, the keywords' bytes are; two keyword matches share at most
    // one byte, so each has three of its own), so most files are within
    // the limit without counting.
    let ops = if bytes.len() <= MAX_OPERATORS {
        0
    } else {
        const OPERATOR: [bool; 256] = {
            let mut t = [false; 256];
            let ops = b"+-*/%&|^~<>.";
            let mut i = 0;
            while i < ops.len() {
                t[ops[i] as usize] = true;
                i += 1;
            }
            t
        };
        bytes.iter().filter(|&&b| OPERATOR[b as usize]).count()
            + ["not ", " if ", "lambda", "await "]
                .iter()
                .map(|k| memchr::memmem::find_iter(bytes, k.as_bytes()).count())
                .sum::<usize>()
    };
    within_limits(max, ops)
}

/// Whether a file whose brackets nest `max` deep and that holds `ops`
/// operators has a tree shallow enough to walk and drop.
fn within_limits(max: usize, ops: usize) -> Result<(), String> {
    if max > MAX_BRACKET_DEPTH {
        return Err(format!(
            "brackets nest {max} deep, over the limit of {MAX_BRACKET_DEPTH}"
        ));
    }
    if ops > MAX_OPERATORS {
        return Err(format!(
            "{ops} operators, over the limit of {MAX_OPERATORS} for one file"
        ));
    }
    Ok(())
}

/// A Python file read once: its module-level assignments (the gunicorn
/// configuration view) and where it holds values (the secrets view;
/// `None` when the file was not parsed).
#[derive(Debug, Clone, Default)]
pub struct PyFile {
    pub module: Module,
    pub literals: Option<literals::Literals>,
    /// Every call and function, for the app rules (empty when the file
    /// was not parsed).
    pub calls: Vec<calls::Call>,
    pub functions: Vec<calls::Function>,
    /// String literals that name a JSON log formatter or a security header.
    pub marks: Vec<(calls::Mark, crate::source::Span)>,
    /// Its pydantic settings classes.
    pub settings: Vec<settings::SettingsClass>,
    /// Parsed with the configuration's view (`module` is evaluated).
    pub configured: bool,
}

/// Parses `text` and evaluates its module-level assignments.
pub fn parse(text: &str) -> Module {
    parse_file(text, true).module
}

/// Parses `text` once and reads the views from the parse: the literals
/// always, the configuration's assignments when `config` (evaluating
/// every module of an app as a configuration would cost more than the
/// parse). The parse runs on a thread with a large stack: the syntax
/// tree of a long expression is deep, and so is walking and dropping it.
pub fn parse_file(text: &str, config: bool) -> PyFile {
    parse_for(text, Want::Views { config })
}

/// The string literals of a module alone (the secret scan's question):
/// the same parse, without the views of calls, functions and settings.
/// `None` where [`parse_file`] has none (a module too deep to parse).
pub fn parse_literals(text: &str) -> Option<literals::Literals> {
    parse_for(text, Want::Literals).literals
}

/// What a parse is for.
#[derive(Clone, Copy)]
enum Want {
    /// Every view (and, with `config`, the module's evaluated settings).
    Views { config: bool },
    /// The literals only: the rest of the [`PyFile`] is left empty.
    Literals,
}

fn parse_for(text: &str, want: Want) -> PyFile {
    if let Err(why) = too_deep(text) {
        return PyFile {
            module: Module {
                skipped: Some(why),
                ..Module::default()
            },
            ..PyFile::default()
        };
    }
    let parsed = if on_large_stack() {
        // A worker of the run's pool has the parser thread's stack: the
        // parse runs here, without handing the text to another thread
        // and waiting for it (two context switches and a copy per file).
        crate::panics::catching(|| parse_file_here(text, want)).ok()
    } else {
        parse_on_large_stack(crate::source::SharedText::from(text), want)
    };
    match parsed {
        Some(f) => f,
        None => PyFile {
            module: Module {
                skipped: Some("the Python parser failed on this file".to_string()),
                ..Module::default()
            },
            ..PyFile::default()
        },
    }
}

/// The stack a thread needs to parse, walk and drop the deepest syntax
/// tree `too_deep` lets through (a chain of operators is a tree as deep
/// as the chain is long).
pub const PARSER_STACK: usize = 64 << 20;

thread_local! {
    static LARGE_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the calling thread as started with at least [`PARSER_STACK`]
/// bytes of stack to spare (the workers of a run's pool are, see
/// `run::build_pool`): Python is parsed on it directly.
pub fn mark_large_stack() {
    LARGE_STACK.with(|c| c.set(true));
}

fn on_large_stack() -> bool {
    LARGE_STACK.with(std::cell::Cell::get)
}

/// A thread with a large stack that parses for one calling thread, kept
/// for the run: spawning a thread per file cost more than parsing most
/// files.
struct ParserThread {
    jobs: std::sync::mpsc::Sender<(crate::source::SharedText, Want)>,
    done: std::sync::mpsc::Receiver<std::thread::Result<PyFile>>,
}

impl ParserThread {
    fn spawn() -> Option<Self> {
        let (jobs, inbox) = std::sync::mpsc::channel::<(crate::source::SharedText, Want)>();
        let (outbox, done) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("prodlint-python".to_string())
            .stack_size(PARSER_STACK)
            .spawn(move || {
                for (text, want) in inbox {
                    let parsed = crate::panics::catching(|| parse_file_here(&text, want));
                    if outbox.send(parsed).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Self { jobs, done })
    }

    fn parse(&self, text: crate::source::SharedText, want: Want) -> Result<Option<PyFile>, ()> {
        self.jobs.send((text, want)).map_err(|_| ())?;
        match self.done.recv() {
            Ok(Ok(f)) => Ok(Some(f)),
            // The parse panicked: this file is not parsed, the thread lives.
            Ok(Err(_)) => Ok(None),
            Err(_) => Err(()),
        }
    }
}

thread_local! {
    static PARSER: std::cell::RefCell<Option<ParserThread>> = const { std::cell::RefCell::new(None) };
}

/// Parses on this thread's parser thread (started on first use; started
/// again if it is gone).
fn parse_on_large_stack(text: crate::source::SharedText, want: Want) -> Option<PyFile> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = ParserThread::spawn();
        }
        let result = slot.as_ref()?.parse(text, want);
        match result {
            Ok(f) => f,
            Err(()) => {
                *slot = None;
                None
            }
        }
    })
}

/// Nesting and operators counted on the tokens, which a string cannot
/// fool (`too_deep` reads bytes: a `)` inside a string cancels a real
/// `[`). Past the limits the tree is too deep to walk and drop.
fn too_deep_tokens(tokens: &[ruff_python_ast::token::Token]) -> Result<(), String> {
    use ruff_python_ast::token::TokenKind as K;
    let (mut depth, mut max, mut ops) = (0usize, 0usize, 0usize);
    for t in tokens {
        match t.kind() {
            K::Lpar | K::Lsqb | K::Lbrace => {
                depth += 1;
                max = max.max(depth);
            }
            K::Rpar | K::Rsqb | K::Rbrace => depth = depth.saturating_sub(1),
            K::Not | K::If | K::Lambda | K::Await | K::Dot => ops += 1,
            k if k.is_operator() => ops += 1,
            _ => {}
        }
    }
    within_limits(max, ops)
}

fn parse_file_here(text: &str, want: Want) -> PyFile {
    let parsed = ruff_python_parser::parse_unchecked_source(text, ast::PySourceType::Python);
    if let Err(why) = too_deep_tokens(parsed.tokens()) {
        // Dropping a tree this deep would overflow the stack: it is left
        // to the process's end (its size is bounded by the file's).
        std::mem::forget(parsed);
        return PyFile {
            module: Module {
                skipped: Some(why),
                ..Module::default()
            },
            ..PyFile::default()
        };
    }
    let literals = literals::read(text, parsed.suite(), parsed.tokens(), 0);
    let config = match want {
        Want::Views { config } => config,
        Want::Literals => {
            return PyFile {
                literals: Some(literals),
                ..PyFile::default()
            };
        }
    };
    let imports = calls::Imports::of(parsed.suite());
    let view = calls::read(parsed.suite(), &imports);
    let module = if config {
        module_of(text, &parsed)
    } else {
        Module::default()
    };
    PyFile {
        module,
        literals: Some(literals),
        calls: view.calls,
        functions: view.functions,
        marks: view.marks,
        settings: settings::read(text, parsed.suite(), &imports),
        configured: config,
    }
}

fn span(r: impl Ranged) -> Span {
    let r = r.range();
    Span::new(r.start().to_usize(), r.end().to_usize())
}

fn module_of(text: &str, parsed: &ruff_python_parser::Parsed<ast::ModModule>) -> Module {
    let mut module = Module::default();
    for e in parsed.errors().iter().take(100) {
        module.errors.push(PyError {
            span: span(e.location),
            message: e.error.to_string(),
        });
    }
    let mut ev = Evaluator::new(EVAL_BUDGET);
    for stmt in parsed.suite() {
        ev.statement(stmt, false, &mut module);
    }
    ev.collect_reads(text, &mut module);
    module
}

struct Evaluator {
    /// How deep in nested blocks the reader is.
    depth: usize,
    names: FastMap<String, Value>,
    /// Local names bound to `os.environ` / `os.getenv` / `cpu_count` by
    /// `from … import …`.
    aliases: FastMap<String, &'static str>,
    /// Bytes of values the evaluator may still copy or concatenate. Once
    /// a value does not fit, every later copy is unknown too (`spent`).
    budget: Cell<usize>,
    spent: Cell<bool>,
    /// For each block being read, the environment variable its `if`
    /// tests (`if web_concurrency_str:`), if that is what it tests.
    tested: Vec<Option<String>>,
}

impl Evaluator {
    fn new(budget: usize) -> Self {
        Self {
            depth: 0,
            names: FastMap::default(),
            aliases: FastMap::default(),
            budget: Cell::new(budget),
            spent: Cell::new(false),
            tested: Vec::new(),
        }
    }

    /// Takes `n` bytes of the budget; `false` when it is (or is now) spent.
    fn charge(&self, n: usize) -> bool {
        if self.spent.get() {
            return false;
        }
        match self.budget.get().checked_sub(n) {
            Some(left) => {
                self.budget.set(left);
                true
            }
            None => {
                self.spent.set(true);
                false
            }
        }
    }

    /// A copy of the value bound to `name`, if the budget pays for it.
    fn lookup(&self, name: &str) -> Option<Value> {
        let v = self.names.get(name)?;
        Some(self.copy(v))
    }

    /// A copy of `v`, if the budget pays for it; else unknown.
    fn copy(&self, v: &Value) -> Value {
        // Weighed no further than the budget: a larger value fails anyway.
        let weight = v.weight_within(self.budget.get().saturating_add(1));
        if self.charge(weight) {
            v.clone()
        } else {
            Value::Unknown
        }
    }

    fn statement(&mut self, stmt: &Stmt, conditional: bool, out: &mut Module) {
        self.depth += 1;
        let spent = self.spent.get();
        // Blocks nested this deep are not configuration: stop reading them.
        if self.depth <= MAX_EVAL_DEPTH {
            self.statement_here(stmt, conditional, out);
        }
        if !spent && self.spent.get() && out.limit.is_none() {
            out.limit = Some(PyError {
                span: span(stmt),
                message: format!(
                    "values are not evaluated past this point: they would build more than {} MiB (a name built from itself, like `a = a + a`, doubles each time), so what uses them is unknown",
                    EVAL_BUDGET >> 20
                ),
            });
        }
        self.depth -= 1;
    }

    fn statement_here(&mut self, stmt: &Stmt, conditional: bool, out: &mut Module) {
        match stmt {
            Stmt::Assign(a) => {
                let value = self.eval(&a.value, 0);
                let Some((last, first)) = a.targets.split_last() else {
                    return;
                };
                // `a = b = c = …`: each target but the last takes a copy to pay for.
                for t in first {
                    let v = self.copy(&value);
                    self.bind(t, &a.value, v, span(a), conditional, out);
                }
                self.bind(last, &a.value, value, span(a), conditional, out);
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let value = self.eval(v, 0);
                    self.bind(&a.target, v, value, span(a), conditional, out);
                }
            }
            Stmt::AugAssign(a) => {
                if let Expr::Name(n) = a.target.as_ref() {
                    let old = self.lookup(n.id.as_str());
                    let rhs = self.eval(&a.value, 0);
                    let value = match old {
                        Some(l) => self.arith(&l, a.op, &rhs),
                        None => Value::Unknown,
                    };
                    self.bind(&a.target, &a.value, value, span(a), conditional, out);
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                for name in &i.names {
                    let local = name.asname.as_ref().unwrap_or(&name.name).to_string();
                    let known = match (module, name.name.as_str()) {
                        ("os", "environ") => Some("environ"),
                        ("os", "getenv") => Some("getenv"),
                        ("os" | "multiprocessing" | "psutil", "cpu_count") => Some("cpu_count"),
                        _ => None,
                    };
                    if let Some(k) = known {
                        self.aliases.insert(local, k);
                    }
                }
            }
            Stmt::If(s) => {
                // Only an `if` whose other branch is a plain `else`: an
                // `elif` has a condition of its own.
                let plain = match s.elif_else_clauses.as_slice() {
                    [] => true,
                    [clause] => clause.test.is_none(),
                    _ => false,
                };
                let tested = match &*s.test {
                    Expr::Name(n) if plain => match self.names.get(n.id.as_str()) {
                        Some(Value::Env { var, .. }) => Some(var.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                self.tested.push(tested);
                for b in &s.body {
                    self.statement(b, true, out);
                }
                for clause in &s.elif_else_clauses {
                    for b in &clause.body {
                        self.statement(b, true, out);
                    }
                }
                self.tested.pop();
            }
            Stmt::Try(s) => {
                // Not a branch on a variable: what it binds is not a fallback.
                self.tested.push(None);
                for b in s.body.iter().chain(&s.orelse).chain(&s.finalbody) {
                    self.statement(b, true, out);
                }
                for h in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    for b in &h.body {
                        self.statement(b, true, out);
                    }
                }
                self.tested.pop();
            }
            Stmt::With(s) => {
                // Not a branch on a variable: what it binds is not a fallback.
                self.tested.push(None);
                for b in &s.body {
                    self.statement(b, true, out);
                }
                self.tested.pop();
            }
            Stmt::For(s) => {
                // Not a branch on a variable: what it binds is not a fallback.
                self.tested.push(None);
                for b in s.body.iter().chain(&s.orelse) {
                    self.statement(b, true, out);
                }
                self.tested.pop();
            }
            Stmt::While(s) => {
                // Not a branch on a variable: what it binds is not a fallback.
                self.tested.push(None);
                for b in s.body.iter().chain(&s.orelse) {
                    self.statement(b, true, out);
                }
                self.tested.pop();
            }
            _ => {}
        }
    }

    fn bind(
        &mut self,
        target: &Expr,
        value_expr: &Expr,
        value: Value,
        stmt_span: Span,
        conditional: bool,
        out: &mut Module,
    ) {
        match target {
            Expr::Name(n) => {
                let value = if conditional {
                    // Either branch may have run: keep what both agree on.
                    match self.names.get(n.id.as_str()) {
                        Some(old) if *old != value => {
                            either_branch(old, value, self.tested.last().and_then(Option::as_ref))
                        }
                        _ => value,
                    }
                } else {
                    value
                };
                self.names.insert(n.id.as_str().to_owned(), value.clone());
                out.assignments.push(Assignment {
                    name: n.id.as_str().to_owned(),
                    name_span: span(n),
                    stmt_span,
                    value_span: span(value_expr),
                    value,
                    conditional,
                });
            }
            Expr::Tuple(t) => {
                // `a, b = 1, 2`: pair the targets with the elements.
                let elts: Option<&[Expr]> = match value_expr {
                    Expr::Tuple(v) if v.elts.len() == t.elts.len() => Some(&v.elts),
                    Expr::List(v) if v.elts.len() == t.elts.len() => Some(&v.elts),
                    _ => None,
                };
                for (i, tgt) in t.elts.iter().enumerate() {
                    match elts.and_then(|e| e.get(i)) {
                        Some(e) => {
                            let v = self.eval(e, 0);
                            self.bind(tgt, e, v, stmt_span, conditional, out);
                        }
                        None => {
                            self.bind(tgt, value_expr, Value::Unknown, stmt_span, conditional, out)
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn eval(&self, e: &Expr, depth: usize) -> Value {
        if depth > MAX_EVAL_DEPTH {
            return Value::Unknown;
        }
        let d = depth + 1;
        match e {
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => i.as_i64().map_or(Value::Unknown, Value::Int),
                Number::Float(f) => Value::Float(*f),
                Number::Complex { .. } => Value::Unknown,
            },
            Expr::StringLiteral(s) => Value::Str(s.value.to_str().to_string()),
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::List(l) => Value::List(l.elts.iter().map(|x| self.eval(x, d)).collect()),
            Expr::Tuple(l) => Value::List(l.elts.iter().map(|x| self.eval(x, d)).collect()),
            Expr::Name(n) => self.lookup(n.id.as_str()).unwrap_or(Value::Unknown),
            Expr::UnaryOp(u) => match (u.op, self.eval(&u.operand, d)) {
                (UnaryOp::USub, Value::Int(i)) => {
                    i.checked_neg().map_or(Value::Unknown, Value::Int)
                }
                (UnaryOp::USub, Value::Float(f)) => Value::Float(-f),
                (UnaryOp::UAdd, v @ (Value::Int(_) | Value::Float(_))) => v,
                (UnaryOp::Not, v) => v.truthy().map_or(Value::Unknown, |b| Value::Bool(!b)),
                (_, Value::HostCpus) => Value::HostCpus,
                _ => Value::Unknown,
            },
            Expr::BinOp(b) => {
                let l = self.eval(&b.left, d);
                let r = self.eval(&b.right, d);
                self.arith(&l, b.op, &r)
            }
            Expr::Call(c) => self.call(c, d),
            Expr::Subscript(s) => {
                // `os.environ["X"]`
                if self.is_environ(&s.value)
                    && let Value::Str(var) = self.eval(&s.slice, d)
                {
                    return Value::Env { var, default: None };
                }
                Value::Unknown
            }
            Expr::FString(_) => Value::Unknown,
            _ => Value::Unknown,
        }
    }

    fn is_environ(&self, e: &Expr) -> bool {
        match e {
            Expr::Attribute(a) => {
                a.attr.as_str() == "environ"
                    && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "os")
            }
            Expr::Name(n) => self.aliases.get(n.id.as_str()) == Some(&"environ"),
            _ => false,
        }
    }

    /// The function a call names, as far as the evaluator knows it.
    fn callee(&self, func: &Expr) -> Option<&'static str> {
        match func {
            Expr::Name(n) => match n.id.as_str() {
                "int" => Some("int"),
                "float" => Some("float"),
                "str" => Some("str"),
                "bool" => Some("bool"),
                "max" => Some("max"),
                "min" => Some("min"),
                "len" => Some("len"),
                other => self.aliases.get(other).copied(),
            },
            Expr::Attribute(a) => {
                let attr = a.attr.as_str();
                let base = match a.value.as_ref() {
                    Expr::Name(n) => n.id.as_str(),
                    _ if self.is_environ(&a.value) && attr == "get" => return Some("environ.get"),
                    _ => return None,
                };
                match (base, attr) {
                    ("os", "getenv") => Some("getenv"),
                    ("os" | "multiprocessing" | "psutil", "cpu_count") => Some("cpu_count"),
                    ("os", "sched_getaffinity") => Some("sched_getaffinity"),
                    (b, "get") if self.aliases.get(b) == Some(&"environ") => Some("environ.get"),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn call(&self, c: &ast::ExprCall, d: usize) -> Value {
        let args = &c.arguments.args;
        let arg = |i: usize| args.get(i).map(|a| self.eval(a, d));
        let keyword = |name: &str| {
            c.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
                .map(|k| self.eval(&k.value, d))
        };
        match self.callee(&c.func) {
            Some("cpu_count") => Value::HostCpus,
            Some("sched_getaffinity") => Value::HostCpus,
            Some("len") => match arg(0) {
                Some(Value::HostCpus) => Value::HostCpus,
                Some(Value::List(l)) => Value::Int(l.len() as i64),
                Some(Value::Str(s)) => Value::Int(s.chars().count() as i64),
                _ => Value::Unknown,
            },
            Some("environ.get" | "getenv") => match arg(0) {
                Some(Value::Str(var)) => {
                    let default = arg(1).or_else(|| keyword("default"));
                    Value::Env {
                        var,
                        default: Some(Box::new(default.unwrap_or(Value::None))),
                    }
                }
                _ => Value::Unknown,
            },
            Some(conv @ ("int" | "float" | "str" | "bool")) => match arg(0) {
                Some(Value::Env { var, default }) => Value::Env {
                    var,
                    default: default.map(|v| Box::new(convert(conv, *v))),
                },
                Some(v) => convert(conv, v),
                None => Value::Unknown,
            },
            Some("max" | "min") => {
                let vals: Vec<Value> = args.iter().map(|a| self.eval(a, d)).collect();
                if vals.iter().any(Value::counts_host_cpus) {
                    return Value::HostCpus;
                }
                let ints: Option<Vec<i64>> = vals.iter().map(Value::as_int).collect();
                match (self.callee(&c.func), ints) {
                    (Some("max"), Some(v)) if !v.is_empty() => {
                        v.into_iter().max().map_or(Value::Unknown, Value::Int)
                    }
                    (Some("min"), Some(v)) if !v.is_empty() => {
                        v.into_iter().min().map_or(Value::Unknown, Value::Int)
                    }
                    _ => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    /// Every name read anywhere: a module-level name that is read is a
    /// helper variable, not a misspelt setting.
    fn collect_reads(&self, text: &str, out: &mut Module) {
        // Counted in one pass each: a scan of the text per assigned name
        // would cost the square of a file of many assignments.
        let mut writes: FastMap<&str, usize> = FastMap::default();
        for a in &out.assignments {
            *writes.entry(a.name.as_str()).or_default() += 1;
        }
        let words = identifier_counts(text);
        let mut reads = Vec::new();
        for (name, writes) in writes {
            // A name that is not one run of identifier characters (exotic
            // Unicode) is not a key of `words`: count it the slow way.
            let occurrences = if name.chars().all(is_identifier_char) {
                words.get(name).copied().unwrap_or(0)
            } else {
                word_occurrences(text, name)
            };
            if occurrences > writes {
                reads.push(name.to_string());
            }
        }
        // Sorted: rules look names up by binary search.
        reads.sort();
        out.reads = reads;
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// How often each maximal run of identifier characters appears in `text`:
/// the whole-identifier occurrences of every name at once.
fn identifier_counts(text: &str) -> FastMap<&str, usize> {
    let mut counts: FastMap<&str, usize> = FastMap::default();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_identifier_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if let Some(word) = text.get(s..i) {
                    *counts.entry(word).or_default() += 1;
                }
                start = None;
            }
            _ => {}
        }
    }
    counts
}

/// How often `name` appears as a whole identifier in `text`.
fn word_occurrences(text: &str, name: &str) -> usize {
    let is_ident = is_identifier_char;
    text.match_indices(name)
        .filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + name.len()..].chars().next();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
        .count()
}

/// What a name holds after branches that disagree. The variable an
/// `if` tests read on one branch (with no fallback of its own) and the
/// host's CPU count on the other (`if web_concurrency_str: workers =
/// int(web_concurrency_str) else: workers = cpu_count() * 2`) is the
/// variable with the CPU count as its fallback; a value that already
/// falls back to the CPU count stays so when a branch counts them too
/// (a `min` with an optional cap). Anything else is unknown.
fn either_branch(old: &Value, new: Value, tested: Option<&String>) -> Value {
    let no_fallback = |d: &Option<Box<Value>>| {
        d.as_deref()
            .is_none_or(|v| matches!(v, Value::None | Value::Unknown))
    };
    let merge = |env: &Value, other: &Value| match env {
        Value::Env { default, .. } if default.as_deref() == Some(&Value::HostCpus) => {
            other.counts_host_cpus().then(|| env.clone())
        }
        Value::Env { var, default }
            if other.counts_host_cpus() && no_fallback(default) && tested == Some(var) =>
        {
            Some(Value::Env {
                var: var.clone(),
                default: Some(Box::new(Value::HostCpus)),
            })
        }
        _ => None,
    };
    merge(old, &new)
        .or_else(|| merge(&new, old))
        .unwrap_or(Value::Unknown)
}

/// `int(v)`, `float(v)`, `str(v)`, `bool(v)` of a known value (taken, not
/// copied: `str()` of a long string costs nothing).
fn convert(conv: &str, v: Value) -> Value {
    match (conv, &v) {
        (_, Value::HostCpus) => Value::HostCpus,
        ("int", v) => v.as_int().map_or(Value::Unknown, Value::Int),
        ("float", Value::Int(i)) => Value::Float(*i as f64),
        ("float", Value::Float(f)) => Value::Float(*f),
        ("float", Value::Str(s)) => s.trim().parse().map_or(Value::Unknown, Value::Float),
        ("str", Value::Str(_)) => v,
        ("str", Value::Int(i)) => Value::Str(i.to_string()),
        ("bool", v) => v.truthy().map_or(Value::Unknown, Value::Bool),
        _ => Value::Unknown,
    }
}

impl Evaluator {
    /// Arithmetic on known values; anything computed from the CPU count
    /// counts the host's CPUs. A concatenation is charged to the budget.
    fn arith(&self, l: &Value, op: Operator, r: &Value) -> Value {
        match (l, r) {
            (Value::Str(a), Value::Str(b)) if op == Operator::Add => {
                if self.charge(a.len() + b.len()) {
                    Value::Str(format!("{a}{b}"))
                } else {
                    Value::Unknown
                }
            }
            _ => arith(l, op, r),
        }
    }
}

/// Arithmetic on known values; anything computed from the CPU count
/// counts the host's CPUs.
fn arith(l: &Value, op: Operator, r: &Value) -> Value {
    if l.counts_host_cpus() || r.counts_host_cpus() {
        return Value::HostCpus;
    }
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let v = match op {
                Operator::Add => a.checked_add(b),
                Operator::Sub => a.checked_sub(b),
                Operator::Mult => a.checked_mul(b),
                Operator::FloorDiv if b != 0 => Some(a.div_euclid(b)),
                Operator::Mod if b != 0 => Some(a.rem_euclid(b)),
                Operator::Pow => u32::try_from(b).ok().and_then(|e| a.checked_pow(e)),
                Operator::Div if b != 0 => return Value::Float(a as f64 / b as f64),
                _ => None,
            };
            v.map_or(Value::Unknown, Value::Int)
        }
        (Value::Str(a), Value::Str(b)) if op == Operator::Add => Value::Str(format!("{a}{b}")),
        _ => match (num(l), num(r)) {
            (Some(a), Some(b)) => match op {
                Operator::Add => Value::Float(a + b),
                Operator::Sub => Value::Float(a - b),
                Operator::Mult => Value::Float(a * b),
                Operator::Div if b != 0.0 => Value::Float(a / b),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        },
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The secret scan's parse gives the literals the full parse gives,
    /// and nothing where it gives nothing.
    #[test]
    fn the_literals_alone_are_those_of_the_full_parse() {
        let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        for text in [
            "API_KEY = \"sk-not-a-real-key-000000000000\"\n# a comment\n",
            "def f(token='abc', *, password=\"x\"):\n    return f\"{token}-{password}\"\n",
            "class S(BaseSettings):\n    secret: str = 'hunter2hunter2'\n",
            "this is ( not python\n",
            "",
            deep.as_str(),
        ] {
            assert_eq!(
                parse_literals(text),
                parse_file(text, false).literals,
                "{text:.60}"
            );
        }
        assert_eq!(parse_literals(&deep), None);
    }

    #[test]
    fn bracket_depth_and_operators_are_bounded() {
        let deep = format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201));
        assert!(too_deep(&deep).is_err_and(|e| e.contains("201 deep")));
        let ok = format!("x = {}1{}\n", "[".repeat(200), "]".repeat(200));
        assert!(too_deep(&ok).is_ok());
        // Closing brackets first do not go below zero, nor count.
        let closes = format!(
            "{}x = {}1{}\n",
            ")".repeat(50),
            "{".repeat(200),
            "}".repeat(200)
        );
        assert!(too_deep(&closes).is_ok());
        // Siblings do not nest.
        assert!(too_deep(&"f(a)[b]{c}\n".repeat(5000)).is_ok());
        let ops = format!("x = 1{}\n", " + 1".repeat(50_001));
        assert!(too_deep(&ops).is_err_and(|e| e.contains("50001 operators")));
        let nots = format!("x = {}y\n", "not ".repeat(50_001));
        assert!(too_deep(&nots).is_err());
    }

    fn value(src: &str, name: &str) -> Value {
        let m = parse(src);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        m.get(name).map_or(Value::Unknown, |a| a.value.clone())
    }

    #[test]
    fn literals_and_arithmetic() {
        assert_eq!(value("workers = 2 * 2 + 1\n", "workers"), Value::Int(5));
        assert_eq!(value("timeout = 0\n", "timeout"), Value::Int(0));
        assert_eq!(value("reload = True\n", "reload"), Value::Bool(true));
        assert_eq!(
            value("bind = ['0.0.0.0:8000']\n", "bind"),
            Value::List(vec![Value::Str("0.0.0.0:8000".into())])
        );
        assert_eq!(value("a = 'x' 'y'\n", "a"), Value::Str("xy".into()));
        assert_eq!(value("a = 1 / 0\n", "a"), Value::Unknown);
    }

    #[test]
    fn environment_and_cpus() {
        let v = value(
            "import os\nworkers = int(os.environ.get('WEB_CONCURRENCY', 4))\n",
            "workers",
        );
        assert_eq!(
            v,
            Value::Env {
                var: "WEB_CONCURRENCY".into(),
                default: Some(Box::new(Value::Int(4)))
            }
        );
        let v = value(
            "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n",
            "workers",
        );
        assert_eq!(v, Value::HostCpus);
        let v = value(
            "from os import getenv, cpu_count\nw = int(getenv('W', cpu_count()))\n",
            "w",
        );
        assert!(v.counts_host_cpus());
        let v = value(
            "import os\nCORES = os.cpu_count()\nworkers = CORES\n",
            "workers",
        );
        assert_eq!(v, Value::HostCpus);
        let v = value("import os\nb = os.environ['BIND']\n", "b");
        assert_eq!(
            v,
            Value::Env {
                var: "BIND".into(),
                default: None
            }
        );
    }

    #[test]
    fn conditional_assignments_disagreeing_are_unknown() {
        let src = "import os\nif os.environ.get('X'):\n    workers = 4\nelse:\n    workers = 2\n";
        let m = parse(src);
        let a = m.get("workers").map(|a| (a.value.clone(), a.conditional));
        assert_eq!(a, Some((Value::Unknown, true)));
    }

    #[test]
    fn a_variable_or_the_host_cpus_on_the_other_branch_falls_back_to_them() {
        let src = "import multiprocessing, os\nconcurrency = os.getenv('WEB_CONCURRENCY')\nmax_workers = os.getenv('MAX_WORKERS')\ncores = multiprocessing.cpu_count()\nif concurrency:\n    web = int(concurrency)\nelse:\n    web = max(int(cores * 1.0), 2)\n    if max_workers:\n        web = min(web, int(max_workers))\nworkers = web\n";
        let m = parse(src);
        let v = m.get("workers").map(|a| a.value.clone());
        assert_eq!(
            v,
            Some(Value::Env {
                var: "WEB_CONCURRENCY".to_string(),
                default: Some(Box::new(Value::HostCpus)),
            })
        );
        // A branch reading another variable, or one with its own
        // fallback, says nothing of the CPUs when the variable is unset.
        let other = "import os\nfrom multiprocessing import cpu_count\nif os.getenv('AUTO'):\n    workers = cpu_count()\nelse:\n    workers = int(os.getenv('WEB_CONCURRENCY', '4'))\n";
        assert_eq!(
            parse(other).get("workers").map(|a| a.value.clone()),
            Some(Value::Unknown)
        );
        let own = "import os\nfrom multiprocessing import cpu_count\nw = os.getenv('W')\nif w:\n    workers = int(os.getenv('W', '4'))\nelse:\n    workers = cpu_count()\n";
        assert_eq!(
            parse(own).get("workers").map(|a| a.value.clone()),
            Some(Value::Unknown)
        );
        let later = "import os\nfrom multiprocessing import cpu_count\nworkers = int(os.getenv('W', '4'))\nif os.getenv('X'):\n    workers = cpu_count()\n";
        assert_eq!(
            parse(later).get("workers").map(|a| a.value.clone()),
            Some(Value::Unknown)
        );
        let tried = "import os\nfrom multiprocessing import cpu_count\nw = os.getenv('W')\ntry:\n    workers = int(w)\nexcept ValueError:\n    workers = cpu_count()\n";
        assert_eq!(
            parse(tried).get("workers").map(|a| a.value.clone()),
            Some(Value::Unknown)
        );
        let elif = "import os\nfrom multiprocessing import cpu_count\nwc = os.getenv('WEB_CONCURRENCY')\nif wc:\n    workers = int(wc)\nelif os.getenv('AUTO'):\n    workers = cpu_count()\n";
        assert_eq!(
            parse(elif).get("workers").map(|a| a.value.clone()),
            Some(Value::Unknown)
        );
        // Two literals still disagree into the unknown.
        let m = parse("import os\nif os.getenv('BIG'):\n    workers = 8\nelse:\n    workers = 2\n");
        assert_eq!(
            m.get("workers").map(|a| a.value.clone()),
            Some(Value::Unknown)
        );
    }

    #[test]
    fn reads_mark_helpers() {
        let m = parse("worker = 3\nworkers = worker * 2\n");
        assert_eq!(m.reads, vec!["worker".to_string()]);
    }

    #[test]
    fn deep_input_is_skipped_not_crashed() {
        let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&deep).skipped.is_some());
        let long = format!("x = {}1\n", "1+".repeat(40_000));
        let m = parse(&long);
        assert!(m.skipped.is_none());
        assert!(m.get("x").is_some());
    }

    #[test]
    fn syntax_errors_are_located() {
        let m = parse("workers = (\n");
        assert!(!m.errors.is_empty());
    }
}
