//! The audit as one self-contained HTML file: no external asset (it
//! opens offline), the level, the score as a gauge and the sections as
//! bars in inline SVG, each item expandable with its evidence, linked to
//! the file (at the commit, on GitHub, when run in a workflow).

use super::{Scorecard, item_level};
use crate::audit::{Section, State};
use std::fmt::Write;

/// Text as HTML: every markup character escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// A path as a URL path: each byte outside the unreserved set escaped.
fn url_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Where evidence links point: the file at the commit on GitHub when the
/// workflow's variables say which (`GITHUB_SERVER_URL`,
/// `GITHUB_REPOSITORY`, `GITHUB_SHA`), else the path itself.
pub struct Links {
    base: Option<String>,
}

impl Links {
    pub fn from_env() -> Self {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        let base = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha))
                if server.starts_with("https://")
                    && repo
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
                    && sha.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                Some(format!(
                    "{}/{repo}/blob/{sha}/",
                    server.trim_end_matches('/')
                ))
            }
            _ => None,
        };
        Links { base }
    }

    pub fn none() -> Self {
        Links { base: None }
    }

    fn href(&self, file: &str, line: usize) -> String {
        let path = url_path(file.trim_start_matches("./"));
        match &self.base {
            Some(b) if !file.starts_with("..") && !file.starts_with('/') => {
                format!("{b}{path}#L{line}")
            }
            _ => path,
        }
    }
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1f}\
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}\
.head{display:flex;gap:2rem;align-items:center}.level{font-size:1.3rem;font-weight:600;text-transform:capitalize}\
details{border:1px solid #d8d8dc;border-radius:6px;margin:.3rem 0;padding:.35rem .6rem}\
summary{cursor:pointer}.mark{display:inline-block;width:1.4em;font-weight:700}\
.pass .mark{color:#1a7f37}.fail .mark{color:#cf222e}.unknown .mark{color:#9a6700}.na .mark,.waived .mark{color:#6e7781}\
.id{font-family:ui-monospace,monospace;font-size:.85em;color:#57606a}.reason{color:#57606a;margin:.3rem 0}\
ul{margin:.2rem 0;padding-left:1.2rem}code{font-family:ui-monospace,monospace;font-size:.9em}\
.next li{margin:.2rem 0}";

fn state_class(s: State) -> &'static str {
    match s {
        State::Pass => "pass",
        State::Fail => "fail",
        State::Unknown => "unknown",
        State::NotApplicable => "na",
        State::Waived => "waived",
    }
}

/// The score as a half-circle gauge.
fn gauge(score: f64) -> String {
    let frac = (score / 100.0).clamp(0.0, 1.0);
    let angle = std::f64::consts::PI * (1.0 - frac);
    let (x, y) = (60.0 + 50.0 * angle.cos(), 60.0 - 50.0 * angle.sin());
    let color = if score >= 80.0 {
        "#1a7f37"
    } else if score >= 50.0 {
        "#9a6700"
    } else {
        "#cf222e"
    };
    let arc = if frac > 0.0 {
        format!(
            "<path d=\"M10 60 A50 50 0 0 1 {x:.2} {y:.2}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"12\"/>"
        )
    } else {
        String::new()
    };
    format!(
        "<svg id=\"gauge\" width=\"120\" height=\"72\" viewBox=\"0 0 120 72\" role=\"img\" aria-label=\"score {score:.1}%\">\
<path d=\"M10 60 A50 50 0 0 1 110 60\" fill=\"none\" stroke=\"#e1e4e8\" stroke-width=\"12\"/>{arc}\
<text x=\"60\" y=\"58\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"600\">{score:.1}%</text></svg>"
    )
}

/// A section's items as one bar: passed, failed and unknown weight.
fn bar(card: &Scorecard, s: Section) -> String {
    let (mut pass, mut fail, mut unknown) = (0u32, 0u32, 0u32);
    for i in card.section(s) {
        match i.state {
            State::Pass => pass += i.def.weight,
            State::Fail => fail += i.def.weight,
            State::Unknown => unknown += i.def.weight,
            State::NotApplicable | State::Waived => {}
        }
    }
    let total = (pass + fail + unknown).max(1);
    let w = |n: u32| f64::from(n) * 300.0 / f64::from(total);
    let (wp, wf, wu) = (w(pass), w(fail), w(unknown));
    format!(
        "<svg class=\"bar\" data-section=\"{id}\" width=\"300\" height=\"12\" viewBox=\"0 0 300 12\" role=\"img\" aria-label=\"{title}: {pass} passed, {fail} failed, {unknown} unknown (by weight)\">\
<rect x=\"0\" width=\"{wp:.1}\" height=\"12\" fill=\"#1a7f37\"/><rect x=\"{wp:.1}\" width=\"{wf:.1}\" height=\"12\" fill=\"#cf222e\"/>\
<rect x=\"{x2:.1}\" width=\"{wu:.1}\" height=\"12\" fill=\"#d4a72c\"/></svg>",
        id = s.id(),
        title = s.title(),
        x2 = wp + wf,
    )
}

pub fn render(card: &Scorecard, links: &Links) -> String {
    let sm = &card.summary;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>prodlint audit: {}</title><style>{STYLE}</style></head><body>\n",
        esc(card.level_name())
    );
    let _ = writeln!(
        out,
        "<div class=\"head\"><div><h1>prodlint audit</h1><div class=\"level\" id=\"level\">{}</div>\
<div id=\"repository\">{}</div><div>coverage <span id=\"coverage\">{:.1}%</span>{}</div></div>{}</div>",
        esc(card.level_name()),
        esc(&card.repository),
        sm.coverage,
        if sm.capped {
            " · a critical item fails"
        } else {
            ""
        },
        gauge(sm.score)
    );
    let changes = super::compare::lines(card);
    if !changes.is_empty() {
        out.push_str("<h2>Since the previous audit</h2><ul id=\"changes\">");
        for l in changes {
            let _ = write!(out, "<li>{}</li>", esc(&l));
        }
        out.push_str("</ul>\n");
    }
    if let Some(next) = sm.level.next()
        && !sm.next_steps.is_empty()
    {
        let _ = writeln!(
            out,
            "<h2>Next step, for {}</h2><ul class=\"next\">",
            next.name()
        );
        for &n in &sm.next_steps {
            if let Some(i) = card.items.get(n) {
                let _ = writeln!(
                    out,
                    "<li><code>{}</code> {}: {}</li>",
                    esc(i.def.id),
                    esc(i.def.title),
                    esc(&i.reason)
                );
            }
        }
        out.push_str("</ul>\n");
    }
    for s in Section::ALL {
        let _ = writeln!(
            out,
            "<section id=\"{}\"><h2>{} {}</h2>",
            s.id(),
            s.title(),
            bar(card, s)
        );
        for i in card.section(s) {
            let _ = write!(
                out,
                "<details class=\"item {}\" id=\"{}\" data-state=\"{}\"><summary><span class=\"mark\">{}</span>{} <span class=\"id\">{} · {} · {}</span></summary>\
<div class=\"reason\">{}</div>",
                state_class(i.state),
                esc(i.def.id),
                esc(i.state.name()),
                i.state.mark(),
                esc(i.def.title),
                esc(i.def.id),
                match item_level(i) {
                    "-" => "no level",
                    l => l,
                },
                esc(i.state.name()),
                esc(&i.reason)
            );
            if !i.evidence.is_empty() {
                out.push_str("<ul>");
                for e in &i.evidence {
                    let rule = e.rule.map_or(String::new(), |r| format!("{r} "));
                    let _ = write!(
                        out,
                        "<li><a href=\"{}\"><code>{}:{}:{}</code></a> {}{}</li>",
                        esc(&links.href(&e.file, e.line)),
                        esc(&e.file),
                        e.line,
                        e.column,
                        esc(&rule),
                        esc(&e.message)
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</details>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_links_point_at_the_commit_on_github() {
        let links = Links {
            base: Some("https://github.com/acme/api/blob/0123abc/".to_string()),
        };
        assert_eq!(
            links.href("app/main py.py", 7),
            "https://github.com/acme/api/blob/0123abc/app/main%20py.py#L7"
        );
        // Outside the checkout: a plain path, never a link elsewhere.
        assert_eq!(links.href("../other/x.py", 1), "../other/x.py");
        assert_eq!(Links::none().href("./Dockerfile", 3), "Dockerfile");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
