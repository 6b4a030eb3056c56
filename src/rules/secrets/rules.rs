//! The SE rules' declarations; the scan in `mod.rs` reports under them.

use crate::declare_rule;

declare_rule! {
    /// ## What it checks
    /// A credential issued by a known provider, recognised by its format:
    /// AWS access key ids (and secret keys next to their name), GitHub
    /// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab
    /// (`glpat-`), Slack tokens and webhook URLs, Stripe live and restricted
    /// keys, Google API keys (Google AI Studio's included), OpenAI,
    /// Anthropic, Hugging Face (`hf_`), Groq (`gsk_`), xAI (`xai-`),
    /// Replicate (`r8_`), OpenRouter (`sk-or-v1-`), Perplexity
    /// (`pplx-`) and Tavily (`tvly-`) keys, Cohere keys (they have no
    /// prefix: 40 characters under `CO_API_KEY`, the variable Cohere's SDKs
    /// read, or `COHERE_API_KEY`), SendGrid, Twilio,
    /// npm, PyPI and Docker Hub tokens, and JSON Web Tokens. Placeholders,
    /// vendors' documented example keys and values published on purpose
    /// (the Google API key and OAuth client Debian's Chromium package
    /// ships, which Dockerfiles installing Chromium copy) are ignored. The
    /// value is never printed: every report shows its first characters
    /// and a mask.
    ///
    /// Provider tokens are reported in files of every purpose, tests and
    /// examples included (a live key is a leak wherever it is committed),
    /// except JSON Web Tokens: anyone signs one with any key, and in a
    /// test or an example it is a fixture (still masked in every report);
    /// `--purpose all` reports them there too.
    ///
    /// ## Why it matters in production
    /// A token in a repository is a token in every clone, fork and CI log.
    /// Bots scan public pushes within minutes; private repositories leak
    /// through laptops, backups and former employees.
    ///
    /// ## Example
    /// ```shell
    /// GITHUB_TOKEN=ghp_<36 characters>
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// GITHUB_TOKEN=  # provided by the environment
    /// ```
    ///
    /// ## Fix
    /// None: revoke the token, then remove it from the file and its history.
    ///
    /// ## References
    /// - [GitHub: secret scanning patterns](https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns)
    pub struct ProviderToken {
        code: "SE001",
        name: "provider-token",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        purposes: EVERYWHERE,
        fix: None,
        summary: "a provider's token or key is written into a file",
    }
}

declare_rule! {
    /// ## What it checks
    /// A PEM private key block (`-----BEGIN … PRIVATE KEY-----` followed by
    /// key material: a run of 40 or more base64 characters before its END
    /// line, within the kilobyte after the header), in any file prodlint
    /// reads, tests included (there, only material that looks like a key:
    /// DER, an OpenSSH key, or base64 as random as an encrypted key's, not
    /// typed filler under a real header). A header that no material follows describes
    /// the format (`# -----BEGIN PRIVATE KEY----- / <encoded data> /
    /// -----END PRIVATE KEY-----` in a comment) and is not reported. The
    /// whole block is masked in every report, up to the end of the file
    /// when the END line is missing.
    ///
    /// ## Why it matters in production
    /// Whoever has the key can impersonate the server or the deploy user it
    /// belongs to; a committed key has to be considered public.
    ///
    /// ## Example
    /// A `deploy/id_rsa` or a `tls.key` committed next to the code.
    ///
    /// ## Use instead
    /// Keep keys in the secret store of the platform (Kubernetes Secrets,
    /// GitHub Actions secrets, a vault) and mount them at run time.
    ///
    /// ## Fix
    /// None: replace the key pair, then remove the file and its history.
    ///
    /// ## References
    /// - [OWASP: secrets management](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    pub struct PrivateKey {
        code: "SE002",
        name: "private-key",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        purposes: EVERYWHERE,
        fix: None,
        summary: "a private key is written into a file",
    }
}

declare_rule! {
    /// ## What it checks
    /// A database, broker or service URL with an inline password:
    /// `postgresql://app:s3cret@db/app`, `redis://:pw@cache`,
    /// `amqp://user:pw@mq`; and a password handed to a command in a
    /// script, a `RUN` or a workflow step: `curl -u user:pw`,
    /// `wget --password=pw`, `docker login -u user -p pw`. `${VAR}`
    /// references and placeholders are fine, and so is a password that
    /// repeats a name around it, a development default: the URL's user,
    /// host or database (`postgres://app:app@db/app`,
    /// `redis://default:redis@redis`), or the user of another URL of the
    /// file, the project's own name (`redis://default:nostream@redis`
    /// beside `postgresql://nostream:nostream@db/nostream`). In a Python comment that is
    /// prose rather than commented-out code (`# parse
    /// postgres://app:postgres@localhost/app`), a URL is an example of the
    /// format: only a password that looks generated is reported there.
    ///
    /// ## Why it matters in production
    /// Connection strings are copied into logs, error reports and
    /// dashboards, and command lines into shell history, process lists and
    /// CI logs; the password travels with them.
    ///
    /// ## Example
    /// ```shell
    /// DATABASE_URL=postgresql://app:Zq81mR4vT0pXw2@db:5432/app
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DATABASE_URL=postgresql://app:${DB_PASSWORD}@db:5432/app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [The Twelve-Factor App: config](https://12factor.net/config)
    pub struct CredentialInUrl {
        code: "SE003",
        name: "credential-in-url",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "a URL carries a password",
    }
}

declare_rule! {
    /// ## What it checks
    /// A high-entropy value of at least 16 characters assigned to a
    /// secret-like name with `=` or `:`, in any file. The secret word must
    /// be the name's main word, whole: `DB_PASSWORD`, `PGPASSWORD`,
    /// `stripeApiKey`, `SECRET_KEY_BASE` are secret names; `MAX_TOTAL_TOKENS`,
    /// `tokenizer`, `token_count`, `SECRET_VERSION`, `USE_ID_TOKEN` and
    /// names that point at a secret (`*_FILE`, `*_PATH`, `*_URL`) are not.
    /// Numbers, booleans, `latest`, a value that repeats its name
    /// (`SECRET_KEY: secret_key`), placeholders (`change-this-in-production`,
    /// `ThisShouldBeChangedInProduction`), references and low-entropy words
    /// are ignored.
    ///
    /// Python is read through its parse, never as text: only a string
    /// literal is a value. It is a secret when it is assigned to a secret
    /// name (`API_KEY = "…"`, `api_key: str = "…"`, `self.token = "…"`),
    /// passed as a keyword argument of that name, a dict value under that
    /// key, a parameter's default, or compared with that name; a comment
    /// that is commented-out code (`# client_secret = "…"`) counts as code.
    /// Calls, names, attributes, annotations and parameters are never
    /// secrets (`token = jwt.encode(…)`, `password=form.password`,
    /// `access_token: str`), nor are lower-case labels such as enum values
    /// (`access_token = "app_access_token"`). In Python, the other SE rules
    /// report only what sits in a literal or a comment.
    ///
    /// In JSON a value is the whole string of a member under a secret-like
    /// key (`"password": "…"`); `password=…` inside a longer string is
    /// prose. In Terraform only string literals are values
    /// (`data.aws_secretsmanager_secret_version.db.secret_string` and
    /// `var.api_token` are references).
    ///
    /// In test and example files only provider tokens and private keys are
    /// reported, with one exception: an example env file (`.env.example`,
    /// `.env.sample`, `.env.template`) whose secret-named value is a
    /// real-looking random key rather than a placeholder is reported,
    /// because example files are copied into production unchanged.
    ///
    /// ## Why it matters in production
    /// Most leaked credentials have no recognisable prefix: database
    /// passwords, internal API keys, signing secrets. The name next to them
    /// is the clue.
    ///
    /// ## Example
    /// ```yaml
    /// api_key: 3f9c2b7a1e4d8f6093b1c5a7e2d4f8b6
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api_key: ${API_KEY}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [OWASP: secrets management](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    pub struct GenericSecret {
        code: "SE004",
        name: "generic-secret",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.0",
        fix: None,
        summary: "a random-looking value is assigned to a secret-like name",
    }
}
