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
}

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsClass {
    pub name: String,
    pub name_span: Span,
    pub fields: Vec<Field>,
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
        let is_settings = bases
            .iter()
            .filter_map(&resolve)
            .any(|b| is_base_settings(&b) || settings_names.contains(&b));
        if !is_settings {
            continue;
        }
        settings_names.push(c.name.to_string());
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
            fields.push(Field {
                name: n.id.to_string(),
                name_span: span(a.target.as_ref()),
                annotation: text.get(ann.start..ann.end).unwrap_or("").to_string(),
                annotation_span: ann,
                default,
            });
        }
        out.push(SettingsClass {
            name: c.name.to_string(),
            name_span: span(&c.name),
            fields,
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
    let Expr::Call(c) = v else { return None };
    let is_field = imports
        .dotted(&c.func)
        .is_some_and(|f| f == "Field" || f.ends_with(".Field"));
    if !is_field {
        return None;
    }
    let arg = c
        .arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "default"))
        .map(|k| &k.value)
        .or_else(|| c.arguments.args.first())?;
    lit(arg)
}
