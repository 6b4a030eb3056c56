//! The app rules' view of a Python file: every call, with its callee
//! resolved through the file's imports (`CORSMiddleware` imported from
//! `fastapi.middleware.cors` is `fastapi.middleware.cors.CORSMiddleware`),
//! the literal values of its arguments, and where it sits (inside an
//! `async def`, under `if __name__ == "__main__":`, as a decorator).
//! Only what the code says literally is known; anything else is
//! `Lit::Other` and no rule guesses.

use super::span;
use crate::source::Span;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

/// A literal argument, as far as it is one.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Bool(bool),
    Int(i64),
    None,
    /// A list, tuple or set of values.
    List(Vec<Lit>),
    /// A name or attribute, resolved through the imports (`ssl.CERT_NONE`).
    Ref(String),
    /// A dict display (`{"version": 1, …}`), its contents not read.
    Dict,
    Other,
}

impl Lit {
    pub fn is_true(&self) -> bool {
        matches!(self, Lit::Bool(true))
    }

    /// The strings of a list (or the string itself).
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Lit::Str(s) => vec![s.as_str()],
            Lit::List(items) => items
                .iter()
                .filter_map(|i| match i {
                    Lit::Str(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub value: Lit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The callee, dotted and resolved: `requests.get`, `uvicorn.run`,
    /// `app.add_middleware` (a local name stays as written).
    pub callee: String,
    pub callee_span: Span,
    pub span: Span,
    pub args: Vec<Arg>,
    /// Keyword arguments in order, with the span of `name=value`.
    pub keywords: Vec<(String, Arg, Span)>,
    /// `**kwargs` is passed: any keyword may be set.
    pub splat: bool,
    /// The innermost function around it is an `async def`.
    pub in_async: bool,
    /// Inside a function or lambda: it runs when that is called, not when
    /// the module is imported.
    pub in_function: bool,
    /// Under `if __name__ == "__main__":`.
    pub in_main_guard: bool,
    /// A decorator (`@app.on_event("startup")`).
    pub decorator: bool,
    /// The names the tests of the `if`s and conditional expressions around
    /// it read (`self.verify` in `a if self.verify else b`): the call may
    /// be an option the code honours rather than what it always does.
    pub guards: Vec<String>,
    /// The name it is assigned to (`app` in `app = FastAPI()`).
    pub assigned_to: Option<String>,
    /// The innermost function whose body holds it (an index into the
    /// view's functions).
    pub function: Option<usize>,
    /// The function it decorates, or whose parameter default or
    /// annotation it is (`Depends(get_db)`): evaluated when the function
    /// is defined, it says what the function uses.
    pub owner: Option<usize>,
}

/// A function (or method) of the module.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: String,
    pub name_span: Span,
    pub is_async: bool,
    /// Its decorators, resolved (`functools.lru_cache`, `app.get`).
    pub decorators: Vec<String>,
    /// The function around it, if it is nested.
    pub parent: Option<usize>,
    /// Its body awaits something.
    pub awaits: bool,
    /// Its body raises.
    pub raises: bool,
    /// The HTTP statuses its body answers with, sorted and once each: a
    /// literal (or `status.HTTP_…`) `status_code=`, an `HTTPException`'s
    /// first argument, or 503 named anywhere (a bare `503`, an
    /// `HTTP_503_…` or `…_503` name).
    pub statuses: Vec<u16>,
}

impl Function {
    fn says(&mut self, status: u16) {
        if let Err(i) = self.statuses.binary_search(&status) {
            self.statuses.insert(i, status);
        }
    }
}

/// The status a name spells: `HTTP_503_SERVICE_UNAVAILABLE` and
/// `status.HTTP_200_OK` (Starlette's and FastAPI's constants, the last
/// part of a dotted name), or a home-made `…_503` name for the one
/// status readiness code spells its own way (`NOT_READY_503`); other
/// numbers in names are not statuses (`MAX_100_ITEMS`).
pub fn status_in_name(name: &str) -> Option<u16> {
    // Every name and attribute of a module comes here: the cheap test
    // first.
    if !name.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let name = name.rsplit('.').next().unwrap_or(name);
    if let Some(rest) = name.strip_prefix("HTTP_") {
        // Three digits, then `_` or the end (`HTTP_5000` is no status).
        if !matches!(rest.as_bytes().get(3), None | Some(b'_')) {
            return None;
        }
        let digits = rest.get(..3)?;
        let code = digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse::<u16>().ok())
            .flatten()?;
        return (100..600).contains(&code).then_some(code);
    }
    name.split('_').any(|part| part == "503").then_some(503)
}

/// A literal HTTP status (an int from 100 to 599).
fn status_of(e: &Expr) -> Option<u16> {
    match e {
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_u16().filter(|c| (100..600).contains(c)),
            _ => None,
        },
        Expr::Name(n) => status_in_name(n.id.as_str()),
        Expr::Attribute(a) => status_in_name(a.attr.as_str()),
        _ => None,
    }
}

/// What the app rules read of a module: its calls, its functions and the
/// string literals that name a logging formatter or a security header
/// (`"pythonjsonlogger.jsonlogger.JsonFormatter"` in a `dictConfig`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub calls: Vec<Call>,
    pub functions: Vec<Function>,
    pub marks: Vec<(Mark, Span)>,
}

/// A string literal that says something about the app's set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A JSON log formatter's class name.
    JsonFormatter,
    /// A security response header's name (HSTS, CSP, nosniff).
    SecurityHeader,
}

/// The mark a string literal makes, if any.
fn mark_of(s: &str) -> Option<Mark> {
    if s.len() > 200 {
        return None;
    }
    // Every string literal of a module comes here: no copy unless it can
    // be one.
    let has = |needle: &[u8]| {
        s.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if has(b"json") || has(b"ecs_logging") {
        let lower = s.to_ascii_lowercase();
        if lower.contains("jsonformatter")
            || lower.contains("jsonlogger")
            || lower.contains("json_log_formatter")
            || lower.contains("ecs_logging")
        {
            return Some(Mark::JsonFormatter);
        }
    }
    [
        "strict-transport-security",
        "content-security-policy",
        "x-content-type-options",
    ]
    .iter()
    .any(|h| s.eq_ignore_ascii_case(h))
    .then_some(Mark::SecurityHeader)
}

impl Call {
    pub fn keyword(&self, name: &str) -> Option<&Arg> {
        self.keywords
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, a, _)| a)
    }

    /// The callee's last name (`add_middleware`, `FastAPI`).
    pub fn name(&self) -> &str {
        // Asked many times of every call: one reverse byte search, not a
        // splitter.
        match memchr::memrchr(b'.', self.callee.as_bytes()) {
            Some(dot) => self.callee.get(dot + 1..).unwrap_or(&self.callee),
            None => &self.callee,
        }
    }

    /// The callee's module path, resolved (`requests` for `requests.get`).
    pub fn module(&self) -> &str {
        match memchr::memrchr(b'.', self.callee.as_bytes()) {
            Some(dot) => self.callee.get(..dot).unwrap_or(""),
            None => "",
        }
    }
}

/// Nesting past which the walk does not descend (a chain of thousands
/// of operators is a tree that deep; no call worth a rule sits there).
const MAX_DEPTH: usize = 100;

/// Reads every call and function of a parsed module.
pub fn read(suite: &[Stmt], imports: &Imports) -> View {
    let mut v = Calls {
        imports,
        out: View::default(),
        asyncs: Vec::new(),
        functions: Vec::new(),
        owner: None,
        main_guard: 0,
        decorator: false,
        depth: 0,
        guards: Vec::new(),
        target: None,
    };
    for stmt in suite {
        v.visit_stmt(stmt);
    }
    v.out
}

/// Local names bound by imports, anywhere in the file, to what they
/// name: how every view of the module resolves a name.
#[derive(Debug, Default)]
pub struct Imports {
    names: crate::hashing::FastMap<String, String>,
    depth: usize,
}

impl Imports {
    pub fn of(suite: &[Stmt]) -> Imports {
        let mut imports = Imports::default();
        for stmt in suite {
            imports.visit_stmt(stmt);
        }
        imports
    }

    /// `a.b.c` with `a` resolved through the imports; `None` for anything
    /// that is not a dotted name.
    pub fn dotted(&self, e: &Expr) -> Option<String> {
        let mut out = String::with_capacity(32);
        self.dotted_into(e, &mut out).then_some(out)
    }

    /// Writes `e` dotted into `out` (one buffer for the whole chain).
    fn dotted_into(&self, e: &Expr, out: &mut String) -> bool {
        match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                out.push_str(self.names.get(id).map_or(id, String::as_str));
                true
            }
            Expr::Attribute(a) => {
                if !self.dotted_into(&a.value, out) {
                    return false;
                }
                out.push('.');
                out.push_str(a.attr.as_str());
                true
            }
            _ => false,
        }
    }

    /// What an expression is, as far as it is a literal (or a name).
    pub fn lit(&self, e: &Expr) -> Lit {
        match e {
            Expr::StringLiteral(s) => Lit::Str(s.value.to_str().to_string()),
            Expr::BooleanLiteral(b) => Lit::Bool(b.value),
            Expr::NoneLiteral(_) => Lit::None,
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map_or(Lit::Other, Lit::Int),
                _ => Lit::Other,
            },
            Expr::List(l) => Lit::List(l.elts.iter().map(|x| self.lit(x)).collect()),
            Expr::Tuple(l) => Lit::List(l.elts.iter().map(|x| self.lit(x)).collect()),
            Expr::Set(l) => Lit::List(l.elts.iter().map(|x| self.lit(x)).collect()),
            Expr::Dict(_) => Lit::Dict,
            e => self.dotted(e).map_or(Lit::Other, Lit::Ref),
        }
    }
}

impl<'a> Visitor<'a> for Imports {
    // Imports are statements: expressions are not walked.
    fn visit_expr(&mut self, _: &'a Expr) {}

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match stmt {
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.as_str().to_owned();
                    let local = a
                        .asname
                        .as_ref()
                        .map(|n| n.as_str().to_owned())
                        // `import a.b` binds `a`.
                        .unwrap_or_else(|| full.split('.').next().unwrap_or("").to_string());
                    let target = if a.asname.is_some() {
                        full
                    } else {
                        local.clone()
                    };
                    self.names.insert(local, target);
                }
            }
            Stmt::ImportFrom(i) => {
                // A relative import keeps its dots (`.api.router`): the
                // project resolves it against the module's package.
                let mut module = ".".repeat(i.level as usize);
                if let Some(m) = &i.module {
                    module.push_str(m.as_str());
                }
                for a in &i.names {
                    let local = a.asname.as_ref().unwrap_or(&a.name).as_str().to_owned();
                    // Built by pushes: every import of every module comes
                    // here, and `format!` costs several times as much.
                    let mut full = String::with_capacity(module.len() + 1 + a.name.len());
                    full.push_str(&module);
                    if !module.is_empty() && !module.ends_with('.') {
                        full.push('.');
                    }
                    full.push_str(a.name.as_str());
                    self.names.insert(local, full);
                }
            }
            // Imports inside functions and classes count too.
            _ => visitor::walk_stmt(self, stmt),
        }
        self.depth -= 1;
    }
}

struct Calls<'i> {
    imports: &'i Imports,
    out: View,
    /// Whether each enclosing function is `async def`, innermost last.
    asyncs: Vec<bool>,
    /// The enclosing functions (indices into the view's), innermost last.
    functions: Vec<usize>,
    /// The function whose decorators or parameters are being visited.
    owner: Option<usize>,
    main_guard: usize,
    decorator: bool,
    depth: usize,
    guards: Vec<String>,
    /// `name = <call>` being visited: the call at that span binds `name`.
    target: Option<(String, Span)>,
}

impl Calls<'_> {
    fn record(&mut self, c: &ast::ExprCall) {
        let Some(callee) = self.imports.dotted(&c.func) else {
            return;
        };
        let args = c
            .arguments
            .args
            .iter()
            .map(|a| Arg {
                value: self.imports.lit(a),
                span: span(a),
            })
            .collect();
        // The statuses a call in a body answers with. A decorator's
        // `status_code=` is its route's, not its function's.
        if !self.decorator {
            let exception = callee.ends_with("HTTPException");
            let said = c
                .arguments
                .keywords
                .iter()
                .filter(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "status_code"))
                .map(|k| &k.value)
                .chain(c.arguments.args.first().filter(|_| exception))
                .filter_map(status_of)
                .collect::<Vec<_>>();
            if let Some(f) = self.current() {
                for code in said {
                    f.says(code);
                }
            }
        }
        let mut splat = false;
        let mut keywords = Vec::new();
        for k in &c.arguments.keywords {
            match &k.arg {
                Some(name) => keywords.push((
                    name.as_str().to_owned(),
                    Arg {
                        value: self.imports.lit(&k.value),
                        span: span(&k.value),
                    },
                    span(k),
                )),
                None => splat = true,
            }
        }
        self.out.calls.push(Call {
            callee,
            callee_span: span(c.func.as_ref()),
            span: span(c),
            args,
            keywords,
            splat,
            in_async: self.asyncs.last().copied().unwrap_or(false),
            in_function: !self.asyncs.is_empty(),
            in_main_guard: self.main_guard > 0,
            decorator: self.decorator,
            guards: self.guards.clone(),
            assigned_to: self
                .target
                .take_if(|(_, at)| *at == span(c))
                .map(|(name, _)| name),
            function: self.functions.last().copied(),
            owner: self.owner,
        });
    }

    /// The innermost function being visited.
    fn current(&mut self) -> Option<&mut Function> {
        let i = *self.functions.last()?;
        self.out.functions.get_mut(i)
    }
}

/// The dotted names an `if` test reads (`self.verify`, `settings.debug`).
fn names_in(e: &Expr, out: &mut Vec<String>) {
    struct Names<'o>(&'o mut Vec<String>);
    impl<'a> Visitor<'a> for Names<'_> {
        fn visit_expr(&mut self, e: &'a Expr) {
            match e {
                Expr::Name(n) => self.0.push(n.id.as_str().to_owned()),
                Expr::Attribute(a) => self.0.push(a.attr.as_str().to_owned()),
                _ => visitor::walk_expr(self, e),
            }
        }
    }
    // Tests are short; a long one is not followed past a few names.
    if out.len() < 64 {
        Names(out).visit_expr(e);
    }
}

/// `__name__ == "__main__"` (either way round).
fn is_main_test(e: &Expr) -> bool {
    let Expr::Compare(c) = e else { return false };
    let (Some(right), 1) = (c.comparators.first(), c.comparators.len()) else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (is_name(&c.left) && is_main(right)) || (is_main(&c.left) && is_name(right))
}

impl<'a> Visitor<'a> for Calls<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match stmt {
            Stmt::FunctionDef(f) => {
                let index = self.out.functions.len();
                let decorators = f
                    .decorator_list
                    .iter()
                    .filter_map(|d| match &d.expression {
                        Expr::Call(c) => self.imports.dotted(&c.func),
                        e => self.imports.dotted(e),
                    })
                    .collect();
                self.out.functions.push(Function {
                    name: f.name.as_str().to_owned(),
                    name_span: span(&f.name),
                    is_async: f.is_async,
                    decorators,
                    parent: self.functions.last().copied(),
                    awaits: false,
                    raises: false,
                    statuses: Vec::new(),
                });
                let owner = self.owner.replace(index);
                self.decorator = true;
                for d in &f.decorator_list {
                    self.visit_expr(&d.expression);
                }
                self.decorator = false;
                for p in f.parameters.iter_non_variadic_params() {
                    if let Some(a) = &p.parameter.annotation {
                        self.visit_expr(a);
                    }
                    if let Some(d) = &p.default {
                        self.visit_expr(d);
                    }
                }
                self.owner = owner;
                self.asyncs.push(f.is_async);
                self.functions.push(index);
                for s in &f.body {
                    self.visit_stmt(s);
                }
                self.functions.pop();
                self.asyncs.pop();
            }
            Stmt::Raise(_) => {
                if let Some(f) = self.current() {
                    f.raises = true;
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::If(i) if is_main_test(&i.test) => {
                self.main_guard += 1;
                for s in &i.body {
                    self.visit_stmt(s);
                }
                self.main_guard -= 1;
                for clause in &i.elif_else_clauses {
                    for s in &clause.body {
                        self.visit_stmt(s);
                    }
                }
            }
            Stmt::Assign(a)
                if matches!(
                    (&a.targets[..], a.value.as_ref()),
                    ([Expr::Name(_)], Expr::Call(_))
                ) =>
            {
                if let Some(Expr::Name(n)) = a.targets.first() {
                    self.target = Some((n.id.as_str().to_owned(), span(a.value.as_ref())));
                }
                visitor::walk_stmt(self, stmt);
                self.target = None;
            }
            Stmt::AnnAssign(a)
                if matches!(
                    (a.target.as_ref(), a.value.as_deref()),
                    (Expr::Name(_), Some(Expr::Call(_)))
                ) =>
            {
                if let (Expr::Name(n), Some(v)) = (a.target.as_ref(), a.value.as_deref()) {
                    self.target = Some((n.id.as_str().to_owned(), span(v)));
                }
                visitor::walk_stmt(self, stmt);
                self.target = None;
            }
            // Every branch depends on the `if` test; an `elif` branch on
            // its own test too.
            Stmt::If(i) => {
                let before = self.guards.len();
                names_in(&i.test, &mut self.guards);
                self.visit_expr(&i.test);
                for s in &i.body {
                    self.visit_stmt(s);
                }
                for clause in &i.elif_else_clauses {
                    let inner = self.guards.len();
                    if let Some(t) = &clause.test {
                        names_in(t, &mut self.guards);
                        self.visit_expr(t);
                    }
                    for s in &clause.body {
                        self.visit_stmt(s);
                    }
                    self.guards.truncate(inner);
                }
                self.guards.truncate(before);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match expr {
            Expr::Call(c) => self.record(c),
            Expr::Await(_) => {
                if let Some(f) = self.current() {
                    f.awaits = true;
                }
            }
            // A bare 503 anywhere in the body (a tuple, a constant
            // compared): readiness code says it in many ways.
            Expr::NumberLiteral(n) => {
                if matches!(&n.value, ast::Number::Int(i) if i.as_u16() == Some(503))
                    && let Some(f) = self.current()
                {
                    f.says(503);
                }
            }
            // A name alone says 503 only (`HTTP_503_…`, `NOT_READY_503`):
            // other status names in a body are as often compared with an
            // upstream's answer as answered (`r.status_code ==
            // status.HTTP_500_…`); those come from `status_code=` and
            // `HTTPException(…)` above.
            Expr::Name(_) | Expr::Attribute(_) => {
                if status_of(expr) == Some(503)
                    && let Some(f) = self.current()
                {
                    f.says(503);
                }
            }
            Expr::StringLiteral(s) => {
                if let Some(m) = mark_of(s.value.to_str()) {
                    self.out.marks.push((m, span(expr)));
                }
            }
            _ => {}
        }
        // Arguments of a decorator are not decorators themselves.
        let decorator = std::mem::replace(&mut self.decorator, false);
        match expr {
            // A lambda's body is its own (synchronous) function.
            Expr::Lambda(_) => {
                self.asyncs.push(false);
                visitor::walk_expr(self, expr);
                self.asyncs.pop();
            }
            Expr::If(x) => {
                let before = self.guards.len();
                names_in(&x.test, &mut self.guards);
                visitor::walk_expr(self, expr);
                self.guards.truncate(before);
            }
            _ => visitor::walk_expr(self, expr),
        }
        self.decorator = decorator;
        self.depth -= 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::python::parse_file;

    fn calls(text: &str) -> Vec<(String, bool, bool, bool)> {
        parse_file(text, false)
            .calls
            .into_iter()
            .map(|c| (c.callee, c.in_async, c.in_function, c.in_main_guard))
            .collect()
    }

    #[test]
    fn callees_resolve_through_imports_and_aliases() {
        let found = calls(
            "import requests as r\nfrom fastapi import FastAPI as F\nimport os.path\nF()\nr.get(u)\nos.path.join(a)\n",
        );
        let names: Vec<&str> = found.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(names, ["fastapi.FastAPI", "requests.get", "os.path.join"]);
    }

    #[test]
    fn where_a_call_sits() {
        let found = calls(
            "async def f():\n    a()\n    def g():\n        b()\n    h = lambda: c()\nif __name__ == \"__main__\":\n    d()\n",
        );
        assert_eq!(
            found,
            [
                ("a".to_string(), true, true, false),
                ("b".to_string(), false, true, false),
                ("c".to_string(), false, true, false),
                ("d".to_string(), false, false, true),
            ]
        );
    }

    #[test]
    fn guards_name_what_the_tests_read() {
        let f = parse_file("x = a() if self.verify else b()\n", false);
        let b = f.calls.iter().find(|c| c.callee == "b");
        assert_eq!(
            b.map(|c| c.guards.clone()),
            Some(vec!["verify".to_string()])
        );
    }
}
