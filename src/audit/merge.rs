//! `prodlint audit merge a.json b.json …`: the JSON audits of many
//! repositories (each made by the Action in its own workflow) as one
//! table, a row per repository with its level, score, coverage and
//! failing items; human, JSON, Markdown and HTML.

use crate::cli::{AuditFormat, MergeArgs};
use crate::run::{EXIT_OK, fail};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub repository: String,
    pub level: String,
    pub score: f64,
    pub coverage: f64,
    pub failing: Vec<String>,
    pub unknown: Vec<String>,
}

/// One audit's row; `name` when the audit does not name its repository.
pub fn row(json: &str, name: &str) -> Result<Row, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not an audit's JSON: {e}"))?;
    let level = v["level"]
        .as_str()
        .ok_or("not an audit's JSON: no `level`")?;
    let score = v["score"]
        .as_f64()
        .ok_or("not an audit's JSON: no `score`")?;
    let (mut failing, mut unknown) = (Vec::new(), Vec::new());
    for s in v["sections"].as_array().into_iter().flatten() {
        for i in s["items"].as_array().into_iter().flatten() {
            let id = i["id"].as_str().unwrap_or_default().to_string();
            match i["state"].as_str() {
                Some("fail") => failing.push(id),
                Some("unknown") => unknown.push(id),
                _ => {}
            }
        }
    }
    Ok(Row {
        repository: v["repository"]
            .as_str()
            .filter(|r| !r.is_empty())
            .unwrap_or(name)
            .to_string(),
        level: level.to_string(),
        score,
        coverage: v["coverage"].as_f64().unwrap_or(0.0),
        failing,
        unknown,
    })
}

fn human(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<32} {:<10} {:>7} {:>9}  failing\n",
        "repository", "level", "score", "coverage"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<32} {:<10} {:>6.1}% {:>8.1}%  {}",
            crate::report::excerpt::terminal_safe(&r.repository),
            crate::report::excerpt::terminal_safe(&r.level),
            r.score,
            r.coverage,
            crate::report::excerpt::terminal_safe(&r.failing.join(" "))
        );
    }
    out
}

fn markdown(rows: &[Row]) -> String {
    use super::render::markdown::{LIMIT, cell, code};
    let mut out = String::from(
        "<!-- prodlint-audit-fleet -->\n## prodlint audit: the fleet\n\n| repository | level | score | coverage | failing |\n|---|---|---|---|---|\n",
    );
    let note =
        "\n_More repositories than fit the comment limit: `--format json` lists them all._\n";
    let mut used = out.chars().count();
    for r in rows {
        let row = format!(
            "| {} | {} | {:.1}% | {:.1}% | {} |\n",
            cell(&r.repository),
            cell(&r.level),
            r.score,
            r.coverage,
            r.failing
                .iter()
                .take(40)
                .map(|f| format!("`{}`", code(f)))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let n = row.chars().count();
        if used + n + note.chars().count() > LIMIT {
            out.push_str(note);
            break;
        }
        out.push_str(&row);
        used += n;
    }
    out
}

fn html(rows: &[Row]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>prodlint audit: the fleet</title>\
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8d8dc;padding:.3rem .5rem;text-align:left}\
code{font-family:ui-monospace,monospace;font-size:.85em}</style></head><body>\n<h1>prodlint audit: the fleet</h1>\n\
<table id=\"fleet\"><tr><th>repository</th><th>level</th><th>score</th><th>coverage</th><th>failing</th></tr>\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{:.1}%</td><td>{:.1}%</td><td>{}</td></tr>",
            esc(&r.repository),
            esc(&r.level),
            r.score,
            r.coverage,
            r.failing
                .iter()
                .map(|f| format!("<code>{}</code>", esc(f)))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    out.push_str("</table></body></html>\n");
    out
}

pub fn run(args: MergeArgs) -> i32 {
    let mut rows = Vec::new();
    for p in &args.audits {
        let text = match crate::read::bytes(p, 64 << 20) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return fail(format!("{}: {e}", p.display())),
        };
        let name = p
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match row(&text, &name) {
            Ok(r) => rows.push(r),
            Err(e) => return fail(format!("{}: {e}", p.display())),
        }
    }
    rows.sort_by(|a, b| a.repository.cmp(&b.repository));
    let text = match args.format {
        AuditFormat::Human => human(&rows),
        AuditFormat::Markdown => markdown(&rows),
        AuditFormat::Html => html(&rows),
        AuditFormat::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                version: u32,
                repositories: &'a [Row],
            }
            let mut s = serde_json::to_string_pretty(&Out {
                version: super::render::json::VERSION,
                repositories: &rows,
            })
            .unwrap_or_default();
            s.push('\n');
            s
        }
    };
    match crate::run::write_output(args.output.as_ref(), &[text.as_bytes()]) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(e),
    }
}
