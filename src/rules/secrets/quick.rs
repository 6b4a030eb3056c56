//! Necessary conditions for the costliest detector regexes, checked on a
//! line before its regex runs. Each one holds on every line its regex
//! matches (the tests hold them to that on generated lines), so refusing a
//! line changes no finding; and a run none of whose lines passes never
//! compiles the regex, which is most of the secret scan's cost on a run of
//! a few hundred files (the generic detector's regex alone takes half a
//! millisecond to build).

/// `\s` of the regexes: Unicode's White_Space, which `char` follows too.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// A `[:=]` at which `name_before` holds, then blanks, an optional quote
/// and at least `min` characters `in_class` accepts: the value part of the
/// `name = value` detectors.
fn value_after_separator(
    line: &str,
    min: usize,
    in_class: fn(char) -> bool,
    name_before: fn(&str) -> bool,
) -> bool {
    line.match_indices([':', '=']).any(|(at, _)| {
        let mut rest = line.get(at + 1..).unwrap_or_default().chars().peekable();
        while rest.next_if(|&c| is_space(c)).is_some() {}
        // A quote is skipped: the value's class holds none.
        rest.next_if(|&c| c == '"' || c == '\'');
        rest.take(min).filter(|&c| in_class(c)).count() == min
            && name_before(line.get(..at).unwrap_or_default())
    })
}

/// The generic detector's value class, `[A-Za-z0-9+/=_.~!@#%^&*-]` under
/// `(?i)`: Unicode case folding adds the Kelvin sign and the long s, so
/// every character outside ASCII is let through (the regex decides).
fn generic_value(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_alphanumeric() || "+/=_.~!@#%^&*-".contains(c)
}

/// The words the generic detector's name must hold, lower-cased.
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "privatekey",
    "private_key",
    "accesskey",
    "access_key",
];

/// Before a separator: blanks, an optional quote, and a run of the name's
/// characters (`[A-Za-z0-9_.-]`) holding one of [`SECRET_NAMES`] in any
/// case. A run with a character outside ASCII passes (case folding may
/// make one of the words of it).
fn secret_name_before(head: &str) -> bool {
    let mut end = head.len();
    let mut back = head.char_indices().rev().peekable();
    while let Some((at, _)) = back.next_if(|&(_, c)| is_space(c)) {
        end = at;
    }
    if let Some((at, _)) = back.next_if(|&(_, c)| c == '"' || c == '\'') {
        end = at;
    }
    let mut start = end;
    let mut folded = false;
    while let Some((at, c)) =
        back.next_if(|&(_, c)| !c.is_ascii() || c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        folded |= !c.is_ascii();
        start = at;
    }
    let Some(name) = head.get(start..end) else {
        return false;
    };
    if folded {
        return true;
    }
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|w| name.contains(w))
}

/// A random-looking value under a secret-like name: a name holding one of
/// the secret words, a separator, and the value's 16 characters.
pub fn generic(line: &str) -> bool {
    value_after_separator(line, 16, generic_value, secret_name_before)
}

/// The AWS secret access key's 40 characters of `[A-Za-z0-9/+=]`.
pub fn aws_secret(line: &str) -> bool {
    value_after_separator(
        line,
        40,
        |c| c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | '='),
        |_| true,
    )
}

/// Cohere's 40 letters and digits.
pub fn cohere(line: &str) -> bool {
    value_after_separator(line, 40, |c| c.is_ascii_alphanumeric(), |_| true)
}

/// `scheme://name:secret@`: after a `://`, a user without blanks, `/`,
/// `:`, `@` or quotes, a `:`, a password without blanks, `/`, `@` or
/// quotes, and the `@`.
pub fn url_password(line: &str) -> bool {
    let bytes = line.as_bytes();
    let stops_user = |b: &u8| {
        matches!(
            b,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'/' | b':' | b'@' | b'\'' | b'"'
        )
    };
    let stops_password = |b: &u8| {
        matches!(
            b,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'/' | b'@' | b'\'' | b'"'
        )
    };
    memchr::memmem::find_iter(bytes, b"://").any(|at| {
        let user = bytes.get(at + 3..).unwrap_or_default();
        let Some(colon) = user.iter().position(stops_user) else {
            return false;
        };
        if user.get(colon) != Some(&b':') {
            return false;
        }
        let password = user.get(colon + 1..).unwrap_or_default();
        let end = password.iter().position(stops_password);
        end.is_some_and(|end| end > 0 && password.get(end) == Some(&b'@'))
    })
}

/// Characters a command-line password may not start with (a reference:
/// `$VAR`, `{name}`, `<pw>`, `%s`, a quote, a blank).
fn starts_password(c: char, dash_too: bool) -> bool {
    !(is_space(c) || "\"'$`{<%".contains(c) || (dash_too && c == '-'))
}

/// After a flag at `at`: blanks (or `=` when `equals`), an optional quote
/// and a character a password may start with.
fn password_after(line: &str, at: usize, equals: bool) -> bool {
    let Some(rest) = line.get(at..) else {
        return false;
    };
    let mut rest = rest.chars().peekable();
    let mut blanks = 0;
    while rest.next_if(|&c| is_space(c)).is_some() {
        blanks += 1;
    }
    if blanks == 0 && !(equals && rest.next_if_eq(&'=').is_some()) {
        return false;
    }
    rest.next_if(|&c| c == '"' || c == '\'');
    rest.next().is_some_and(|c| starts_password(c, true))
}

/// A password on a command line: `-u user:pw` (a user and a password
/// around a `:`), `--password pw`, or `login … -p pw`.
pub fn command_line_password(line: &str) -> bool {
    user_and_password(line) || password_flag(line) || login_password(line)
}

/// `-u user:pw`, `-U user:pw`, `--user=user:pw`, `--proxy-user "user:pw"`:
/// a `:` between a user's character and a password's, the user's run
/// after the flag and its separator (blanks, or `=`; then an optional
/// quote). Each `:` looks back over the run of user characters before it
/// only: runs end at a `:`, so the line is read a bounded number of times.
fn user_and_password(line: &str) -> bool {
    if !line.contains("-u") && !line.contains("-U") {
        return false;
    }
    let in_user = |c: char| !is_space(c) && !":\"'$`{<%".contains(c);
    let flag_ends = |head: &str| ["-u", "-U", "-user"].iter().any(|f| head.ends_with(f));
    line.match_indices(':').any(|(at, _)| {
        let Some(head) = line.get(..at) else {
            return false;
        };
        if !line
            .get(at + 1..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| starts_password(c, false))
        {
            return false;
        }
        // The run of user characters before the `:`.
        let start = head
            .char_indices()
            .rev()
            .take_while(|&(_, c)| in_user(c))
            .last()
            .map_or(at, |(i, _)| i);
        let Some(run) = head.get(start..).filter(|r| !r.is_empty()) else {
            return false;
        };
        // `--user=bob:pw`: flag, `=` and user all in the run.
        let equals = ["-u=", "-U=", "-user="]
            .iter()
            .any(|f| run.match_indices(f).any(|(i, _)| i + f.len() < run.len()));
        // `-u bob:pw`, `-u "bob:pw`, `--user="bob:pw`.
        let mut before = head.get(..start).unwrap_or_default();
        if let Some(unquoted) = before.strip_suffix(['"', '\'']) {
            before = unquoted;
            if let Some(flag) = before.strip_suffix('=')
                && flag_ends(flag)
            {
                return true;
            }
        }
        let flag = before.trim_end_matches(is_space);
        equals || (flag.len() < before.len() && flag_ends(flag))
    })
}

/// `password` followed by `=` or blanks, an optional quote and a
/// password's first character (`--password`, `--http-password`, …).
fn password_flag(line: &str) -> bool {
    line.match_indices("password")
        .any(|(at, w)| password_after(line, at + w.len(), true))
}

/// `login`, then `-p` or `--password`, blanks, an optional quote and a
/// password's first character.
fn login_password(line: &str) -> bool {
    let Some(login) = line.find("login") else {
        return false;
    };
    let after = login + "login".len();
    line.match_indices("-p")
        .filter(|(at, _)| *at >= after)
        .any(|(at, _)| {
            let flag_end = at + 2;
            password_after(line, flag_end, false)
                || (line
                    .get(flag_end..)
                    .is_some_and(|t| t.starts_with("assword"))
                    && password_after(line, flag_end + "assword".len(), false))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::secrets::detectors::DETECTORS;

    /// Pieces the lines are made of: the detectors' words, separators,
    /// quotes, references, blanks (Unicode ones too), the characters case
    /// folding adds, and runs long enough to be values.
    const PIECES: &[&str] = &[
        "-u",
        "-U",
        "--user",
        "--proxy-user",
        "--password",
        "--http-password",
        "password",
        "login",
        "-p",
        " ",
        "  ",
        "\t",
        "\u{3000}",
        "\u{a0}",
        "=",
        ":",
        "\"",
        "'",
        "$",
        "`",
        "{",
        "<",
        "%",
        "-",
        "@",
        "/",
        "://",
        "https",
        "postgres",
        "redis",
        "token",
        "secret",
        "api_key",
        "aws_secret_access_key",
        "co_api_key",
        "\u{212a}",
        "\u{17f}",
        "é",
        "+",
        ".",
        "a",
        "B",
        "0",
        "abcdefgh",
        "ABCDEFGH12345678",
        "abcdefghijklmnopqrstuvwxyz0123",
        "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd",
        ";",
        "(",
        "|",
        "&",
        "user",
        "pw",
        "${{ secrets.X }}",
        "to\u{212a}en",
        "\u{17f}ecret",
        "PASSWD",
        "privateKey",
        "Api_Key",
        "\u{212a}\u{212a}\u{212a}\u{212a}\u{212a}\u{212a}\u{212a}\u{212a}",
    ];

    /// Pieces drawn more often, so that every detector's form comes up:
    /// separators, quotes, blanks and a value of 40 characters.
    const OFTEN: &[&str] = &[
        "=", ":", " ", "'", "@", "://", "-p ", "-u ", "x:y", "login ", "https://", "u:p@",
    ];

    /// A line of random pieces, a third of them the detector's `prefixes`
    /// or [`OFTEN`], from a seeded generator (the same lines on every run).
    fn line(state: &mut u64, prefixes: &[&str]) -> String {
        let mut next = || {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *state
        };
        let n = 1 + (next() % 14) as usize;
        let mut out = String::new();
        for _ in 0..n {
            let r = next();
            let piece = match r % 6 {
                0 => prefixes[(r / 6 % prefixes.len() as u64) as usize],
                1 => OFTEN[(r / 6 % OFTEN.len() as u64) as usize],
                _ => PIECES[(r / 6 % PIECES.len() as u64) as usize],
            };
            out.push_str(piece);
        }
        out
    }

    /// Every line a detector's regex matches passes its quick check.
    #[test]
    fn a_line_the_regex_matches_always_passes_the_quick_check() {
        let mut checked = 0;
        for d in DETECTORS {
            let Some(quick) = d.quick else { continue };
            let re = regex::Regex::new(d.pattern).expect("the detectors' regexes compile");
            let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ d.pattern.len() as u64;
            let mut matched = 0;
            for _ in 0..200_000 {
                let l = line(&mut state, d.prefixes);
                if re.is_match(&l) {
                    matched += 1;
                    assert!(quick(&l), "{}: {l:?} matches but fails the check", d.what);
                }
            }
            assert!(
                matched > 20,
                "{}: only {matched} generated lines match",
                d.what
            );
            checked += 1;
        }
        assert_eq!(checked, 5);
    }

    #[test]
    fn lines_that_cannot_hold_a_secret_fail_the_check() {
        for l in [
            "      password: ${{ secrets.DB_PASSWORD }}",
            "  token: ${{ secrets.GITHUB_TOKEN }}",
            "        run: echo \"token=$TOKEN\" >> $GITHUB_OUTPUT",
        ] {
            assert!(!generic(l), "{l}");
            assert!(!url_password(l), "{l}");
            assert!(!command_line_password(l), "{l}");
        }
        for l in [
            "        uses: aws-actions/configure-aws-credentials@v6.2.3",
            "RUN --mount=type=secret,id=IPINFO_ACCESS_TOKEN \\",
            "ENTRYPOINT locust --host=\"http://${HOST}\" --headless -u \"${USERS:-10}\"",
        ] {
            assert!(!generic(l), "{l}");
            assert!(!url_password(l), "{l}");
            assert!(!command_line_password(l), "{l}");
        }
        for l in [
            "RUN curl -fsSL https://example.com/install.sh | sh",
            "      run: pip install -U pip",
            "  run: docker login -u ${{ github.actor }} -p ${{ secrets.PW }}",
        ] {
            assert!(!url_password(l), "{l}");
            assert!(!command_line_password(l), "{l}");
        }
        assert!(generic("API_TOKEN=Zk3xR9pQ2mVb7LwT4nYc"));
        assert!(generic("secret: 'Zk3xR9pQ2mVb7LwT4nYc'"));
        assert!(url_password(
            "DATABASE_URL=postgres://app:hunter2@db:5432/app"
        ));
        assert!(!url_password("https://user@example.com:8080/"));
        assert!(command_line_password("curl -u admin:hunter2 https://x"));
        assert!(command_line_password("curl --user=admin:hunter2 https://x"));
        assert!(command_line_password(
            "curl --proxy-user \"admin:hunter2\" https://x"
        ));
        assert!(command_line_password(
            "curl --user='admin:hunter2' https://x"
        ));
        assert!(command_line_password("wget --password=hunter2 https://x"));
        assert!(command_line_password("docker login -u me -p hunter2"));
        assert!(command_line_password(
            "docker login -u me --password  'hunter2'"
        ));
        assert!(!command_line_password("docker login -u me -p $PW"));
        assert!(aws_secret(
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(cohere(
            "CO_API_KEY=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123"
        ));
    }
}
