//! The audit in Markdown, for a job summary or a pull-request comment:
//! starts with a stable marker (the Action finds its comment by it) and
//! fits GitHub's comment limit, folding detail into `<details>` blocks
//! and dropping whole blocks, never half of one, when it would not.

use super::{Scorecard, item_level};
use crate::audit::State;
use std::fmt::Write;

pub const MARKER: &str = "<!-- prodlint-audit -->";

/// GitHub refuses comments over 65,536 characters.
pub const LIMIT: usize = 65_536;

/// Characters of a reason or a message shown, at most: names from the
/// repository may be any length, and the comment has a limit.
const MAX_TEXT: usize = 300;

/// Text safe in a Markdown table cell or list item: every ASCII
/// punctuation mark backslash-escaped (no link, image, emphasis or code
/// span can be made from it), HTML's characters as entities, no line
/// break or control character; at most [`MAX_TEXT`] characters.
pub fn cell(s: &str) -> String {
    bounded(s, |out, c| match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '\n' | '\r' | '\t' => out.push(' '),
        c if c.is_control() => {}
        c if c.is_ascii_punctuation() => {
            out.push('\\');
            out.push(c);
        }
        c => out.push(c),
    })
}

/// `s` with each character written by `push`, cut at [`MAX_TEXT`]
/// characters with an ellipsis.
fn bounded(s: &str, mut push: impl FnMut(&mut String, char)) -> String {
    let mut out = String::with_capacity(s.len());
    for (n, c) in s.chars().enumerate() {
        if n == MAX_TEXT {
            out.push('…');
            break;
        }
        push(&mut out, c);
    }
    out
}

/// Text inside a code span: no backtick can close it early, a pipe
/// cannot split a table cell, no line break; at most [`MAX_TEXT`].
pub fn code(s: &str) -> String {
    bounded(s, |out, c| match c {
        '`' => out.push('\''),
        '|' => out.push_str("\\|"),
        c if c.is_control() => out.push(' '),
        c => out.push(c),
    })
}

pub fn render(card: &Scorecard) -> String {
    render_within(card, LIMIT)
}

/// The report in at most `limit` characters.
pub fn render_within(card: &Scorecard, limit: usize) -> String {
    let sm = &card.summary;
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let _ = writeln!(head, "## prodlint audit: {}\n", card.level_name());
    let _ = writeln!(
        head,
        "**Score {:.1}%** · coverage {:.1}%{}\n",
        sm.score,
        sm.coverage,
        if sm.capped {
            " · a critical item fails"
        } else {
            ""
        }
    );
    let changes = super::compare::lines(card);
    if !changes.is_empty() {
        let _ = writeln!(head, "**Since the previous audit:**\n");
        for l in changes {
            let _ = writeln!(head, "- {}", cell(&l));
        }
        head.push('\n');
    }
    if let Some(next) = sm.level.next()
        && !sm.next_steps.is_empty()
    {
        {
            let _ = writeln!(head, "**Next step, for {}:**\n", next.name());
            for &n in &sm.next_steps {
                if let Some(i) = card.items.get(n) {
                    let _ = writeln!(
                        head,
                        "- {} `{}` {}: {}",
                        i.state.mark(),
                        i.def.id,
                        cell(i.def.title),
                        cell(&i.reason)
                    );
                }
            }
            head.push('\n');
        }
    }
    // The table: one row per item.
    let mut table = String::new();
    let _ = writeln!(table, "| | item | level | state | why |");
    let _ = writeln!(table, "|---|---|---|---|---|");
    for s in crate::audit::Section::ALL {
        for i in card.section(s) {
            let _ = writeln!(
                table,
                "| {} | `{}` {} | {} | {} | {} |",
                i.state.mark(),
                i.def.id,
                cell(i.def.title),
                item_level(i),
                i.state.name(),
                cell(&i.reason)
            );
        }
    }
    table.push('\n');
    // Evidence, one folded block per item that has any.
    let mut blocks = Vec::new();
    for i in &card.items {
        if i.evidence.is_empty() || i.state == State::Waived {
            continue;
        }
        let mut b = String::new();
        let _ = writeln!(
            b,
            "<details><summary>{} {} — {}</summary>\n",
            i.state.mark(),
            i.def.id,
            i.state.name()
        );
        for e in &i.evidence {
            let rule = e.rule.map_or(String::new(), |r| format!("{r} "));
            let _ = writeln!(
                b,
                "- `{}:{}:{}` {rule}{}",
                code(&e.file),
                e.line,
                e.column,
                cell(&e.message)
            );
        }
        let _ = writeln!(b, "\n</details>\n");
        blocks.push(b);
    }
    // The head is short (reasons are clipped), but a previous audit given
    // to `--compare` may list anything: whole lines only, within the limit.
    let note = "_Some evidence was left out to fit the comment limit; `prodlint audit --format json` has all of it._\n";
    let room = limit.saturating_sub(note.chars().count());
    let mut out = String::new();
    let mut used = 0;
    for line in head.split_inclusive('\n') {
        let n = line.chars().count();
        if used + n > room {
            break;
        }
        out.push_str(line);
        used += n;
    }
    let table_fits = used + table.chars().count() <= room;
    if table_fits {
        out.push_str(&table);
        used += table.chars().count();
    }
    let mut dropped = !table_fits;
    for b in blocks {
        let n = b.chars().count();
        if used + n + note.chars().count() <= limit {
            out.push_str(&b);
            used += n;
        } else {
            dropped = true;
        }
    }
    if dropped && used + note.chars().count() <= limit {
        out.push_str(note);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Evidence, ItemResult, items};

    fn card(evidence: usize) -> Scorecard {
        let items = items::ALL
            .iter()
            .map(|def| ItemResult {
                def,
                state: State::Fail,
                evidence: (0..evidence)
                    .map(|n| Evidence {
                        file: "app/main.py".to_string(),
                        line: n + 1,
                        column: 1,
                        message: "a <b>finding</b> | with markup".to_string(),
                        rule: Some("PY001"),
                    })
                    .collect(),
                reason: "x".to_string(),
                critical: false,
            })
            .collect();
        Scorecard::new("acme/api".to_string(), items)
    }

    #[test]
    fn whole_blocks_are_dropped_to_fit_and_markup_is_escaped() {
        let c = card(20);
        let full = render_within(&c, LIMIT);
        assert!(full.contains("a &lt;b&gt;finding&lt;\\/b&gt; \\| with markup"));
        // Nothing from the repository makes a link or an image.
        assert_eq!(
            cell("![x](https://e/p.png) `c`"),
            "\\!\\[x\\]\\(https\\:\\/\\/e\\/p\\.png\\) \\`c\\`"
        );
        assert_eq!(code("a`b|c"), "a'b\\|c");
        let small = render_within(&c, 6000);
        assert!(small.chars().count() <= 6000);
        assert!(small.starts_with(MARKER));
        assert_eq!(
            small.matches("<details>").count(),
            small.matches("</details>").count()
        );
        assert!(small.matches("<details>").count() < full.matches("<details>").count());
        assert!(small.contains("left out to fit"));
    }
}
