//! The audit in the terminal: a section per group, a mark per item, the
//! evidence of fails (of every item with `--verbose`), then score,
//! coverage, level and the next step.

use super::{Scorecard, item_level};
use crate::audit::State;
use crate::report::excerpt::terminal_safe;
use std::fmt::Write;

/// Evidence lines shown per item.
const SHOWN: usize = 5;

pub fn render(card: &Scorecard, verbose: bool) -> String {
    let mut out = String::new();
    for s in crate::audit::Section::ALL {
        let _ = writeln!(out, "{}", s.title());
        for i in card.section(s) {
            let _ = writeln!(
                out,
                "  {} {:<22} {:<50} {:<7} {}",
                i.state.mark(),
                i.def.id,
                i.def.title,
                item_level(i),
                i.state.name()
            );
            let show = verbose || i.state == State::Fail;
            if matches!(
                i.state,
                State::Unknown | State::NotApplicable | State::Waived
            ) || show
            {
                let _ = writeln!(out, "      {}", terminal_safe(&i.reason));
            }
            if show {
                for e in i
                    .evidence
                    .iter()
                    .take(if verbose { usize::MAX } else { SHOWN })
                {
                    let rule = e.rule.map_or(String::new(), |r| format!("{r} "));
                    let _ = writeln!(
                        out,
                        "      {}:{}:{} {rule}{}",
                        terminal_safe(&e.file),
                        e.line,
                        e.column,
                        terminal_safe(&e.message)
                    );
                }
                let hidden = i.evidence.len().saturating_sub(SHOWN);
                if !verbose && hidden > 0 {
                    let _ = writeln!(out, "      … {hidden} more (--verbose)");
                }
            }
        }
        out.push('\n');
    }
    let sm = &card.summary;
    let _ = writeln!(
        out,
        "Score {:.1}% (coverage {:.1}%): {}{}",
        sm.score,
        sm.coverage,
        card.level_name(),
        if sm.capped {
            " (a critical item fails)"
        } else {
            ""
        }
    );
    let changes = super::compare::lines(card);
    if !changes.is_empty() {
        let _ = writeln!(out, "Since the previous audit:");
        for l in changes {
            let _ = writeln!(out, "  {}", terminal_safe(&l));
        }
    }
    if let Some(next) = sm.level.next() {
        if sm.next_steps.is_empty() {
            let _ = writeln!(out, "Next step: nothing blocks {}", next.name());
        } else {
            let _ = writeln!(out, "Next step, for {}:", next.name());
            for &n in &sm.next_steps {
                if let Some(i) = card.items.get(n) {
                    let _ = writeln!(
                        out,
                        "  {} {} ({}): {}",
                        i.state.mark(),
                        i.def.id,
                        i.state.name(),
                        terminal_safe(&i.reason)
                    );
                }
            }
        }
    }
    out
}
