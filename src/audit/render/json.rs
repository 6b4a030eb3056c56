//! The audit as JSON: the whole model, versioned like `check`'s JSON
//! (fields are only ever added).

use super::Scorecard;
use serde::Serialize;

/// Bumped only if a field changes meaning; new fields keep it.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    repository: &'a str,
    level: &'static str,
    score: f64,
    coverage: f64,
    /// A critical fail capped the level at `not ready`.
    capped: bool,
    sections: Vec<SectionOut<'a>>,
    next_steps: Vec<StepOut<'a>>,
    /// With `--compare`: the previous audit's headline and the items
    /// whose state changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    compare: Option<CompareOut<'a>>,
}

#[derive(Serialize)]
struct CompareOut<'a> {
    level: &'a str,
    score: f64,
    coverage: f64,
    changes: Vec<ChangeOut<'a>>,
}

#[derive(Serialize)]
struct ChangeOut<'a> {
    id: &'a str,
    before: &'a str,
    after: &'a str,
}

#[derive(Serialize)]
struct SectionOut<'a> {
    id: &'static str,
    title: &'static str,
    items: Vec<ItemOut<'a>>,
}

#[derive(Serialize)]
struct ItemOut<'a> {
    id: &'static str,
    title: &'static str,
    level: Option<&'static str>,
    weight: u32,
    state: &'static str,
    critical: bool,
    reason: &'a str,
    evidence: Vec<EvidenceOut<'a>>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    rule: Option<&'static str>,
}

#[derive(Serialize)]
struct StepOut<'a> {
    id: &'static str,
    title: &'static str,
    state: &'static str,
    reason: &'a str,
}

pub fn render(card: &Scorecard) -> String {
    let out = Out {
        version: VERSION,
        tool: "prodlint",
        tool_version: env!("CARGO_PKG_VERSION"),
        repository: &card.repository,
        level: card.level_name(),
        score: card.summary.score,
        coverage: card.summary.coverage,
        capped: card.summary.capped,
        sections: crate::audit::Section::ALL
            .iter()
            .map(|s| SectionOut {
                id: s.id(),
                title: s.title(),
                items: card
                    .section(*s)
                    .map(|i| ItemOut {
                        id: i.def.id,
                        title: i.def.title,
                        level: i.def.level.map(|l| l.name()),
                        weight: i.def.weight,
                        state: i.state.name(),
                        critical: i.critical,
                        reason: &i.reason,
                        evidence: i
                            .evidence
                            .iter()
                            .map(|e| EvidenceOut {
                                file: &e.file,
                                line: e.line,
                                column: e.column,
                                message: &e.message,
                                rule: e.rule,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        next_steps: card
            .summary
            .next_steps
            .iter()
            .filter_map(|&n| card.items.get(n))
            .map(|i| StepOut {
                id: i.def.id,
                title: i.def.title,
                state: i.state.name(),
                reason: &i.reason,
            })
            .collect(),
        compare: card.compare.as_ref().map(|c| CompareOut {
            level: &c.level,
            score: c.score,
            coverage: c.coverage,
            changes: c
                .changes
                .iter()
                .map(|(id, before, after)| ChangeOut { id, before, after })
                .collect(),
        }),
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}
