//! `prodlint.toml`, `.prodlint.toml` or `[tool.prodlint]` in `pyproject.toml`.
//!
//! The file is walked as a spanned TOML tree so that every unknown key or
//! bad value is reported at its line, with the nearest valid key suggested.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::paths::FastPath;
use crate::registry::OptionKind;
use crate::rules;
use crate::select::{FailOn, Selector};
use crate::source::{LineIndex, display_path};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// The file the settings came from, if any.
    pub path: Option<PathBuf>,
    /// Globs in the file are relative to this folder.
    pub root: PathBuf,
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub extend_select: Vec<Selector>,
    pub fail_on: Option<FailOn>,
    pub exclude: Vec<String>,
    pub per_file_ignores: Vec<(String, Vec<Selector>)>,
    pub severity: BTreeMap<&'static str, Severity>,
    pub rule_options: BTreeMap<&'static str, BTreeMap<String, Vec<String>>>,
    pub max_file_size: u64,
    pub file_kinds: Vec<(String, FileKind)>,
    /// `[purposes]`: globs whose files have this purpose, whatever the guess.
    pub purposes: Vec<(String, crate::purpose::Purpose)>,
    /// `purpose = "all"` (or `--purpose all`): every file is linted as
    /// production.
    pub purpose_all: bool,
    /// `[audit.waive]`: checklist items waived, with the reason.
    pub waivers: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            path: None,
            root: PathBuf::from("."),
            select: None,
            ignore: Vec::new(),
            extend_select: Vec::new(),
            fail_on: None,
            exclude: Vec::new(),
            per_file_ignores: Vec::new(),
            severity: BTreeMap::new(),
            rule_options: BTreeMap::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            file_kinds: Vec::new(),
            purposes: Vec::new(),
            purpose_all: false,
            waivers: BTreeMap::new(),
        }
    }
}

impl Config {
    /// A string-list option from `[rules.CODE]`.
    pub fn option(&self, code: &str, name: &str) -> &[String] {
        self.rule_options
            .get(code)
            .and_then(|o| o.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// A string-list option from `[rules.CODE]`, or `None` when the
    /// configuration does not set it (an empty list is a setting).
    pub fn option_set(&self, code: &str, name: &str) -> Option<&[String]> {
        self.rule_options
            .get(code)
            .and_then(|o| o.get(name))
            .map(Vec::as_slice)
    }

    /// A whole-number option from `[rules.CODE]`, or `default`.
    pub fn option_u64(&self, code: &str, name: &str, default: u64) -> u64 {
        self.option(code, name)
            .first()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    }
}

/// A configuration problem, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

const CONFIG_NAMES: &[&str] = &["prodlint.toml", ".prodlint.toml"];

const KEYS: &[&str] = &[
    "select",
    "ignore",
    "extend-select",
    "fail-on",
    "exclude",
    "per-file-ignores",
    "severity",
    "rules",
    "max-file-size",
    "file-kinds",
    "purpose",
    "purposes",
    "audit",
];

/// Finds the configuration from `start` upward: the first folder with
/// `prodlint.toml`, `.prodlint.toml` or a `pyproject.toml` that has
/// `[tool.prodlint]`.
pub fn discover(start: &Path) -> Result<Config, ConfigError> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let p = dir.join(name);
            if p.is_file() {
                return load(&p);
            }
        }
        let py = dir.join("pyproject.toml");
        if py.is_file() {
            let text = read(&py)?;
            if text.contains("[tool.prodlint") {
                return parse(&text, &py, true);
            }
        }
    }
    Ok(Config::default())
}

/// A configuration file: a regular file (a FIFO would block the run)
/// within the default size limit (its own `max-file-size` is not known yet).
fn read(path: &Path) -> Result<String, ConfigError> {
    let error = |message: String| ConfigError {
        path: display_path(path),
        line: 1,
        column: 1,
        message,
    };
    let bytes = crate::read::bytes(path, DEFAULT_MAX_FILE_SIZE)
        .map_err(|e| error(format!("cannot read the configuration: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| error("cannot read the configuration: it is not valid UTF-8".to_string()))
}

/// Loads the configuration file at `path` (`pyproject.toml` reads `[tool.prodlint]`).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = read(path)?;
    let is_pyproject = path.fast_file_name().is_some_and(|n| n == "pyproject.toml");
    parse(&text, path, is_pyproject)
}

struct Ctx<'a> {
    path: String,
    text: &'a str,
    lines: LineIndex,
}

impl Ctx<'_> {
    fn err(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> ConfigError {
        let pos = self.lines.position(self.text, span.start);
        ConfigError {
            path: self.path.clone(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }
}

pub fn parse(text: &str, path: &Path, is_pyproject: bool) -> Result<Config, ConfigError> {
    let cx = Ctx {
        path: display_path(path),
        text,
        lines: LineIndex::new(text),
    };
    let root_table = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        cx.err(span, format!("invalid TOML: {}", e.message().trim()))
    })?;
    let mut config = Config {
        path: Some(path.to_path_buf()),
        root: path
            .fast_parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
        ..Config::default()
    };
    let table: &DeTable<'_> = if is_pyproject {
        let tool = root_table
            .get_ref()
            .get("tool")
            .and_then(|t| t.get_ref().as_table());
        match tool.and_then(|t| t.get("prodlint")) {
            Some(v) => match v.get_ref().as_table() {
                Some(t) => t,
                None => return Err(cx.err(v.span(), "`tool.prodlint` must be a table")),
            },
            None => return Ok(config),
        }
    } else {
        root_table.get_ref()
    };
    for (key, value) in table.iter() {
        let k = key.get_ref().as_ref();
        match k {
            "select" => config.select = Some(selectors(&cx, value)?),
            "ignore" => config.ignore = selectors(&cx, value)?,
            "extend-select" => config.extend_select = selectors(&cx, value)?,
            "fail-on" => {
                let s = string(&cx, value)?;
                config.fail_on = Some(FailOn::parse(&s).ok_or_else(|| {
                    cx.err(
                        value.span(),
                        format!("`fail-on` is `{s}`: use error, warning, info or never"),
                    )
                })?);
            }
            "exclude" => {
                config.exclude = strings(&cx, value)?;
                too_many_globs(&cx, "exclude", config.exclude.len(), value.span())?;
            }
            "per-file-ignores" => {
                for (glob, codes) in table_of(&cx, value)?.iter() {
                    check_glob(&cx, glob.get_ref(), glob.span())?;
                    config
                        .per_file_ignores
                        .push((glob.get_ref().to_string(), selectors(&cx, codes)?));
                }
                let n = config.per_file_ignores.len();
                too_many_globs(&cx, "per-file-ignores", n, value.span())?;
            }
            "severity" => {
                for (code, sev) in table_of(&cx, value)?.iter() {
                    let rule = rules::find(code.get_ref())
                        .ok_or_else(|| unknown_rule(&cx, code.get_ref(), code.span()))?;
                    let s = string(&cx, sev)?;
                    let level = Severity::parse(&s).ok_or_else(|| {
                        cx.err(
                            sev.span(),
                            format!("severity `{s}`: use error, warning or info"),
                        )
                    })?;
                    config.severity.insert(rule.code, level);
                }
            }
            "rules" => {
                for (code, opts) in table_of(&cx, value)?.iter() {
                    let rule = rules::find(code.get_ref())
                        .ok_or_else(|| unknown_rule(&cx, code.get_ref(), code.span()))?;
                    let mut parsed = BTreeMap::new();
                    for (name, v) in table_of(&cx, opts)?.iter() {
                        let n = name.get_ref().as_ref();
                        let Some(opt) = rule.options.iter().find(|o| o.name == n) else {
                            let names: Vec<&str> = rule.options.iter().map(|o| o.name).collect();
                            let msg = if names.is_empty() {
                                format!("{} has no options", rule.code)
                            } else {
                                format!(
                                    "unknown option `{n}` for {}{}",
                                    rule.code,
                                    suggestion(n, &names)
                                )
                            };
                            return Err(cx.err(name.span(), msg));
                        };
                        match opt.kind {
                            OptionKind::StringList => {
                                parsed.insert(n.to_string(), strings(&cx, v)?);
                            }
                            OptionKind::Integer => {
                                let i = v
                                    .get_ref()
                                    .as_integer()
                                    .and_then(|i| i.as_str().replace('_', "").parse::<u64>().ok())
                                    .ok_or_else(|| {
                                        cx.err(v.span(), format!("`{n}` must be a whole number"))
                                    })?;
                                parsed.insert(n.to_string(), vec![i.to_string()]);
                            }
                        }
                    }
                    config.rule_options.insert(rule.code, parsed);
                }
            }
            "max-file-size" => match value
                .get_ref()
                .as_integer()
                .and_then(|i| i.as_str().replace('_', "").parse::<u64>().ok())
            {
                Some(n) if n > 0 => config.max_file_size = n,
                _ => {
                    return Err(cx.err(
                        value.span(),
                        "`max-file-size` must be a positive number of bytes",
                    ));
                }
            },
            "file-kinds" => {
                for (glob, kind) in table_of(&cx, value)?.iter() {
                    check_glob(&cx, glob.get_ref(), glob.span())?;
                    let s = string(&cx, kind)?;
                    let k = FileKind::from_name(&s).ok_or_else(|| {
                        let names: Vec<&str> = FileKind::ALL.iter().map(|k| k.name()).collect();
                        cx.err(
                            kind.span(),
                            format!("unknown file kind `{s}`{}", suggestion(&s, &names)),
                        )
                    })?;
                    config.file_kinds.push((glob.get_ref().to_string(), k));
                }
                too_many_globs(&cx, "file-kinds", config.file_kinds.len(), value.span())?;
            }
            "audit" => {
                for (name, v) in table_of(&cx, value)?.iter() {
                    if name.get_ref().as_ref() != "waive" {
                        return Err(cx.err(
                            name.span(),
                            format!(
                                "unknown key `audit.{}`: the audit takes `waive`",
                                name.get_ref()
                            ),
                        ));
                    }
                    for (id, reason) in table_of(&cx, v)?.iter() {
                        let item = crate::audit::items::find(id.get_ref()).ok_or_else(|| {
                            let ids: Vec<&str> =
                                crate::audit::items::ALL.iter().map(|i| i.id).collect();
                            cx.err(
                                id.span(),
                                format!(
                                    "no checklist item `{}`{}",
                                    id.get_ref(),
                                    suggestion(id.get_ref(), &ids)
                                ),
                            )
                        })?;
                        let why = string(&cx, reason)?;
                        if why.trim().is_empty() {
                            return Err(cx.err(
                                reason.span(),
                                format!(
                                    "the waiver of {} needs a reason: say why it does not apply",
                                    item.id
                                ),
                            ));
                        }
                        config
                            .waivers
                            .insert(item.id.to_string(), why.trim().to_string());
                    }
                }
            }
            "purpose" => {
                let s = string(&cx, value)?;
                config.purpose_all = match s.as_str() {
                    "all" => true,
                    "guess" => false,
                    _ => {
                        return Err(cx.err(
                            value.span(),
                            format!("`purpose` is `{s}`: use guess (the default) or all"),
                        ));
                    }
                };
            }
            "purposes" => {
                for (glob, purpose) in table_of(&cx, value)?.iter() {
                    check_glob(&cx, glob.get_ref(), glob.span())?;
                    let s = string(&cx, purpose)?;
                    let p = crate::purpose::Purpose::parse(&s).ok_or_else(|| {
                        cx.err(
                            purpose.span(),
                            format!(
                                "unknown purpose `{s}`: use production, development, test or example"
                            ),
                        )
                    })?;
                    config.purposes.push((glob.get_ref().to_string(), p));
                }
                too_many_globs(&cx, "purposes", config.purposes.len(), value.span())?;
            }
            other => {
                return Err(cx.err(
                    key.span(),
                    format!("unknown key `{other}`{}", suggestion(other, KEYS)),
                ));
            }
        }
    }
    Ok(config)
}

fn unknown_rule(cx: &Ctx<'_>, code: &str, span: std::ops::Range<usize>) -> ConfigError {
    let names: Vec<&str> = rules::all().iter().flat_map(|r| [r.code, r.name]).collect();
    cx.err(
        span,
        format!("unknown rule `{code}`{}", suggestion(code, &names)),
    )
}

/// The most patterns one glob list may hold. Compiled globs cost far more
/// memory than their text: fifty thousand took 450 MB, and a scanned
/// repository's own `pyproject.toml` is configuration too.
pub const MAX_GLOBS: usize = 2000;

fn too_many_globs(
    cx: &Ctx<'_>,
    key: &str,
    n: usize,
    span: std::ops::Range<usize>,
) -> Result<(), ConfigError> {
    if n <= MAX_GLOBS {
        return Ok(());
    }
    Err(cx.err(
        span,
        format!("`{key}` has {n} patterns, more than the {MAX_GLOBS} prodlint accepts: use `**` patterns that cover several"),
    ))
}

fn check_glob(cx: &Ctx<'_>, glob: &str, span: std::ops::Range<usize>) -> Result<(), ConfigError> {
    globset::Glob::new(glob)
        .map(|_| ())
        .map_err(|e| cx.err(span, format!("invalid glob `{glob}`: {}", e.kind())))
}

fn table_of<'a, 'i>(
    cx: &Ctx<'_>,
    v: &'a Spanned<DeValue<'i>>,
) -> Result<&'a DeTable<'i>, ConfigError> {
    v.get_ref().as_table().ok_or_else(|| {
        cx.err(
            v.span(),
            format!("expected a table, found {}", v.get_ref().type_str()),
        )
    })
}

fn string(cx: &Ctx<'_>, v: &Spanned<DeValue<'_>>) -> Result<String, ConfigError> {
    v.get_ref().as_str().map(str::to_string).ok_or_else(|| {
        cx.err(
            v.span(),
            format!("expected a string, found {}", v.get_ref().type_str()),
        )
    })
}

fn strings(cx: &Ctx<'_>, v: &Spanned<DeValue<'_>>) -> Result<Vec<String>, ConfigError> {
    let arr = v.get_ref().as_array().ok_or_else(|| {
        cx.err(
            v.span(),
            format!(
                "expected a list of strings, found {}",
                v.get_ref().type_str()
            ),
        )
    })?;
    arr.iter().map(|item| string(cx, item)).collect()
}

fn selectors(cx: &Ctx<'_>, v: &Spanned<DeValue<'_>>) -> Result<Vec<Selector>, ConfigError> {
    let arr = v.get_ref().as_array().ok_or_else(|| {
        cx.err(
            v.span(),
            format!(
                "expected a list of rule codes, found {}",
                v.get_ref().type_str()
            ),
        )
    })?;
    arr.iter()
        .map(|item| {
            let s = string(cx, item)?;
            Selector::parse(&s).map_err(|msg| cx.err(item.span(), msg))
        })
        .collect()
}

/// `; did you mean `x`?` for the closest candidate, when one is close.
pub fn suggestion(word: &str, candidates: &[&str]) -> String {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| {
            *d <= (c.len() / 3).max(2) || (lower.len() >= 3 && c.starts_with(lower.as_str()))
        })
        .min()
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("prodlint.toml"), false)
    }

    #[test]
    fn unknown_key_points_at_its_line_and_suggests() {
        let e = p("select = [\"DF\"]\nextend-selct = [\"DF003\"]\n").err();
        let e = e.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            e,
            "prodlint.toml:2:1: unknown key `extend-selct`; did you mean `extend-select`?"
        );
    }

    #[test]
    fn bad_values_are_located() {
        let e = p("fail-on = \"sometimes\"\n").err().map(|e| e.line);
        assert_eq!(e, Some(1));
        let e = p("ignore = [\"DF999\"]\n")
            .err()
            .map(|e| (e.line, e.column));
        assert_eq!(e, Some((1, 11)));
        let e = p("[rules.DF004]\nallowed = []\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("did you mean `allowed-images`?"), "{e}");
    }

    #[test]
    fn reads_every_key() {
        let c = p(r#"
select = ["DF", "PL"]
ignore = ["DF007"]
extend-select = ["base-image-not-digest-pinned"]
fail-on = "error"
exclude = ["vendor/**"]
max-file-size = 1_000
[per-file-ignores]
"docker/dev/*" = ["DF013"]
[severity]
DF018 = "warning"
[rules.DF004]
allowed-images = ["python:3.12"]
[file-kinds]
"build/app.docker" = "dockerfile"
"#);
        let c = c.unwrap_or_default();
        assert_eq!(c.select.as_ref().map(Vec::len), Some(2));
        assert_eq!(c.fail_on, Some(FailOn::Error));
        assert_eq!(c.max_file_size, 1000);
        assert_eq!(c.severity.get("DF018"), Some(&Severity::Warning));
        assert_eq!(
            c.option("DF004", "allowed-images"),
            ["python:3.12".to_string()]
        );
        assert_eq!(c.file_kinds[0].1, FileKind::Dockerfile);
    }

    #[test]
    fn pyproject_section() {
        let c = parse(
            "[project]\nname='x'\n[tool.prodlint]\nignore=['DF007']\n",
            Path::new("pyproject.toml"),
            true,
        );
        assert_eq!(c.map(|c| c.ignore.len()).unwrap_or(0), 1);
    }
}

/// A matcher for globs that were validated when the configuration loaded.
pub fn glob_set<'a>(globs: impl IntoIterator<Item = &'a String>) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        if let Ok(glob) = globset::Glob::new(g) {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// Turns paths into the form the configuration's globs match: relative to
/// the configuration file's folder. Computed once, then purely lexical, so
/// that classifying thousands of files costs no file-system calls.
#[derive(Debug, Clone)]
pub struct PathBase {
    cwd: PathBuf,
    root: PathBuf,
}

impl PathBase {
    pub fn new(config: &Config) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = std::fs::canonicalize(&config.root)
            .unwrap_or_else(|_| normalize(&cwd.join(&config.root)));
        Self { cwd, root }
    }

    pub fn relative(&self, path: &Path) -> PathBuf {
        let abs = normalize(&self.cwd.join(path));
        match abs.strip_prefix(&self.root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => abs,
        }
    }
}

/// Removes `.` and resolves `..` without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
