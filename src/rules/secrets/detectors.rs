//! The secret detectors: literal prefixes for one aho-corasick pass, and a
//! regex per detector to confirm and delimit the secret.

use regex_automata::meta::Regex;
use std::sync::LazyLock;

/// Which rule a detector reports under, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    PrivateKey = 0,
    ProviderToken = 1,
    CredentialInUrl = 2,
    GenericSecret = 3,
}

pub struct Detector {
    /// Shown in the message: `GitHub token`.
    pub what: &'static str,
    pub kind: Kind,
    /// Literal text every match contains at its start (matched case-insensitively
    /// for generic detectors).
    pub prefixes: &'static [&'static str],
    /// Confirms and delimits a match on a line that holds a prefix; the
    /// `secret` group (or the whole match) is what gets redacted. Not
    /// anchored: it runs once over the whole line, so that a line made of
    /// prefixes costs one pass rather than one pass per prefix.
    pub pattern: &'static str,
    /// A condition every line the regex matches meets, cheaper than the
    /// regex (see `quick`): a line that fails it is not searched, and the
    /// regex is not even compiled until a line passes.
    pub quick: Option<fn(&str) -> bool>,
}

pub const DETECTORS: &[Detector] = &[
    Detector {
        what: "AWS access key id",
        kind: Kind::ProviderToken,
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        pattern: r"(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b",
        quick: None,
    },
    Detector {
        what: "AWS secret access key",
        kind: Kind::ProviderToken,
        prefixes: &["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"],
        pattern: r#"(?i:aws_secret_access_key)["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9/+=]{40})\b"#,
        quick: Some(super::quick::aws_secret),
    },
    // Cohere keys have no prefix: one is known by the variable Cohere's
    // SDKs read it from (`CO_API_KEY`) or the name most code gives it.
    Detector {
        what: "Cohere API key",
        kind: Kind::ProviderToken,
        prefixes: &["co_api_key", "cohere_api_key"],
        pattern: r#"(?i:\b(?:co|cohere)_api_key)["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9]{40})\b"#,
        quick: Some(super::quick::cohere),
    },
    Detector {
        what: "GitHub token",
        kind: Kind::ProviderToken,
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        pattern: r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255})\b",
        quick: None,
    },
    Detector {
        what: "GitHub fine-grained token",
        kind: Kind::ProviderToken,
        prefixes: &["github_pat_"],
        pattern: r"(?P<secret>github_pat_[A-Za-z0-9_]{60,255})\b",
        quick: None,
    },
    Detector {
        what: "GitLab token",
        kind: Kind::ProviderToken,
        prefixes: &["glpat-"],
        pattern: r"(?P<secret>glpat-[A-Za-z0-9_-]{20,})\b",
        quick: None,
    },
    Detector {
        what: "Slack token",
        kind: Kind::ProviderToken,
        prefixes: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-"],
        pattern: r"(?P<secret>(?:xox[bpars]|xapp)-[A-Za-z0-9-]{10,})",
        quick: None,
    },
    Detector {
        what: "Slack webhook URL",
        kind: Kind::ProviderToken,
        prefixes: &["https://hooks.slack.com/"],
        pattern: r"https://hooks\.slack\.com/(?:services|workflows)/(?P<secret>[A-Za-z0-9/_-]{20,})",
        quick: None,
    },
    Detector {
        what: "Stripe live key",
        kind: Kind::ProviderToken,
        prefixes: &["sk_live_", "rk_live_"],
        pattern: r"(?P<secret>[sr]k_live_[A-Za-z0-9]{20,})\b",
        quick: None,
    },
    Detector {
        what: "Google API key",
        kind: Kind::ProviderToken,
        prefixes: &["AIza"],
        pattern: r"(?P<secret>AIza[0-9A-Za-z_-]{35})\b",
        quick: None,
    },
    Detector {
        what: "OpenAI API key",
        kind: Kind::ProviderToken,
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-"],
        pattern: r"(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})",
        quick: None,
    },
    Detector {
        what: "Anthropic API key",
        kind: Kind::ProviderToken,
        prefixes: &["sk-ant-"],
        pattern: r"(?P<secret>sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,})",
        quick: None,
    },
    Detector {
        what: "Hugging Face token",
        kind: Kind::ProviderToken,
        prefixes: &["hf_"],
        pattern: r"\b(?P<secret>hf_[A-Za-z0-9]{34})\b",
        quick: None,
    },
    Detector {
        what: "Groq API key",
        kind: Kind::ProviderToken,
        prefixes: &["gsk_"],
        pattern: r"\b(?P<secret>gsk_[A-Za-z0-9]{52})\b",
        quick: None,
    },
    Detector {
        what: "xAI API key",
        kind: Kind::ProviderToken,
        prefixes: &["xai-"],
        pattern: r"\b(?P<secret>xai-[A-Za-z0-9]{80})\b",
        quick: None,
    },
    Detector {
        what: "Replicate API token",
        kind: Kind::ProviderToken,
        prefixes: &["r8_"],
        pattern: r"\b(?P<secret>r8_[A-Za-z0-9]{37})\b",
        quick: None,
    },
    Detector {
        what: "OpenRouter API key",
        kind: Kind::ProviderToken,
        prefixes: &["sk-or-v1-"],
        pattern: r"(?P<secret>sk-or-v1-[a-f0-9]{64})\b",
        quick: None,
    },
    Detector {
        what: "Perplexity API key",
        kind: Kind::ProviderToken,
        prefixes: &["pplx-"],
        pattern: r"\b(?P<secret>pplx-[A-Za-z0-9]{48})\b",
        quick: None,
    },
    Detector {
        what: "Tavily API key",
        kind: Kind::ProviderToken,
        prefixes: &["tvly-"],
        // `tvly-` then the key, newer ones with their type (`tvly-dev-…`).
        pattern: r"\b(?P<secret>tvly-(?:dev-|prod-)?[A-Za-z0-9]{24,64})\b",
        quick: None,
    },
    Detector {
        what: "SendGrid API key",
        kind: Kind::ProviderToken,
        prefixes: &["SG."],
        pattern: r"(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b",
        quick: None,
    },
    Detector {
        what: "Twilio API key",
        kind: Kind::ProviderToken,
        prefixes: &["SK"],
        pattern: r"(?P<secret>SK[0-9a-f]{32})\b",
        quick: None,
    },
    Detector {
        what: "npm token",
        kind: Kind::ProviderToken,
        prefixes: &["npm_"],
        pattern: r"(?P<secret>npm_[A-Za-z0-9]{36})\b",
        quick: None,
    },
    Detector {
        what: "PyPI token",
        kind: Kind::ProviderToken,
        prefixes: &["pypi-AgEIcHlwaS5vcmc"],
        pattern: r"(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})",
        quick: None,
    },
    Detector {
        what: "Docker Hub token",
        kind: Kind::ProviderToken,
        prefixes: &["dckr_pat_"],
        pattern: r"(?P<secret>dckr_pat_[A-Za-z0-9_-]{27,})",
        quick: None,
    },
    Detector {
        what: "JSON Web Token",
        kind: Kind::ProviderToken,
        prefixes: &["eyJ"],
        pattern: r"(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
        quick: None,
    },
    Detector {
        what: "private key",
        kind: Kind::PrivateKey,
        prefixes: &["-----BEGIN "],
        pattern: r"(?P<secret>-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----)",
        quick: None,
    },
    Detector {
        what: "password in a URL",
        kind: Kind::CredentialInUrl,
        prefixes: &["://"],
        // ASCII classes, not `\w` and `\s`: the same matches on URLs, and a
        // third of the time to compile (the Unicode classes, folded for
        // case, make most of the automaton).
        pattern: r"(?i)(?:postgres(?:ql)?(?:\+[0-9A-Za-z_]+)?|mysql(?:\+[0-9A-Za-z_]+)?|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|oracle|https?|ftp|sftp|smtp|ldap)://(?P<name>[^\t\n\x0B\x0C\r /:@'\x22]*):(?P<secret>[^\t\n\x0B\x0C\r /@'\x22]+)@",
        quick: Some(super::quick::url_password),
    },
    // A password handed to a command: `curl -u user:pw`, `wget
    // --password=pw`, `docker login -u user -p pw`. A `$VAR`, `${{ … }}`,
    // `{name}` (an f-string or a format), `<pw>` or `%s` in its place is a
    // reference, not a secret; `-u user` with no `:` has no password.
    Detector {
        what: "password on a command line",
        kind: Kind::CredentialInUrl,
        prefixes: &[
            "-u ",
            "-u\"",
            "-u'",
            "--user ",
            "--user=",
            "--proxy-user",
            "-U ",
            "--password",
            "--http-password",
            "--ftp-password",
            "--proxy-password",
            " -p ",
        ],
        pattern: r#"(?:(?:^|[\s;&|(])(?:-u|-U|--user|--proxy-user)(?:\s+|=)["']?(?P<name>[^\s:"'$`{<%]+):(?P<secret>[^\s"'$`{<%][^\s"'$`]*)|(?:^|\s)--(?:http-|ftp-|proxy-)?password(?:\s+|=)["']?(?P<secret2>[^\s"'$`{<%-][^\s"'$`]*)|\blogin\b[^\n]*?\s(?:-p|--password)\s+["']?(?P<secret3>[^\s"'$`{<%-][^\s"'$`]*))"#,
        quick: Some(super::quick::command_line_password),
    },
    Detector {
        what: "a random-looking value under a secret-like name",
        kind: Kind::GenericSecret,
        // The last ones never confirm here (the pattern names its own
        // words); they tell the Python scan that a secret name may be
        // written in the file.
        prefixes: &[
            "password",
            "passwd",
            "secret",
            "token",
            "api_key",
            "apikey",
            "private_key",
            "access_key",
            "pwd",
            "passphrase",
            "credential",
            "api-key",
            "auth_key",
            "authkey",
            "signing_key",
            "encryption_key",
            "master_key",
            "app_key",
            "appkey",
        ],
        pattern: r#"(?i)(?P<name>[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api_?key|private_?key|access_?key)[A-Za-z0-9_.-]*)["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9+/=_.~!@#%^&*-]{16,})"#,
        quick: Some(super::quick::generic),
    },
];

pub struct Compiled {
    /// The prefixes and names of the detectors whose regexes ignore case,
    /// searched with ASCII case ignored, and the others' as written (a
    /// provider's `AKIA`, `ghp_`: the regex would not confirm another
    /// case). One pass each over every file; the regexes then decide.
    pub groups: [Prefixes; 2],
    /// Each detector's confirming regex, compiled the first time its
    /// prefix is seen: most runs need few of them.
    regexes: Vec<std::sync::OnceLock<Option<Regex>>>,
}

/// Prefixes searched together: `owner[i]` is the detector of word `i`
/// and `len[i]` its length.
pub struct Prefixes {
    pub words: crate::words::Words,
    pub owner: Vec<usize>,
    pub len: Vec<usize>,
}

impl Prefixes {
    fn new(case_insensitive: bool) -> Option<Prefixes> {
        let mut prefixes = Vec::new();
        let mut owner = Vec::new();
        for (i, d) in DETECTORS.iter().enumerate() {
            if d.pattern.contains("(?i") == case_insensitive {
                for p in d.prefixes {
                    prefixes.push(*p);
                    owner.push(i);
                }
            }
        }
        Some(Prefixes {
            words: crate::words::Words::new(&prefixes, case_insensitive)?,
            owner,
            len: prefixes.iter().map(|p| p.len()).collect(),
        })
    }
}

impl Compiled {
    pub fn regex(&self, detector: usize) -> Option<&Regex> {
        let pattern = DETECTORS.get(detector)?.pattern;
        self.regexes
            .get(detector)?
            .get_or_init(|| {
                // Without the literal prefilter the regex crate would add:
                // its regexes run on lines where their prefix was found
                // already, and for the case-insensitive ones the prefilter
                // is most of the build (the generic detector's: 0.55 ms
                // with it, 0.14 ms without). The same matches either way.
                Regex::builder()
                    .configure(Regex::config().auto_prefilter(false))
                    .build(pattern)
                    .ok()
            })
            .as_ref()
    }
}

pub static COMPILED: LazyLock<Option<Compiled>> = LazyLock::new(|| {
    let regexes = DETECTORS
        .iter()
        .map(|_| std::sync::OnceLock::new())
        .collect();
    Some(Compiled {
        groups: [Prefixes::new(true)?, Prefixes::new(false)?],
        regexes,
    })
});

#[cfg(test)]
mod compile_tests {
    use super::*;

    /// Regexes compile on first use: a broken one would silently turn its
    /// detector off, so every one is compiled here.
    #[test]
    fn every_detector_regex_compiles() {
        let c = COMPILED.as_ref();
        assert!(c.is_some(), "the automata build");
        for (i, d) in DETECTORS.iter().enumerate() {
            assert!(
                c.and_then(|c| c.regex(i)).is_some(),
                "detector {i} ({}) has a broken regex",
                d.pattern
            );
        }
    }
}
