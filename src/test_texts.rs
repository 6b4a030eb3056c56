//! Texts generated for the tests that hold a fast reading of text to
//! std's (paths, lines, names): every concatenation of a few pieces.

/// Every text made of up to `n` of `pieces` in a row (repeats allowed),
/// sorted, each once.
pub fn concatenations(pieces: &[&str], n: usize) -> Vec<String> {
    let mut texts = vec![String::new()];
    for _ in 0..n {
        let mut next = Vec::new();
        for t in &texts {
            for p in pieces {
                next.push(format!("{t}{p}"));
            }
        }
        texts.extend(next);
        texts.sort();
        texts.dedup();
    }
    texts
}
