//! Durations, written once for every file kind that has them: compose
//! (`1m30s`), systemd (`1min 30s`, `infinity`), and the seconds a
//! `sleep` command waits (a Kubernetes `preStop` hook).

/// A compose duration (`10s`, `1m30s`, `500ms`, `1h`) in seconds.
pub fn compose(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let f = match &rest[..unit_end] {
            "" | "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * f;
        rest = &rest[unit_end..];
    }
    Some(total)
}

/// A systemd time span in seconds (`90`, `1min 30s`, `500ms`); `None` for
/// `infinity` or what does not parse.
pub fn systemd(span: &str) -> Option<f64> {
    let s = span.trim();
    if s.is_empty() || s == "infinity" {
        return None;
    }
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = rest[num_end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "" | "s" | "sec" | "second" | "seconds" => 1.0,
            "ms" | "msec" => 0.001,
            "us" | "usec" => 0.000_001,
            "m" | "min" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hour" | "hours" => 3600.0,
            _ => return None,
        };
        total += n * factor;
        rest = &rest[unit_end..];
    }
    Some(total)
}

/// The seconds the first `sleep N` of a command's text waits (`sh -c
/// "sleep 5 && nginx -s quit"`, `["sleep", "10"]` joined); whole seconds,
/// with an `s` suffix allowed.
pub fn sleep_in(command: &str) -> Option<i64> {
    let after = command.split("sleep").nth(1)?;
    let n = after
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_ascii_digit());
    n.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_durations() {
        assert_eq!(compose("10s"), Some(10.0));
        assert_eq!(compose("1m30s"), Some(90.0));
        assert_eq!(compose("500ms"), Some(0.5));
        assert_eq!(compose("soon"), None);
    }

    #[test]
    fn systemd_spans() {
        assert_eq!(systemd("90"), Some(90.0));
        assert_eq!(systemd("1min 30s"), Some(90.0));
        assert_eq!(systemd("2m"), Some(120.0));
        assert_eq!(systemd("500ms"), Some(0.5));
        assert_eq!(systemd("infinity"), None);
        assert_eq!(systemd("soon"), None);
    }

    #[test]
    fn sleeps() {
        assert_eq!(sleep_in("sh -c sleep 5 && nginx -s quit"), Some(5));
        assert_eq!(sleep_in("sleep 10s"), Some(10));
        assert_eq!(sleep_in("nginx -s quit"), None);
    }
}
