use super::*;
use crate::parse::dockerfile::paths;
use crate::project::facts::credentials;

declare_rule! {
    /// ## What it checks
    /// `COPY` or `ADD` of a file that holds credentials: `.env` and
    /// `.env.*` (templates such as `.env.example` excepted), private keys
    /// (`id_rsa`, `id_ed25519`, `*.pem`, `*.key`, `*.p12`, `*.pfx`), the
    /// `.ssh`, `.aws`, `.docker` and `.git` folders, `.npmrc`, `.pypirc`,
    /// `.netrc`, `credentials.json`, `service-account*.json`.
    ///
    /// Only what reaches the final image counts: a file copied into a
    /// builder stage is reported when the final image is built FROM that
    /// stage or copies the folder holding it out with `COPY --from`. An
    /// `.npmrc`, `.pypirc` or `.netrc` the repository holds is judged by
    /// its lines: one whose tokens are all read from the environment when
    /// the tool runs (`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`), or
    /// that sets only a registry, holds no credential and is not reported;
    /// one with a literal token is, and the message gives that line's
    /// number (not the line: the token must not be printed).
    /// A credential file the repository does not hold (ignored, or made by
    /// the build) is reported: it holds whatever the machine that builds
    /// has.
    ///
    /// ## Why it matters in production
    /// Whatever is copied into a layer stays in the image even if a later
    /// step deletes it, and the image is pushed to registries and pulled
    /// onto every node. A `.git` folder also carries the full history,
    /// including secrets that were "removed" years ago.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .env /app/.env
    /// ```
    ///
    /// ## Use instead
    /// Pass configuration as environment variables at run time (compose
    /// `env_file`, Kubernetes Secrets), and list `.env*` in `.dockerignore`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub struct SensitiveFileCopied {
        code: "DF015",
        name: "sensitive-file-copied",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "a credentials file is copied into the image",
    }
}

const TEMPLATE_SUFFIXES: &[&str] = &[
    ".example",
    ".sample",
    ".template",
    ".dist",
    ".defaults",
    ".tmpl",
];
const SENSITIVE_NAMES: &[&str] = &[
    ".env",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "credentials.json",
    ".git-credentials",
    ".htpasswd",
];
const SENSITIVE_DIRS: &[&str] = &[".ssh", ".aws", ".git", ".docker", ".gnupg", ".kube"];
const KEY_EXTENSIONS: &[&str] = &[".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"];

/// Why a copied path is sensitive, if it is.
pub(super) fn sensitive(path: &str) -> Option<&'static str> {
    let trimmed = path.trim_end_matches('/');
    let parts: Vec<&str> = trimmed
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let name = parts.last().copied().unwrap_or("");
    let lower = name.to_ascii_lowercase();
    if TEMPLATE_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return None;
    }
    let env_file = lower == ".env"
        || lower.starts_with(".env.")
        || (lower.ends_with(".env") && !lower.contains('*'));
    if env_file {
        return Some("an environment file with settings and secrets");
    }
    if SENSITIVE_NAMES.contains(&lower.as_str())
        || lower.starts_with("id_rsa")
        || lower.starts_with("service-account") && lower.ends_with(".json")
    {
        return Some("a credentials file");
    }
    if parts
        .iter()
        .any(|p| SENSITIVE_DIRS.contains(&p.to_ascii_lowercase().as_str()))
    {
        return Some("a folder of credentials or repository history");
    }
    if KEY_EXTENSIONS.iter().any(|e| lower.ends_with(e)) && !lower.ends_with(".pub") {
        return Some("a private key or certificate store");
    }
    None
}

impl Rule for SensitiveFileCopied {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        let dirs = paths::workdirs(df);
        let context = cx.project.build_context(&cx.file.path);
        // Bounded: a crafted file of thousands of sensitive copies costs a
        // bounded number of stage walks.
        let mut budget = 64usize;
        for (at, instr) in df.instructions.iter().enumerate() {
            if !matches!(instr.keyword, Keyword::Copy | Keyword::Add)
                || instr.flag("from").is_some()
            {
                continue;
            }
            let words = instr.words();
            let Some((dest, sources)) = words.split_last() else {
                continue;
            };
            let dir = dirs.get(at).map_or("/", String::as_str);
            for src in sources {
                if src.text.starts_with("<<") || src.text.contains("://") {
                    continue;
                }
                let Some(why) = sensitive(&src.text) else {
                    continue;
                };
                // Only what reaches the final image ships: a builder
                // stage's file stays behind unless the final image copies
                // its folder out.
                let base = src.text.trim_end_matches('/');
                let name = base.rsplit('/').next().unwrap_or(base);
                let landed = paths::destination(dir, &dest.text, name, sources.len() > 1);
                let Some(left) = budget.checked_sub(1) else {
                    return;
                };
                budget = left;
                if !paths::reaches_final_with(df, &dirs, at, &landed) {
                    continue;
                }
                // A credential file is judged by its lines when the
                // repository holds it.
                let read = credentials::is_credential_file(name)
                    .then(|| cx.project.credential_file(&context.join(&src.text)))
                    .flatten();
                // Where the credential is, by line only: a related
                // location would show the line, and not every credential
                // is one the secret detectors know to mask.
                let held = match read {
                    Some(None) => continue,
                    Some(Some(line)) => cx.project.source_of(&line.file).map(|f| {
                        format!(
                            " (line {} of `{}` holds a literal credential)",
                            f.region(line.span).start.line,
                            crate::report::report_path(&line.file)
                        )
                    }),
                    None => None,
                };
                out.report(
                    &Self::META,
                    src.span,
                    format!(
                        "`{}` is {why}: it stays in the image for anyone who pulls it{}",
                        src.text,
                        held.unwrap_or_default()
                    ),
                )
                .help("pass settings at run time and list the file in `.dockerignore`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sensitive;

    #[test]
    fn classifies_paths() {
        assert!(sensitive(".env").is_some());
        assert!(sensitive("./config/.env.production").is_some());
        assert!(sensitive(".env.example").is_none());
        assert!(sensitive("deploy/prod.env").is_some());
        assert!(sensitive("/root/.ssh/").is_some());
        assert!(sensitive("certs/server.key").is_some());
        assert!(sensitive("app/").is_none());
        assert!(sensitive("requirements.txt").is_none());
    }
}
