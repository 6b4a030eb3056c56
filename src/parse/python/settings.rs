//! The settings rules' view of a Python file: classes built on
//! pydantic's `BaseSettings` (pydantic-settings v2, or pydantic v1's),
//! with each field's name, annotation and literal default. pydantic reads
//! each field from the environment variable of the same name (any case,
//! unless the class says otherwise), so a field's default is what runs
//! when the deployment does not set it.

use super::span;
use crate::parse::python::calls::{Imports, Lit};
use crate::source::Span;
use ruff_python_ast::{Expr, Stmt};

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub name_span: Span,
    /// The annotation as written (`str`, `SecretStr`, `str | None`).
    pub annotation: String,
    pub annotation_span: Span,
    /// The default, when it is a literal (or `Field(default=…)`'s).
    pub default: Option<(Lit, Span)>,
    /// The environment variables it reads, as pydantic names them: the
    /// class's `env_prefix` and the field's name, or the field's own
    /// `alias` / `validation_alias` (v2, no prefix) or `env=` (v1).
    /// Compared without case unless the class is `case_sensitive`.
    pub env: Vec<String>,
    /// It has no default: pydantic fails at start-up unless the
    /// environment sets it (`url: str`, `url: str = Field(...)`). An
    /// optional type (`str | None`, `Optional[str]`) is not counted:
    /// pydantic v1 gives it `None`.
    pub required: bool,
}

/// The variable a field reads, as people spell it: its first env name
/// (the field's own name when it has none), in capitals unless the class
/// is case-sensitive (`APP_DEBUG` for `debug` under `env_prefix="APP_"`).
pub fn env_var(env: &[String], field: &str, case_sensitive: bool) -> String {
    let name = env.first().map_or(field, String::as_str);
    if case_sensitive {
        name.to_string()
    } else {
        name.to_ascii_uppercase()
    }
}

/// What a settings class says about where it reads: `model_config`
/// (a `SettingsConfigDict(…)` call or a dict literal) or v1's inner
/// `class Config`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsConfig {
    pub env_prefix: Option<String>,
    pub case_sensitive: Option<bool>,
    /// `env_file`: one name or several.
    pub env_file: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsClass {
    pub name: String,
    pub name_span: Span,
    pub fields: Vec<Field>,
    /// Its configuration, with what it inherits from a settings class of
    /// the same module filled in.
    pub config: SettingsConfig,
}

/// Names that mean pydantic's `BaseSettings` once imports are resolved.
fn is_base_settings(resolved: &str) -> bool {
    matches!(
        resolved,
        "pydantic_settings.BaseSettings"
            | "pydantic.BaseSettings"
            | "pydantic.env_settings.BaseSettings"
    )
}

/// Reads the settings classes of a module (top level; a class built on
/// another settings class of the same module counts too).
pub fn read(text: &str, suite: &[Stmt], imports: &Imports) -> Vec<SettingsClass> {
    let resolve = |e: &Expr| imports.dotted(e);
    let mut settings_names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for stmt in suite {
        let Stmt::ClassDef(c) = stmt else { continue };
        let bases = c.arguments.as_ref().map(|a| &a.args[..]).unwrap_or(&[]);
        let resolved: Vec<String> = bases.iter().filter_map(&resolve).collect();
        let is_settings = resolved
            .iter()
            .any(|b| is_base_settings(b) || settings_names.contains(b));
        if !is_settings {
            continue;
        }
        settings_names.push(c.name.to_string());
        let inherited = resolved
            .iter()
            .find_map(|b| out.iter().find(|k: &&SettingsClass| &k.name == b))
            .map(|k| k.config.clone())
            .unwrap_or_default();
        let config = config_of(&c.body, imports, inherited);
        let mut fields = Vec::new();
        for s in &c.body {
            let Stmt::AnnAssign(a) = s else { continue };
            let Expr::Name(n) = a.target.as_ref() else {
                continue;
            };
            // `_x` is a private attribute, not read from the environment;
            // `model_config` configures the class.
            if n.id.as_str().starts_with('_') || n.id.as_str() == "model_config" {
                continue;
            }
            let ann = span(a.annotation.as_ref());
            let default = a.value.as_deref().and_then(|v| default_of(v, imports));
            let name = n.id.as_str().to_owned();
            let env = a
                .value
                .as_deref()
                .and_then(|v| aliases_of(v, imports))
                .unwrap_or_else(|| {
                    vec![format!(
                        "{}{name}",
                        config.env_prefix.as_deref().unwrap_or("")
                    )]
                });
            let annotation = text.get(ann.start..ann.end).unwrap_or("").to_string();
            let optional = annotation.contains("Optional") || annotation.contains("None");
            let required = !optional
                && match a.value.as_deref() {
                    None => true,
                    Some(v) => field_call(v, imports).is_some_and(|c| {
                        let ellipsis = |e: &Expr| matches!(e, Expr::EllipsisLiteral(_));
                        let no_factory = !c.arguments.keywords.iter().any(|k| {
                            k.arg.as_ref().is_some_and(|a| {
                                matches!(a.as_str(), "default_factory" | "default")
                            }) && !ellipsis(&k.value)
                        });
                        no_factory
                            && (c.arguments.args.first().is_some_and(ellipsis)
                                || (c.arguments.args.is_empty()
                                    && c.arguments.keywords.iter().any(|k| {
                                        k.arg.as_ref().is_some_and(|a| a.as_str() == "default")
                                            && ellipsis(&k.value)
                                    })))
                    }),
                };
            fields.push(Field {
                name,
                name_span: span(a.target.as_ref()),
                annotation,
                annotation_span: ann,
                default,
                env,
                required,
            });
        }
        out.push(SettingsClass {
            name: c.name.to_string(),
            name_span: span(&c.name),
            fields,
            config,
        });
    }
    out
}

/// A literal default: the value itself, or `Field("…")` /
/// `Field(default="…")`.
fn default_of(v: &Expr, imports: &Imports) -> Option<(Lit, Span)> {
    let lit = |e: &Expr| match imports.lit(e) {
        l @ (Lit::Str(_) | Lit::Bool(_) | Lit::None) => Some((l, span(e))),
        _ => None,
    };
    if let Some(l) = lit(v) {
        return Some(l);
    }
    let c = field_call(v, imports)?;
    let arg = c
        .arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "default"))
        .map(|k| &k.value)
        .or_else(|| c.arguments.args.first())?;
    lit(arg)
}

/// The class's configuration over what it inherits: `model_config =
/// SettingsConfigDict(…)`, `model_config = {…}` or `class Config:`.
fn config_of(body: &[Stmt], imports: &Imports, mut config: SettingsConfig) -> SettingsConfig {
    let mut set = |key: &str, value: Lit| match (key, value) {
        ("env_prefix", Lit::Str(p)) => config.env_prefix = Some(p),
        ("case_sensitive", Lit::Bool(b)) => config.case_sensitive = Some(b),
        ("env_file", v @ (Lit::Str(_) | Lit::List(_))) => {
            config.env_file = v.strings().iter().map(|s| s.to_string()).collect()
        }
        _ => {}
    };
    for stmt in body {
        match stmt {
            Stmt::Assign(a) if is_model_config(&a.targets) => {
                read_config(&a.value, imports, &mut set)
            }
            Stmt::AnnAssign(a) if is_model_config(std::slice::from_ref(&*a.target)) => {
                if let Some(v) = &a.value {
                    read_config(v, imports, &mut set)
                }
            }
            Stmt::ClassDef(inner) if inner.name.as_str() == "Config" => {
                for s in &inner.body {
                    if let Stmt::Assign(a) = s
                        && let [Expr::Name(n)] = &a.targets[..]
                    {
                        set(n.id.as_str(), imports.lit(&a.value));
                    }
                }
            }
            _ => {}
        }
    }
    config
}

fn is_model_config(targets: &[Expr]) -> bool {
    matches!(targets, [Expr::Name(n)] if n.id.as_str() == "model_config")
}

/// `SettingsConfigDict(key=…)` or `{"key": …}`.
fn read_config(v: &Expr, imports: &Imports, set: &mut impl FnMut(&str, Lit)) {
    match v {
        Expr::Call(c) => {
            for k in &c.arguments.keywords {
                if let Some(name) = &k.arg {
                    set(name.as_str(), imports.lit(&k.value));
                }
            }
        }
        Expr::Dict(d) => {
            for item in d.iter() {
                if let Some(Expr::StringLiteral(key)) = &item.key {
                    set(key.value.to_str(), imports.lit(&item.value));
                }
            }
        }
        _ => {}
    }
}

/// The names a `Field(…)` reads instead of the field's own: `alias` or
/// a string `validation_alias` (v2), `env` (v1).
fn aliases_of(v: &Expr, imports: &Imports) -> Option<Vec<String>> {
    let c = field_call(v, imports)?;
    ["validation_alias", "alias", "env"]
        .iter()
        .find_map(|name| {
            let k = c
                .arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == *name))?;
            let names: Vec<String> = imports
                .lit(&k.value)
                .strings()
                .iter()
                .map(|s| s.to_string())
                .collect();
            (!names.is_empty()).then_some(names)
        })
}

/// `Field(…)` (pydantic's), if `v` is that call.
fn field_call<'e>(v: &'e Expr, imports: &Imports) -> Option<&'e ruff_python_ast::ExprCall> {
    let Expr::Call(c) = v else { return None };
    imports
        .dotted(&c.func)
        .is_some_and(|f| f == "Field" || f.ends_with(".Field"))
        .then_some(c)
}

#[cfg(test)]
mod env_name_tests {
    use crate::parse::python::parse_file;

    fn env(text: &str) -> Vec<(String, Vec<String>)> {
        parse_file(text, false)
            .settings
            .iter()
            .flat_map(|c| c.fields.iter().map(|f| (f.name.clone(), f.env.clone())))
            .collect()
    }

    #[test]
    fn fields_read_their_prefixed_name_or_their_alias() {
        let v2 = "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\
class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"APP_\", env_file=\".env\")\n    debug: bool = False\n    url: str = Field(\"x\", alias=\"DATABASE_URL\")\n";
        assert_eq!(
            env(v2),
            [
                ("debug".to_string(), vec!["APP_debug".to_string()]),
                ("url".to_string(), vec!["DATABASE_URL".to_string()]),
            ]
        );
        let dict = "from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    model_config = {\"env_prefix\": \"SVC_\", \"case_sensitive\": True}\n    port: int = 8000\nclass T(S):\n    host: str = \"h\"\n";
        let parsed = parse_file(dict, false);
        assert_eq!(
            parsed.settings[1].config.env_prefix.as_deref(),
            Some("SVC_")
        );
        assert_eq!(parsed.settings[1].config.case_sensitive, Some(true));
        assert_eq!(parsed.settings[1].fields[0].env, ["SVC_host"]);
        let v1 = "from pydantic import BaseSettings, Field\nclass S(BaseSettings):\n    key: str = Field(..., env=\"SECRET\")\n    class Config:\n        env_prefix = \"OLD_\"\n";
        assert_eq!(env(v1), [("key".to_string(), vec!["SECRET".to_string()])]);
    }
}
