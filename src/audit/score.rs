//! The headline: score, coverage, level and the next steps.

use super::{ItemResult, Level, State};

#[derive(Debug, Clone)]
pub struct Summary {
    /// Σ weight passed ÷ Σ weight decided, in percent (100 when nothing
    /// is decided: coverage says so).
    pub score: f64,
    /// Σ weight decided ÷ Σ weight applicable, in percent: making items
    /// unknown cannot raise the score unseen.
    pub coverage: f64,
    pub level: Level,
    /// A critical fail capped the level.
    pub capped: bool,
    /// Indexes of the items to do next: the failed and unknown items of
    /// the next level, cheapest first.
    pub next_steps: Vec<usize>,
}

/// One decimal, so that reports and gates agree.
fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
}

pub fn summarize(items: &[ItemResult]) -> Summary {
    let (mut passed, mut decided, mut applicable) = (0, 0, 0);
    for i in items {
        let w = i.def.weight;
        match i.state {
            State::Pass => {
                passed += w;
                decided += w;
                applicable += w;
            }
            State::Fail => {
                decided += w;
                applicable += w;
            }
            State::Unknown => applicable += w,
            State::NotApplicable | State::Waived => {}
        }
    }
    let capped = items.iter().any(|i| i.state == State::Fail && i.critical);
    // The highest level whose items, and those of the levels below, are
    // all pass, n/a or waived: an unknown item blocks its level.
    let mut level = Level::NotReady;
    if !capped {
        for l in [Level::Bronze, Level::Silver, Level::Gold] {
            let met = items
                .iter()
                .filter(|i| i.def.level.is_some_and(|il| il <= l))
                .all(|i| matches!(i.state, State::Pass | State::NotApplicable | State::Waived));
            if !met {
                break;
            }
            level = l;
        }
    }
    let mut next_steps: Vec<usize> = match level.next() {
        Some(next) => items
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.def.level.is_some_and(|l| l <= next)
                    && matches!(i.state, State::Fail | State::Unknown)
            })
            .map(|(n, _)| n)
            .collect(),
        None => Vec::new(),
    };
    // Cheapest first: critical fails before all (they cap the level),
    // then fails with the fewest findings to fix, then unknowns (one
    // piece of evidence, or a waiver, decides them); the catalogue's
    // order breaks ties.
    next_steps.sort_by_key(|&n| {
        let i = &items[n];
        (!i.critical, i.state != State::Fail, i.evidence.len(), n)
    });
    Summary {
        score: percent(passed, decided),
        coverage: percent(decided, applicable),
        level,
        capped,
        next_steps,
    }
}
