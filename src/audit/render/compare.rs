//! `--compare previous.json`: what changed since a previous audit — the
//! items newly passing or failing (and any other change of state), the
//! score and the level before and after.

use super::Scorecard;

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub level: String,
    pub score: f64,
    pub coverage: f64,
    /// Items whose state changed: (id, before, after); an item the
    /// previous audit did not have is `new` before.
    pub changes: Vec<(String, String, String)>,
}

impl Comparison {
    pub fn newly(&self, state: &str) -> impl Iterator<Item = &(String, String, String)> {
        self.changes
            .iter()
            .filter(move |(_, b, a)| a == state && b != state)
    }
}

/// Reads a previous audit's JSON (any version: only fields every version
/// has are read) and compares it with this one.
pub fn compare(card: &Scorecard, previous: &str) -> Result<Comparison, String> {
    let v: serde_json::Value =
        serde_json::from_str(previous).map_err(|e| format!("not an audit's JSON: {e}"))?;
    let level = v["level"]
        .as_str()
        .ok_or("not an audit's JSON: no `level`")?
        .to_string();
    let score = v["score"]
        .as_f64()
        .ok_or("not an audit's JSON: no `score`")?;
    let coverage = v["coverage"].as_f64().unwrap_or(0.0);
    let mut before = std::collections::BTreeMap::new();
    for s in v["sections"].as_array().into_iter().flatten() {
        for i in s["items"].as_array().into_iter().flatten() {
            if let (Some(id), Some(state)) = (i["id"].as_str(), i["state"].as_str()) {
                before.insert(id.to_string(), state.to_string());
            }
        }
    }
    let changes = card
        .items
        .iter()
        .filter_map(|i| {
            let now = i.state.name();
            let was = before.get(i.def.id).map_or("new", String::as_str);
            (was != now).then(|| (i.def.id.to_string(), was.to_string(), now.to_string()))
        })
        .collect();
    Ok(Comparison {
        level,
        score,
        coverage,
        changes,
    })
}

/// The comparison as lines of text, for the terminal and Markdown.
pub fn lines(card: &Scorecard) -> Vec<String> {
    let Some(c) = &card.compare else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "level {} → {}, score {:.1}% → {:.1}%, coverage {:.1}% → {:.1}%",
        c.level,
        card.level_name(),
        c.score,
        card.summary.score,
        c.coverage,
        card.summary.coverage
    )];
    if c.changes.is_empty() {
        out.push("no item changed".to_string());
    }
    for (id, before, after) in &c.changes {
        out.push(format!("{id}: {before} → {after}"));
    }
    out
}
