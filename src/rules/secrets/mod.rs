//! SE: secrets in any file prodlint reads. One aho-corasick pass finds
//! candidate prefixes; each detector's regex confirms and delimits the
//! secret; placeholders and documented example keys are dropped. Every
//! finding marks the secret's bytes so that no report prints them.

mod detectors;
mod quick;
mod rules;

pub use rules::{CredentialInUrl, GenericSecret, PrivateKey, ProviderToken};

use crate::diagnostic::Findings;
use crate::parse::python::literals::Literals;
use crate::paths::FastPath;
use crate::purpose::Purpose;
use crate::redact::{entropy, is_placeholder, redact};
use crate::registry::RuleMeta;
use crate::select::Selection;
use crate::source::{SourceFile, Span};
use detectors::{COMPILED, DETECTORS, Kind};
use std::collections::BTreeMap;

pub static RULES: &[&RuleMeta] = &[
    &ProviderToken::META,
    &PrivateKey::META,
    &CredentialInUrl::META,
    &GenericSecret::META,
];

/// Keys that vendors publish in their documentation.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];

/// Values their owners publish on purpose, known by their FNV-1a hash
/// (written out, they would trip the secret scanners of the hosts this
/// code is pushed to): Debian's Chromium package ships the Google API key
/// and OAuth client of its build in `/etc/chromium.d/googleapikeys`, and
/// Dockerfiles that install Chromium copy them.
const PUBLISHED_VALUES: &[u64] = &[
    0x4e30_8d0a_46ec_f23d,
    0x69ac_17d7_a5f2_3528,
    0x447c_966a_c552_7b56,
];

/// FNV-1a, 64 bits: a fixed hash, the same in every run and build.
fn fnv1a(value: &str) -> u64 {
    value.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn rule(kind: Kind) -> &'static RuleMeta {
    match kind {
        Kind::ProviderToken => &ProviderToken::META,
        Kind::PrivateKey => &PrivateKey::META,
        Kind::CredentialInUrl => &CredentialInUrl::META,
        Kind::GenericSecret => &GenericSecret::META,
    }
}

/// Words that name a secret when a key's main word ends with one
/// (`DB_PASSWORD`, `PGPASSWORD`, `githubToken`, `STRIPE_API_KEY`).
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASSPHRASE",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "CREDENTIALS",
    "APIKEY",
    "APIKEYS",
    "SECRETKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "AUTHKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "MASTERKEY",
];
/// `KEY` names a secret after one of these (`API_KEY`, `SECRET_KEY`).
const KEY_KINDS: &[&str] = &[
    "API",
    "SECRET",
    "PRIVATE",
    "ACCESS",
    "AUTH",
    "SIGNING",
    "ENCRYPTION",
    "MASTER",
    "APP",
    // Symmetric keys named for their scheme (`FERNET_KEY`, `JWT_KEY`).
    "FERNET",
    "HMAC",
    "JWT",
];
/// Words after the main one that only say which copy it is
/// (`DB_PASSWORD_PROD`, `SECRET_KEY_BASE`, `TOKEN_2`).
const QUALIFIERS: &[&str] = &[
    "PROD",
    "PRODUCTION",
    "DEV",
    "DEVELOPMENT",
    "STAGING",
    "STAGE",
    "TEST",
    "LIVE",
    "BASE",
    "B64",
    "BASE64",
    "RAW",
    "VALUE",
    "OLD",
    "NEW",
    "PRIMARY",
    "SECONDARY",
    "RO",
    "RW",
    "ENCODED",
    "HEX",
];
/// First words of flags and counters, not secrets (`USE_ID_TOKEN`,
/// `MAX_TOTAL_TOKENS`, `ENABLE_TOKEN_AUTH`).
const NOT_HOLDERS: &[&str] = &[
    "USE", "ENABLE", "ENABLED", "DISABLE", "DISABLED", "IS", "HAS", "ALLOW", "REQUIRE", "VERIFY",
    "VALIDATE", "SKIP", "NO", "SHOW", "LOG", "MAX", "MIN", "NUM", "COUNT", "TOTAL",
];
/// Names that point at a secret rather than hold one.
const POINTER_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_ENDPOINT",
    "_NAME",
    "_ID",
    "_LENGTH",
    "_TTL",
    "_EXPIRE",
    "_EXPIRES",
];

/// The words of a key, upper-cased: split at separators and at camel
/// case (`stripeApiKey`, `APIKey`, `db.password`).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    // The parts hold ASCII letters and digits only: bytes are characters.
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::as_bytes)
    {
        let mut from = 0;
        for i in 1..part.len() {
            let (prev, c, next) = (part[i - 1], part[i], part.get(i + 1));
            let boundary = c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next.is_some_and(u8::is_ascii_lowercase)));
            if boundary {
                out.push(upper(&part[from..i]));
                from = i;
            }
        }
        if from < part.len() {
            out.push(upper(&part[from..]));
        }
    }
    out
}

/// ASCII letters and digits, upper-cased.
fn upper(word: &[u8]) -> String {
    word.iter()
        .map(|b| char::from(b.to_ascii_uppercase()))
        .collect()
}

/// Does a variable name say it holds a secret (`DB_PASSWORD`,
/// `STRIPE_API_KEY`)? The secret word must be the name's main word, whole
/// (`MAX_TOTAL_TOKENS`, `tokenizer`, `token_count`, `SECRET_VERSION`,
/// `USE_ID_TOKEN` are not secret names); names that point at one
/// (`*_FILE`, `*_URL`) are not either. `extra`: the configuration's own
/// fragments, matched anywhere in the name.
pub fn is_secret_name(name: &str, extra: &[String]) -> bool {
    let upper = name.to_ascii_uppercase();
    if POINTER_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    if extra
        .iter()
        .any(|f| upper.contains(&f.to_ascii_uppercase()))
    {
        return true;
    }
    let mut w = words(name);
    if w.first().is_some_and(|f| NOT_HOLDERS.contains(&f.as_str())) {
        return false;
    }
    while w.len() > 1
        && w.last().is_some_and(|l| {
            QUALIFIERS.contains(&l.as_str()) || l.bytes().all(|b| b.is_ascii_digit())
        })
    {
        w.pop();
    }
    let Some(main) = w.last() else {
        return false;
    };
    if SECRET_WORDS.iter().any(|s| main.ends_with(s)) {
        return true;
    }
    (main == "KEY" || main == "KEYS")
        && w.len() >= 2
        && w.get(w.len() - 2)
            .is_some_and(|k| KEY_KINDS.iter().any(|q| k.ends_with(q)))
}

/// Values that are not secrets whatever their name: numbers, booleans,
/// `latest`, and the key's own name (`SECRET_KEY: secret_key`).
pub fn is_plain_value(name: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let lower = v.to_ascii_lowercase();
    let normal = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    v.parse::<f64>().is_ok()
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "latest"
        )
        || {
            // The key's own name, bare or as part of a label
            // (`access_token = "polar_access_token"`, an enum member).
            // What the value adds to the name must be a word (`the`,
            // `polar_`), not a random tail (`apiToken_Xy9Kq2Lm8`).
            let (v, n) = (normal(v), normal(name));
            let rest = v.replacen(&n, "", 1);
            !v.is_empty()
                && (v == n
                    || (n.len() >= 6
                        && v.contains(&n)
                        && rest.len() <= 12
                        && rest.bytes().all(|b| b.is_ascii_alphabetic())))
        }
}

/// `polar_cl_e2e_seed_checkout_link`, `prefect-api-auth-string`: a
/// label made of lower-case words, as code names things; generated keys
/// mix case or run without separators.
fn is_label(value: &str) -> bool {
    let segments: Vec<&str> = value.split(['_', '-']).collect();
    segments.len() >= 3
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.bytes().any(|b| b.is_ascii_lowercase())
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Passwords every scanner tries first.
const WEAK_PASSWORDS: &[&str] = &[
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "12345",
    "1234",
    "password",
    "passw0rd",
    "password1",
    "admin",
    "administrator",
    "root",
    "guest",
    "toor",
    "qwerty",
    "letmein",
    "changeme",
    "secret",
    "default",
    "test",
    "pass",
    "postgres",
    "mysql",
    "redis",
    "rabbitmq",
    "minio",
    "minioadmin",
    "welcome",
    "abc123",
];

/// The values of the user names among `entries` (`POSTGRES_USER`,
/// `DB_USERNAME`): a password equal to one is the first one tried.
pub fn user_names<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<&'a str> {
    entries
        .into_iter()
        .filter(|(k, _)| {
            let k = k.to_ascii_uppercase();
            k.ends_with("USER") || k.ends_with("USERNAME")
        })
        .map(|(_, v)| v)
        .collect()
}

/// Is `value`, under the password name `name`, a weak password: one of
/// the passwords every scanner tries first, or the user name set beside
/// it (`users`)? Names whose main word is not a password word are never
/// judged here.
pub fn is_weak_password(name: &str, value: &str, users: &[&str]) -> bool {
    // Every password word holds `PASS` or `PWD`, and a word is a piece of
    // the name: a name holding neither is no password's (most are not,
    // and splitting one into words costs allocations).
    let holds = |w: &[u8]| {
        name.as_bytes()
            .windows(w.len())
            .any(|x| x.eq_ignore_ascii_case(w))
    };
    if !holds(b"PASS") && !holds(b"PWD") {
        return false;
    }
    let main = words(name);
    let is_password_name = main.last().is_some_and(|w| {
        ["PASSWORD", "PASSWD", "PWD", "PASS", "PASSPHRASE"]
            .iter()
            .any(|p| w.ends_with(p))
    });
    if !is_password_name || value.is_empty() || value.contains("${") {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    WEAK_PASSWORDS.contains(&lower.as_str()) || users.iter().any(|u| !u.is_empty() && *u == value)
}

/// A value that could be generated (a generic secret's shape): at least
/// 16 characters of the sets keys are written in, no spaces.
/// Does the text hold a quoted run that [`looks_generated`] and is not
/// low-entropy: the only literals the parse could report as generic
/// secrets. (One pass: each run is read from the quote before it.)
fn has_generated_literal(text: &str) -> bool {
    let bytes = text.as_bytes();
    let generated = |b: u8| b.is_ascii_alphanumeric() || b"+/=_.~!@#%^&*-".contains(&b);
    let mut from = 0;
    while let Some(at) = memchr::memchr2(b'"', b'\'', bytes.get(from..).unwrap_or_default()) {
        let open = from + at;
        let quote = bytes.get(open).copied().unwrap_or(b'"');
        let start = open + 1;
        let mut end = start;
        while bytes.get(end).is_some_and(|b| generated(*b)) {
            end += 1;
        }
        if end - start >= 16
            && bytes.get(end) == Some(&quote)
            && text.get(start..end).is_some_and(|run| {
                // The value filters a generic secret must pass later.
                let threshold = if run.bytes().all(|b| b.is_ascii_hexdigit()) {
                    3.0
                } else {
                    3.5
                };
                crate::redact::entropy(run) >= threshold
                    && !is_label(run)
                    && !looks_like_path_or_name(run)
                    && !is_stand_in(run)
            })
        {
            return true;
        }
        from = end.max(start);
    }
    false
}

fn looks_generated(value: &str) -> bool {
    value.len() >= 16
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_.~!@#%^&*-".contains(c))
}

/// The engine's verdict on `name = value` for rules that read assignments
/// from a parsed model (DF014, GH014, EN024): the name says it holds a
/// secret, does not merely point at one, and the value is a real value.
pub fn is_secret_assignment(name: &str, value: &str, extra_names: &[String]) -> bool {
    is_secret_name(name, extra_names)
        && !names_a_reference(name)
        && !value.is_empty()
        && !is_plain_value(name, value)
        && !is_stand_in(value)
        && !looks_like_path_or_name(value)
}

/// (A URL's password that starts with `{` or `%` is a format placeholder,
/// `f"…://{user}:{credentials}@…"`, checked beside this.)
///
/// `123456789012-auth-token`, `my_password`: a value that names what
/// belongs in its place (a word of it is `token`, `password`, …) is a
/// stand-in written by hand in tests and docs, not a credential.
fn describes_a_secret(value: &str) -> bool {
    const NOUNS: &[&str] = &["token", "password", "passwd", "secret", "pass", "pwd"];
    const WORDS: &[&str] = &[
        "my", "your", "the", "a", "test", "fake", "dummy", "sample", "deploy", "personal",
        "access", "api", "auth", "user", "app", "bot", "ci", "oauth", "x",
    ];
    // Every word describes (`my-personal-token`, `123456789012-auth-token`);
    // one random-looking word (`pass-7Hq2xLz9`) makes it a value.
    let words: Vec<String> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.iter().any(|w| NOUNS.contains(&w.as_str()))
        && words.iter().all(|w| {
            NOUNS.contains(&w.as_str())
                || WORDS.contains(&w.as_str())
                || w.bytes().all(|b| b.is_ascii_digit())
        })
}

/// `{credentials}`, `{settings.db_password}`, `%s`, `%(pw)s`: a format
/// placeholder in a URL template.
fn is_format_placeholder(value: &str) -> bool {
    let inner = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or("");
    let braced = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '\'' | '"'));
    let printf =
        value == "%s" || value == "%d" || (value.starts_with("%(") && value.ends_with(")s"));
    braced || printf
}

/// Passwords that only ever appear in local-development examples.
const WEAK_DEV_PASSWORDS: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "secret",
    "changeme",
    "mypass",
    "example",
    "supersecret",
];

/// A URL's password that repeats a name around it is a development
/// default, not a secret: the URL's host or database
/// (`postgres://app:db@db/app`, `redis://default:redis@redis`), or a name
/// the file gives a URL's user elsewhere, the project's own name
/// (`postgresql://nostream:nostream@db/nostream` beside
/// `redis://default:nostream@redis`). `after` is the text from the end
/// of the password on (`@host:port/db…`); `text` the whole file's.
fn repeats_a_name(value: &str, after: &str, text: &str) -> bool {
    let same = |name: &str| !name.is_empty() && name.eq_ignore_ascii_case(value);
    // Only a URL's password (`…:pw@host`): a password handed to a
    // command (`curl -u admin:pw`) has no host or database to repeat.
    let Some(rest) = after.strip_prefix('@') else {
        return false;
    };
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '?' | '#' | ',' | ')'))
        .unwrap_or(rest.len());
    let authority_and_path = &rest[..end];
    let (authority, db) = authority_and_path
        .split_once('/')
        .unwrap_or((authority_and_path, ""));
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    same(host)
        || same(db.split('/').next().unwrap_or(""))
        || (!value.is_empty()
            && memchr::memmem::find(text.as_bytes(), format!("://{value}:").as_bytes()).is_some())
}

/// `PASSWORD_FILE`, `secretName`, `SECRET_KEY_PATH`: the name says the
/// value points at a secret rather than holds one.
fn names_a_reference(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace(['-', '.'], "_");
    [
        "_file", "file", "_path", "path", "_dir", "_name", "name", "_ref", "ref", "_url", "_id",
        "_length", "_ttl",
    ]
    .iter()
    .any(|s| lower.ends_with(s))
}

/// A path (`/run/secrets/x`, `./data`) or an environment variable name
/// (`POLAR_API_KEY`) rather than a value.
fn looks_like_path_or_name(value: &str) -> bool {
    value.starts_with(['/', '.', '~'])
        || is_dotted_reference(value)
        || (value.contains('_')
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
}

/// `settings.SECRET_KEY`, `var.slack_bot_token`, `self.access_token`,
/// `TokenType.client_token`: code or configuration naming where a secret
/// lives, not the secret. Identifiers joined by dots, each short (a JWT's
/// dotted segments are long and start `eyJ`).
fn is_dotted_reference(value: &str) -> bool {
    let mut parts = value.split('.');
    let identifier = |p: &str| {
        !p.is_empty()
            && p.len() <= 64
            && !p.starts_with("eyJ")
            && p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    value.contains('.') && parts.all(identifier)
}

/// Not a secret: a reference, a template, a placeholder, a run of one
/// character, a sequence, a documented example.
pub fn is_stand_in(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    if is_placeholder(v)
        || v.starts_with('$')
        || v.contains("{{")
        || v.contains("${")
        || DOCUMENTED_EXAMPLES.contains(&v)
        || PUBLISHED_VALUES.contains(&fnv1a(v))
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if [
        "example", "xxxx", "dummy", "your_", "your-", "fake", "sample", "redacted",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return true;
    }
    let bytes = v.as_bytes();
    let sequential = bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    sequential || entropy(v) < 2.0
}

/// Scans `file` and reports what the enabled SE rules find.
pub fn scan(file: &SourceFile, selection: &Selection, out: &mut Findings) {
    scan_in(file, None, true, selection, out)
}

/// Builds the detectors' word automata ahead of the first scan, when the
/// run has a secret rule on: called beside the walk, on a core the walk
/// leaves idle, so that the first files read do not wait for the build
/// (a third of a millisecond; a one-file run takes four).
pub fn prepare(selection: &Selection) {
    if RULES.iter().any(|r| selection.is_enabled(r.code)) {
        let _ = COMPILED.as_ref();
    }
}

/// Scans `file`, read through its Python parse when there is one: a
/// secret is a value, so only literals and comments hold one, and a
/// generic secret is a literal written under a secret name (never a
/// call, a name, an attribute, an annotation or a parameter).
/// `generic_matters` is false when no generic secret of the file could be
/// reported or shown: the parse is then not made for generic secrets
/// alone (it still is for a provider token, whose lines are shown).
pub fn scan_in(
    file: &SourceFile,
    python: Option<&mut dyn FnMut() -> Option<Literals>>,
    generic_matters: bool,
    selection: &Selection,
    out: &mut Findings,
) {
    if !RULES.iter().any(|r| selection.is_enabled(r.code)) {
        return;
    }
    let Some(c) = COMPILED.as_ref() else { return };
    let text: &str = &file.text;
    // Candidates first, then the most specific detector wins an overlap.
    let mut candidates: Vec<(Kind, usize, Span, String)> = Vec::new();
    // Each detector reads a line once, however many of its prefixes the
    // line holds: confirming from every prefix to the end of its line
    // would cost the square of the line's length on a run of prefixes
    // (`xoxb-xoxb-…`). Hits come in text order, so the last line read per
    // detector is enough to tell.
    let mut line_done: Vec<Option<usize>> = vec![None; DETECTORS.len()];
    // The line of the last hit, as (start, start of the next line).
    let mut lines = crate::source::LineCursor::default();
    let mut hits: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    for g in &c.groups {
        g.words.each(text, |w, start| {
            if let (Some(&d), Some(&len)) = (g.owner.get(w), g.len.get(w)) {
                hits.push((start..start + len, d));
            }
            true
        });
    }
    // In text order (stable: a detector's hits stay in order).
    hits.sort_by_key(|h| h.0.start);
    // A word a secret name is made of (`password`, `apiKey`…) was seen
    // with a quote after it on its line: a literal may be written under it.
    let mut secret_word = false;
    for (m, d_index) in hits {
        let Some(d) = DETECTORS.get(d_index) else {
            continue;
        };
        if !secret_word && d.kind == Kind::GenericSecret {
            let rest = text.as_bytes().get(m.end..).unwrap_or_default();
            let line =
                memchr::memchr(b'\n', rest).map_or(rest, |n| rest.get(..n).unwrap_or_default());
            secret_word = memchr::memchr2(b'"', b'\'', line).is_some();
        }
        if !selection.is_enabled(rule(d.kind).code) {
            continue;
        }
        // Confirm within the line: secrets do not span lines (PEM headers
        // included).
        let (from, next) = lines.around(text.as_bytes(), m.start);
        let Some(done) = line_done.get_mut(d_index) else {
            continue;
        };
        if *done == Some(from) {
            continue;
        }
        *done = Some(from);
        let line_end = if next > from && text.as_bytes().get(next - 1) == Some(&b'\n') {
            next - 1
        } else {
            next
        };
        let Some(window) = text.get(from..line_end) else {
            continue;
        };
        if d.quick.is_some_and(|could_match| !could_match(window)) {
            continue;
        }
        let Some(re) = c.regex(d_index) else { continue };
        for cap in re.captures_iter(window) {
            // Detectors with several forms name the secret of each one.
            let secret = cap
                .get_group_by_name("secret")
                .or_else(|| cap.get_group_by_name("secret2"))
                .or_else(|| cap.get_group_by_name("secret3"))
                .or_else(|| cap.get_match().map(|m| m.span()));
            let Some(secret) = secret else {
                continue;
            };
            let name = cap
                .get_group_by_name("name")
                .and_then(|n| window.get(n.range()))
                .map_or(String::new(), str::to_string);
            candidates.push((
                d.kind,
                d_index,
                Span::new(from + secret.start, from + secret.end),
                name,
            ));
        }
    }
    // The parse is asked for only when the text could hold a secret: a
    // confirmed match, or a secret word a literal could be written under
    // (most modules have neither, and the parse costs more than the scan).
    // A generic secret in Python is a literal the parse finds under a
    // secret name, and only a quoted run that looks generated can be one:
    // without such a run the parse could find none.
    let generic = selection.is_enabled(GenericSecret::META.code);
    let is_python = python.is_some();
    let confirmed = candidates.iter().any(|c| c.0 != Kind::GenericSecret);
    let could_be_generic = generic
        && generic_matters
        && (secret_word || !candidates.is_empty())
        && has_generated_literal(text);
    let literals = python
        .filter(|_| confirmed || could_be_generic)
        .and_then(|parse| parse());
    if is_python && !confirmed && !could_be_generic {
        // Not parsed: a text match is no secret of Python's.
        candidates.retain(|c| c.0 != Kind::GenericSecret);
    }
    if let Some(py) = &literals {
        // Text matches outside values are code; generic secrets come from
        // the parse alone.
        candidates.retain(|c| c.0 != Kind::GenericSecret && py.holds(c.2));
        if generic && let Some(d) = DETECTORS.iter().position(|d| d.kind == Kind::GenericSecret) {
            candidates.extend(
                py.named
                    .iter()
                    .filter(|n| looks_generated(&n.value) && !is_label(&n.value))
                    .map(|n| (Kind::GenericSecret, d, n.span, n.name.clone())),
            );
        }
    }
    candidates.sort_by_key(|c| (c.0 as u8, c.2.start, c.1));
    candidates.dedup();
    // A secret a dedicated rule already reports (DF014, GH014, EN021) is not reported twice.
    let mut reported = Covered::default();
    for r in out.secret_spans() {
        reported.insert(r);
    }
    // In JSON a value is a whole string under its key; `password=…`
    // inside a longer string is prose.
    let json = file
        .path
        .fast_extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // `.env.example`, `env.sample`, `example.env`: an example env file.
    let example_env = file.path.fast_file_name().is_some_and(|n| {
        let n = n.to_string_lossy().to_ascii_lowercase();
        (n.starts_with(".env") || n.starts_with("env.") || n.ends_with(".env"))
            && crate::parse::dotenv::is_template_name(&n)
    });
    // Where each key block ends, found once for all the headers.
    let ends = KeyEnds::new(file);
    // Where the last key block masked so far ends (keys come first, in
    // order of their headers).
    let mut key_masked_to = 0;
    for (kind, d_index, span, name) in candidates {
        let (Some(d), Some(value)) = (DETECTORS.get(d_index), text.get(span.start..span.end))
        else {
            continue;
        };
        if reported.overlaps(span) {
            continue;
        }
        if kind != Kind::PrivateKey && is_stand_in(value) {
            continue;
        }
        // A header that no key material follows describes the format (`#
        // -----BEGIN PRIVATE KEY----- / <encoded data> / -----END …`).
        if kind == Kind::PrivateKey && !ends.has_material(span.end) {
            continue;
        }
        // Tests and examples hold made-up keys (`abcabc…` under a real
        // header); a real key's body is random base64 (or DER, `MI…`).
        if kind == Kind::PrivateKey
            && matches!(file.purpose, Purpose::Test | Purpose::Example)
            && !ends.material_looks_real(span.end)
        {
            out.mask_only(Span::new(span.start, ends.block_end(span.end)));
            continue;
        }
        // A JSON Web Token is signed by whoever made it, with whatever
        // key: in a test or an example it is a fixture, not a provider's
        // credential. Masked all the same.
        if d.what == JWT && matches!(file.purpose, Purpose::Test | Purpose::Example) {
            out.mask_only(span);
            continue;
        }
        // A URL in a comment that is prose is an example of the format
        // (`# parse postgres://app:postgres@localhost/app`): only a
        // password that looks generated is a leak there.
        if kind == Kind::CredentialInUrl
            && literals.as_ref().is_some_and(|py| py.in_prose(span))
            && !looks_generated(value)
        {
            continue;
        }
        // `xoxb-test-token`: a provider's prefix on a described stand-in.
        let after_prefix = value.split_once(['-', '_']).map_or("", |(_, rest)| rest);
        if kind == Kind::ProviderToken && describes_a_secret(after_prefix) {
            continue;
        }
        // A webhook URL whose secret part says what belongs there
        // (`…/T1234/B5678/abcdefghijk`, `…/secrettoken`).
        if kind == Kind::ProviderToken
            && let Some((_, tail)) = value.rsplit_once('/')
        {
            let lower = tail.to_ascii_lowercase();
            if is_stand_in(tail)
                || describes_a_secret(tail)
                || ["secret", "token", "webhook"]
                    .iter()
                    .any(|w| lower.contains(w))
            {
                continue;
            }
        }
        if kind == Kind::GenericSecret
            && (!is_secret_name(&name, &[])
                || names_a_reference(&name)
                || looks_like_path_or_name(value)
                || is_plain_value(&name, value)
                || (json && !is_json_member(text, &name, span)))
        {
            continue;
        }
        if kind == Kind::CredentialInUrl
            && (value == name
                || repeats_a_name(value, text.get(span.end..).unwrap_or(""), text)
                || WEAK_DEV_PASSWORDS.contains(&value.to_ascii_lowercase().as_str())
                || describes_a_secret(value)
                || is_format_placeholder(value))
        {
            continue;
        }
        // Hex strings can reach 4 bits per character at most; others 6.
        let threshold = if value.chars().all(|c| c.is_ascii_hexdigit()) {
            3.0
        } else {
            3.5
        };
        if kind == Kind::GenericSecret && entropy(value) < threshold {
            continue;
        }
        reported.insert(span);
        // An example env file is copied into production unchanged: a
        // real-looking random key there is reported whatever its purpose.
        // (A test's example file is not copied anywhere.)
        let copied = kind == Kind::GenericSecret
            && example_env
            && file.purpose != crate::purpose::Purpose::Test
            && looks_generated(value);
        let message = match kind {
            Kind::PrivateKey => "a private key is written into this file".to_string(),
            _ if copied => format!(
                "this example env file holds a real-looking key (`{}`): example files are copied into production unchanged",
                redact(value)
            ),
            _ => format!("this file holds a secret: {} (`{}`)", d.what, redact(value)),
        };
        // The key material follows the header: mask the block up to its
        // END line, or to the end of the file when it has none (a key cut
        // short is still a key). A header inside a block already masked
        // masks only itself: headers without END lines would otherwise each
        // mask the rest of the file, and what reports derive from secrets
        // would grow with the square of the file.
        let masked = if kind == Kind::PrivateKey && span.start >= key_masked_to {
            let block = Span::new(span.start, ends.block_end(span.end));
            key_masked_to = block.end;
            block
        } else {
            span
        };
        let b = out
            .report(rule(kind), span, message)
            .secret(masked)
            .help("remove it, rotate it, and load it from the environment or a secret store");
        if copied {
            b.any_purpose()
                .help("put a placeholder there (`SECRET_KEY=change-me`) and generate the real key where the service is deployed");
        }
    }
}

/// The JSON Web Token detector's name.
const JWT: &str = "JSON Web Token";

/// `"name": "value"` with `value` at `span`: the whole string of a JSON
/// member (not text inside a longer string).
fn is_json_member(text: &str, name: &str, span: Span) -> bool {
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else {
        return false;
    };
    let key = before
        .strip_suffix('"')
        .map(str::trim_end)
        .and_then(|b| b.strip_suffix(':'))
        .map(str::trim_end)
        .and_then(|b| b.strip_suffix('"'))
        .and_then(|b| b.strip_suffix(name))
        .is_some_and(|b| b.ends_with('"'));
    key && after.starts_with('"')
}

/// Byte ranges already reported, kept disjoint and sorted so that the
/// overlap test costs a logarithm rather than a pass over every earlier
/// finding (a file of many keys would otherwise cost their square).
#[derive(Default)]
struct Covered {
    /// Start to end of disjoint, non-empty ranges.
    ranges: BTreeMap<usize, usize>,
}

impl Covered {
    /// Does `span` overlap a range (`r.start < span.end && span.start < r.end`)?
    /// Ranges are disjoint, so the last one starting before `span.end`
    /// ends furthest: it alone decides.
    fn overlaps(&self, span: Span) -> bool {
        self.ranges
            .range(..span.end)
            .next_back()
            .is_some_and(|(_, &end)| end > span.start)
    }

    /// Adds `span`, merging the ranges it overlaps. An empty span overlaps
    /// nothing it could hide, so it is not kept.
    fn insert(&mut self, span: Span) {
        if span.is_empty() {
            return;
        }
        let (mut start, mut end) = (span.start, span.end);
        let merged: Vec<(usize, usize)> = self
            .ranges
            .range(..span.end)
            .rev()
            .take_while(|(_, e)| **e > span.start)
            .map(|(s, e)| (*s, *e))
            .collect();
        for (s, e) in merged {
            self.ranges.remove(&s);
            start = start.min(s);
            end = end.max(e);
        }
        self.ranges.insert(start, end);
    }
}

/// The `-----END ` markers of a file, found in one pass, so that each
/// private-key header finds the end of its block by a binary search
/// rather than by a scan to the end of the file. Found when the first
/// header asks: most files have none.
struct KeyEnds<'a> {
    file: &'a SourceFile,
    /// Offsets of every `-----END `, ascending.
    markers: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> KeyEnds<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            markers: std::cell::OnceCell::new(),
        }
    }

    fn markers(&self) -> &[usize] {
        self.markers.get_or_init(|| {
            memchr::memmem::find_iter(self.file.text.as_bytes(), b"-----END ").collect()
        })
    }

    /// The text after the header that ends at `from`, up to its block's
    /// END line and at most a kilobyte (the body starts there; the bound
    /// keeps a file of headers linear).
    fn body(&self, from: usize) -> &str {
        let text = &self.file.text;
        let end = self
            .block_end(from)
            .min(from.saturating_add(1024))
            .min(text.len());
        // A cut inside a character moves back to its start.
        let end = (from..=end)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(from);
        text.get(from..end).unwrap_or_default()
    }

    /// Whether key material follows the header that ends at `from`: a run
    /// of base64 (40 characters or more) before the block's END line,
    /// within the kilobyte after the header (the body starts there, after
    /// at most a few `Proc-Type:`/`DEK-Info:` lines; a bound keeps a file
    /// of headers linear).
    fn has_material(&self, from: usize) -> bool {
        let mut run = 0;
        for &c in self.body(from).as_bytes() {
            if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=' {
                run += 1;
                if run >= 40 {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        false
    }

    /// Whether the material after the header that ends at `from` looks
    /// like a key: DER (`MI…`), an OpenSSH key, or base64 as random as
    /// an encrypted key's (4.5 bits a character or more over its first
    /// 128 characters; random base64 gives about 5.6, typed filler 3).
    /// `Proc-Type:`-style header lines are skipped.
    fn material_looks_real(&self, from: usize) -> bool {
        let mut body = String::new();
        // A key in a one-line string has `\n` escapes for line breaks.
        let region = self.body(from).replace("\\n", "\n");
        for line in region.lines() {
            // Up to the END marker, if it is on this line.
            let line = line.split("-----").next().unwrap_or_default();
            let trimmed = line.trim_start();
            let is_pem_header = trimmed.split_once(':').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
            });
            if is_pem_header {
                continue;
            }
            body.extend(
                line.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
                    .take(128 - body.len().min(128)),
            );
            if body.len() >= 128 {
                break;
            }
        }
        body.starts_with("MI")
            || body.starts_with("b3BlbnNzaC1rZXktdjE")
            || (body.len() >= 40 && entropy(&body) >= 4.5)
    }

    /// Where the block whose header ends at `from` ends: the end of the
    /// line of the first END marker at or after `from` (without its
    /// newline), or the end of the file.
    fn block_end(&self, from: usize) -> usize {
        let text = &self.file.text;
        let markers = self.markers();
        let i = markers.partition_point(|&m| m < from);
        let Some(&marker) = markers.get(i) else {
            return text.len();
        };
        let line = self.file.lines.line_of(marker);
        let next = self.file.lines.line_start(line + 1, text);
        if next > marker && text.as_bytes().get(next - 1) == Some(&b'\n') {
            next - 1
        } else {
            next
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn published_values_are_known_by_a_fixed_hash() {
        // FNV-1a's published test vectors: the hash never depends on the
        // run or the build.
        assert_eq!(super::fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a("foobar"), 0x85944171f73967e8);
    }

    /// `words` as it was written over characters: the byte version splits
    /// every name alike.
    fn words_by_chars(name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
            let chars: Vec<char> = part.chars().collect();
            let mut word = String::new();
            for (i, &c) in chars.iter().enumerate() {
                let prev = i.checked_sub(1).and_then(|p| chars.get(p));
                let next = chars.get(i + 1);
                let boundary = c.is_ascii_uppercase()
                    && prev.is_some_and(|p| {
                        p.is_ascii_lowercase()
                            || p.is_ascii_digit()
                            || (p.is_ascii_uppercase()
                                && next.is_some_and(|n| n.is_ascii_lowercase()))
                    });
                if boundary && !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                word.push(c.to_ascii_uppercase());
            }
            if !word.is_empty() {
                out.push(word);
            }
        }
        out
    }

    #[test]
    fn names_split_into_the_same_words_as_by_characters() {
        let pieces = [
            "a", "B", "Ab", "AB", "1", "_", "-", ".", "é", "Pass", "PWD", "wordX", "",
        ];
        let names = crate::test_texts::concatenations(&pieces, 4);
        assert!(names.len() > 20_000, "{}", names.len());
        for n in &names {
            assert_eq!(super::words(n), words_by_chars(n), "{n:?}");
        }
    }

    #[test]
    fn a_password_name_is_found_in_any_case() {
        for name in [
            "DB_PASSWORD",
            "dbPassword",
            "user_pwd",
            "PASSPHRASE",
            "MYSQL_ROOT_PASS",
        ] {
            assert!(super::is_weak_password(name, "admin", &[]), "{name}");
        }
        for name in ["DB_USER", "PASSWORD_FILE_X", "passes", "TOKEN"] {
            assert!(!super::is_weak_password(name, "admin", &[]), "{name}");
        }
    }

    use super::*;

    #[test]
    fn a_url_password_repeating_a_name_around_it_is_a_default() {
        let text =
            "A=postgresql://nostream:nostream@db/nostream\nB=redis://default:nostream@redis:6379\n";
        assert!(repeats_a_name("db", "@db:5432/app\n", ""));
        assert!(repeats_a_name("app", "@db:5432/app?sslmode=off", ""));
        assert!(repeats_a_name("nostream", "@redis:6379\n", text));
        assert!(!repeats_a_name("Zq81mR4vT0p", "@db:5432/app", text));
        // A password handed to a command repeats no URL.
        assert!(!repeats_a_name("nostream", " https://example.com", text));
    }

    #[test]
    fn only_a_generated_looking_quoted_run_can_be_a_generic_secret() {
        assert!(has_generated_literal("KEY = 'q8Yx2mN7pL4wR8tY3zAb6c'\n"));
        assert!(has_generated_literal(
            "# client_secret = \"Zq81mR4vT0pXw2LkN7bY\""
        ));
        assert!(!has_generated_literal(
            "password = form.password  # 'short'\n"
        ));
        assert!(!has_generated_literal(
            "x = \"application/json\"; y = \"sqlalchemy.orm.Session\""
        ));
        assert!(!has_generated_literal("t = \"app_access_token_value\""));
        // Unterminated: no closing quote after the run.
        assert!(!has_generated_literal("k = \"q8Yx2mN7pL4wR8tY3zAb6c"));
    }

    #[test]
    fn a_secret_word_must_be_the_names_main_word() {
        for yes in [
            "DB_PASSWORD",
            "PGPASSWORD",
            "githubToken",
            "STRIPE_API_KEY",
            "stripeApiKey",
            "APIKey",
            "SECRET_KEY",
            "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY",
            "db.password",
            "x-api-key",
            "JWT_SECRET_2",
            "client_secret",
            "LDAP_PASSWORDS",
            "LT_API_KEYS",
        ] {
            assert!(is_secret_name(yes, &[]), "{yes}");
        }
        for no in [
            "MAX_TOTAL_TOKENS",
            "tokenizer",
            "token_count",
            "SECRET_VERSION",
            "USE_ID_TOKEN",
            "PASSWORD_FILE",
            "secret_name",
            "KEY",
            "CACHE_KEY",
            "password_confirm",
        ] {
            assert!(!is_secret_name(no, &[]), "{no}");
        }
        assert!(is_secret_name("X_MYVAULT_THING", &["myvault".to_string()]));
    }

    #[test]
    fn weak_passwords_are_judged_under_password_names_only() {
        assert!(is_weak_password("POSTGRES_PASSWORD", "postgres", &[]));
        assert!(is_weak_password("DB_PASS", "123456", &[]));
        assert!(is_weak_password("MYSQL_PASSWORD", "app", &["app"]));
        assert!(!is_weak_password("API_TOKEN", "123456", &[]));
        assert!(!is_weak_password(
            "DB_PASSWORD",
            "Zq8fxW3kpL9dmK2s",
            &["app"]
        ));
        assert!(!is_weak_password("DB_PASSWORD", "${DB_PASSWORD}", &[]));
    }

    #[test]
    fn plain_values_are_not_secrets() {
        for (name, value) in [
            ("SECRET_KEY", "secret_key"),
            ("API_TOKEN", "1234567890123456789"),
            ("TOKEN", "true"),
            ("IMAGE_TOKEN", "latest"),
        ] {
            assert!(is_plain_value(name, value), "{name}={value}");
            assert!(!is_secret_assignment(name, value, &[]), "{name}={value}");
        }
        assert!(is_plain_value("access_token", "polar_access_token"));
        assert!(is_plain_value("SENTRY_SECRET_KEY", "theSentrySecretKey"));
        assert!(!is_plain_value("api_token", "apiToken_Xy9Kq2Lm8Pz3Rt7W"));
        assert!(!is_plain_value("API_TOKEN", "Zq8fxW3kpL9dmK2s"));
        assert!(is_label("polar_cl_e2e_seed_checkout_link"));
        assert!(is_label("prefect-api-auth-string"));
        assert!(!is_label("550e8400-e29b-41d4-a716-446655440000"));
        assert!(!is_label("3f9c2b7a1e4d8f6093b1c5a7e2d4f8b6"));
    }

    #[test]
    fn references_and_described_stand_ins_are_not_secrets() {
        assert!(is_dotted_reference("settings.TINYBIRD_READ_TOKEN"));
        assert!(is_dotted_reference("var.slo_report_config.slack_bot_token"));
        assert!(!is_dotted_reference(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        ));
        assert!(!is_dotted_reference("Zq8fxW3kpL9dmK2s"));
        assert!(describes_a_secret("test-token"));
        assert!(!describes_a_secret("pass-7Hq2xLz9"));
    }
}
