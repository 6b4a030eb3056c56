//! Secrets are never printed: every finding shows a redacted form.

/// How many leading characters of a secret of `n` characters may be shown:
/// four, but never more than a quarter of a short value.
fn shown(n: usize) -> usize {
    if n >= 16 { 4 } else { n / 4 }
}

/// The first characters of a secret, then a mask: `hunt********`.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let shown = shown(n);
    let head: String = secret.chars().take(shown).collect();
    format!("{head}{}", "*".repeat((n - shown).clamp(3, 12)))
}

/// Masks the bytes of `secret` inside `text` in place, keeping byte
/// length so that spans into the text stay valid.
pub fn mask_in_place(text: &mut String, start: usize, end: usize) {
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let shown = shown(slice.chars().count());
    let keep: usize = slice.chars().take(shown).map(char::len_utf8).sum();
    let masked = format!("{}{}", &slice[..keep], "*".repeat(slice.len() - keep));
    text.replace_range(start..end, &masked);
}

/// Masks every byte of `start..end` inside `text` in place (the rest of a
/// secret whose beginning is already masked), keeping byte length.
pub fn mask_in_place_fully(text: &mut String, start: usize, end: usize) {
    if text.get(start..end).is_none() {
        return;
    }
    text.replace_range(start..end, &"*".repeat(end - start));
}

/// Values that stand in for a secret rather than being one.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || (v.starts_with('<') && v.ends_with('>'))
        || v.starts_with("${")
        || v.chars()
            .all(|c| c == '*' || c == 'x' || c == 'X' || c == '.')
        || [
            "changeme",
            "change-me",
            "example",
            "placeholder",
            "your-",
            "dummy",
            "todo",
            "replace",
        ]
        .iter()
        .any(|p| lower.contains(p))
        || lower.starts_with("your")
        || says_change_me(&lower)
}

/// `change-this-in-production`, `ThisShouldBeChangedInProduction`,
/// `set_me`, `not-a-secret`: a phrase that asks for a value, whatever
/// its separators and case.
fn says_change_me(lower: &str) -> bool {
    let letters: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    [
        "changethis",
        "changeit",
        "changeinprod",
        "shouldbechanged",
        "mustbechanged",
        "tobechanged",
        "setme",
        "fillme",
        "notasecret",
        "insertyour",
        "putyour",
    ]
    .iter()
    .any(|p| letters.contains(p))
}

/// Shannon entropy in bits per character: random keys score above 4,
/// words and repeated characters well below 3.
pub fn entropy(value: &str) -> f64 {
    let n = value.chars().count();
    if n == 0 {
        return 0.0;
    }
    // Counted in a table for ASCII (every value this is asked about is
    // mostly ASCII), in a sorted list beyond it; summed in that order.
    let mut ascii = [0usize; 128];
    let mut other: Vec<char> = Vec::new();
    for c in value.chars() {
        match ascii.get_mut(c as usize) {
            Some(k) => *k += 1,
            None => other.push(c),
        }
    }
    other.sort_unstable();
    let mut others: Vec<usize> = Vec::new();
    for run in other.chunk_by(|a, b| a == b) {
        others.push(run.len());
    }
    ascii
        .iter()
        .copied()
        .filter(|k| *k > 0)
        .chain(others)
        .map(|k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_most_of_the_value() {
        assert_eq!(redact("s3cr3t-value-1234"), "s3cr************");
        assert_eq!(redact("abc"), "***");
        let mut t = "KEY=hunter2hunter2\n".to_string();
        mask_in_place(&mut t, 4, 18);
        assert_eq!(t, "KEY=hun***********\n");
    }
}
