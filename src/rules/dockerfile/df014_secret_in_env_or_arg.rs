use super::*;
use crate::redact::redact;
use crate::registry::{OptionKind, RuleOption};
use crate::rules::secrets::{is_secret_assignment, is_secret_name};

declare_rule! {
    /// ## What it checks
    /// An `ENV` or `ARG` whose name looks like a secret (`*PASSWORD*`,
    /// `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`,
    /// `*CREDENTIALS*`) with a literal value, and any secret-like `ARG` at
    /// all: build arguments are recorded in the image history. The value is
    /// never printed, only a redacted form. A bare `ARG` named with a
    /// front-end build tool's public prefix (`VITE_`, `NEXT_PUBLIC_`,
    /// `REACT_APP_`, `NUXT_PUBLIC_`, `EXPO_PUBLIC_`, `GATSBY_`,
    /// `VUE_APP_`) for a publishable value (`VITE_ANALYTICS_API_KEY`) is
    /// not reported: its value is compiled into the JavaScript every
    /// browser downloads, public by the framework's design. One whose name
    /// says secret (`NEXT_PUBLIC_STRIPE_SECRET_KEY`, `VITE_DB_PASSWORD`:
    /// a secret shipped to every browser) and a literal value still are.
    ///
    /// ## Why it matters in production
    /// `ENV` values are baked into the image config: anyone who can pull the
    /// image can read them with `docker inspect`. `ARG` values passed with
    /// `--build-arg` end up in `docker history`. Images travel further than
    /// you think: registries, caches, laptops, bug reports.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG PYPI_TOKEN
    /// ENV DATABASE_PASSWORD=s3cr3t-value
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=pypi_token \
    ///     PIP_INDEX_URL="https://__token__:$(cat /run/secrets/pypi_token)@pypi.example.com/simple" \
    ///     pip install --no-cache-dir -r requirements.txt
    /// ```
    /// and pass run-time secrets through the orchestrator's secret store.
    ///
    /// ## Options
    /// - `extra-names`: more name fragments (upper case) that mark a secret.
    /// - `allowed-names`: exact names to accept.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub struct SecretInEnvOrArg {
        code: "DF014",
        name: "secret-in-env-or-arg",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "a secret is set with ENV or passed with ARG",
        options: [
            RuleOption { name: "extra-names", kind: OptionKind::StringList, description: "more name fragments that mark a secret" },
            RuleOption { name: "allowed-names", kind: OptionKind::StringList, description: "exact names to accept" },
        ],
    }
}

impl Rule for SecretInEnvOrArg {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let extra = cx.config.option(Self::META.code, "extra-names");
        let allowed = cx.config.option(Self::META.code, "allowed-names");
        for instr in &cx.dockerfile.instructions {
            let is_arg = match instr.keyword {
                Keyword::Arg => true,
                Keyword::Env => false,
                _ => continue,
            };
            for pair in instr.pairs() {
                if !is_secret_name(&pair.key, extra) || allowed.contains(&pair.key) {
                    continue;
                }
                let raw_value = pair.value_span.map(|s| cx.file.slice(s)).unwrap_or("");
                let literal = pair.value.as_deref().filter(|v| {
                    !raw_value.contains('$') && is_secret_assignment(&pair.key, v, extra)
                });
                match (is_arg, literal) {
                    (_, Some(value)) => {
                        let span = pair.value_span.unwrap_or(pair.span);
                        out.report(&Self::META, pair.key_span, format!(
                            "{} `{}` bakes a secret into the image (value `{}`)",
                            instr.keyword.as_str(), pair.key, redact(value)
                        ))
                        .help("pass secrets at run time, or at build time with `RUN --mount=type=secret`")
                        .secret(span);
                    }
                    // A front-end build's public variable (`VITE_…`,
                    // `NEXT_PUBLIC_…`) is compiled into the JavaScript every
                    // browser downloads: a publishable key, public by the
                    // framework's design, whatever the history records.
                    (true, None) if is_public_build_variable(&pair.key) => {}
                    (true, None) => {
                        out.report(
                            &Self::META,
                            pair.key_span,
                            format!(
                                "ARG `{}` is recorded in the image history when it is passed",
                                pair.key
                            ),
                        )
                        .help("use `RUN --mount=type=secret,id=…` for build-time secrets");
                    }
                    (false, None) => {}
                }
            }
        }
    }
}

/// Prefixes front-end build tools reserve for values they compile into
/// the browser bundle: Vite, Next.js, Create React App, Nuxt, Expo,
/// Gatsby, Vue CLI (not SvelteKit's bare `PUBLIC_`, which back ends use
/// too).
const PUBLIC_PREFIXES: &[&str] = &[
    "VITE_",
    "NEXT_PUBLIC_",
    "REACT_APP_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "GATSBY_",
    "VUE_APP_",
];

/// A public variable that names a publishable value (an analytics key,
/// a maps token, a client id), not a secret one: a
/// `NEXT_PUBLIC_STRIPE_SECRET_KEY` is the classic front-end leak and
/// stays reported.
fn is_public_build_variable(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    PUBLIC_PREFIXES.iter().any(|p| upper.starts_with(p))
        && !["SECRET", "PASSWORD", "PASSWD", "PRIVATE", "CREDENTIAL"]
            .iter()
            .any(|w| upper.contains(w))
}
