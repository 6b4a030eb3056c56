//! The audit's reports: terminal, JSON, Markdown.

pub mod compare;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;

use super::ItemResult;
use super::score::Summary;

/// What every report renders.
pub struct Scorecard {
    /// What was audited: the repository a workflow names
    /// (`GITHUB_REPOSITORY`), else the folder's name.
    pub repository: String,
    pub items: Vec<ItemResult>,
    pub summary: Summary,
    /// What changed since a previous audit (`--compare`).
    pub compare: Option<compare::Comparison>,
}

impl Scorecard {
    pub fn new(repository: String, items: Vec<ItemResult>) -> Self {
        let summary = super::score::summarize(&items);
        Self {
            repository,
            items,
            summary,
            compare: None,
        }
    }

    /// The items of a section, in catalogue order.
    pub fn section(&self, s: super::Section) -> impl Iterator<Item = &ItemResult> {
        self.items.iter().filter(move |i| i.def.section == s)
    }

    pub fn level_name(&self) -> &'static str {
        self.summary.level.name()
    }
}

/// `bronze` for an item's level, `-` for none.
pub fn item_level(i: &ItemResult) -> &'static str {
    i.def.level.map_or("-", |l| l.name())
}
