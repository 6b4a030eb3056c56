//! PL: findings about prodlint's own run (parse errors, skipped files,
//! suppressions, internal errors). The engine reports these; no rule
//! function does.

use crate::declare_rule;
use crate::registry::RuleMeta;

declare_rule! {
    /// ## What it checks
    /// A file prodlint reads has a syntax error: an unknown Dockerfile
    /// instruction, a flag the instruction does not take, an unterminated
    /// heredoc, an instruction before the first `FROM`.
    ///
    /// ## Why it matters in production
    /// The build or the tool that reads the file rejects it, or reads
    /// something other than what the author meant. Other rules skip the
    /// malformed part, so its problems go unreported until it is fixed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --frm=build /app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub struct ParseError {
        code: "PL001",
        name: "parse-error",
        severity: Error,
        purposes: EVERYWHERE,
        fix: None,
        summary: "the file has a syntax error",
    }
}

declare_rule! {
    /// ## What it checks
    /// A `# prodlint: ignore[...]` comment names a rule that reports nothing
    /// on the lines it covers.
    ///
    /// ## Why it matters in production
    /// Stale suppressions hide the next real finding on that line, and
    /// readers cannot tell which exceptions still matter.
    ///
    /// ## Example
    /// ```dockerfile
    /// # prodlint: ignore[DF010]
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// None: delete the comment or the code.
    ///
    /// ## References
    /// - [Suppressions](../README.md#suppressing-findings)
    pub struct UnusedSuppression {
        code: "PL002",
        name: "unused-suppression",
        severity: Warning,
        purposes: EVERYWHERE,
        fix: None,
        summary: "a suppression comment matches no finding",
    }
}

declare_rule! {
    /// ## What it checks
    /// A file that prodlint was asked to lint could not be read as text:
    /// it is larger than `max-file-size` (5 MiB by default), binary, not
    /// UTF-8, unreadable, or of a kind prodlint does not know. Also a file
    /// read only in part: YAML past a reader's limit, a gunicorn
    /// configuration or an app's Python module nested deeper than the
    /// parser's guard allows (more than 200 brackets deep, or more than
    /// 50,000 operators), where the app rules did not check the module
    /// (its secrets are still scanned as text).
    ///
    /// ## Why it matters in production
    /// Nothing in that file was checked. A silent skip would let a broken
    /// file pass review as "clean".
    ///
    /// ## Example
    /// A `Dockerfile` saved in UTF-16 by an editor.
    ///
    /// ## Use instead
    /// Save the file as UTF-8, or raise `max-file-size` in the configuration.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Configuration](../README.md#configuration)
    pub struct FileSkipped {
        code: "PL003",
        name: "file-skipped",
        severity: Warning,
        purposes: EVERYWHERE,
        fix: None,
        summary: "a file could not be linted and was skipped",
    }
}

declare_rule! {
    /// ## What it checks
    /// prodlint itself failed (a bug) while checking a file. The other
    /// files are still checked, and the run exits with code 2.
    ///
    /// ## Why it matters in production
    /// The file was not fully checked. Please report the bug with the file
    /// that triggers it.
    ///
    /// ## Example
    /// Any input that makes a rule panic.
    ///
    /// ## Use instead
    /// Report it; exclude the file meanwhile.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Exit codes](../README.md#exit-codes)
    pub struct InternalError {
        code: "PL004",
        name: "internal-error",
        severity: Error,
        purposes: EVERYWHERE,
        fix: None,
        summary: "prodlint failed while checking this file",
    }
}

declare_rule! {
    /// ## What it checks
    /// A `# prodlint:` comment that prodlint cannot read: an unknown code or
    /// rule name, a directive other than `ignore` / `ignore-file`, a
    /// missing `]`.
    ///
    /// ## Why it matters in production
    /// The comment suppresses nothing, so the author's intent is lost and
    /// the finding they meant to accept keeps failing CI — or a typo hides
    /// that a suppression never worked.
    ///
    /// ## Example
    /// ```dockerfile
    /// # prodlint: ignore[DF999]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # prodlint: ignore[DF009] base image has no security updates yet
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Suppressions](../README.md#suppressing-findings)
    pub struct InvalidSuppression {
        code: "PL005",
        name: "invalid-suppression",
        severity: Warning,
        purposes: EVERYWHERE,
        fix: None,
        summary: "a suppression comment names an unknown rule or is malformed",
    }
}

declare_rule! {
    /// ## What it checks
    /// A Dockerfile, compose file or Kubernetes manifest with template
    /// directives (`{{ … }}`, `{% … %}`: Helm, Jinja, cookiecutter) outside
    /// quoted strings and YAML block scalars. It is not what will run until
    /// it is rendered, so it gets this one note and no other finding (no
    /// parse error either). `{{` inside a quoted argument or a block scalar
    /// (a chat template in a ConfigMap) and GitHub's `${{ … }}` do not make
    /// a file a template. In a Helm chart only `templates/` holds
    /// templates: its `values.yaml` ships as configuration and is read as
    /// such.
    ///
    /// ## Why it matters in production
    /// Linting a template as if it were the file yields parse errors and
    /// findings about placeholders; the rendered output is what runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:{{ cookiecutter.python_version }}-slim
    /// ```
    ///
    /// ## Use instead
    /// Lint the rendered output: `helm template . | prodlint check
    /// --stdin-filename rendered.yaml`, or the project a cookiecutter
    /// generates.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [File purposes](../README.md#file-purposes)
    pub struct TemplateNotLinted {
        code: "PL006",
        name: "template-not-linted",
        severity: Info,
        purposes: EVERYWHERE,
        fix: None,
        summary: "a template is not linted until it is rendered",
    }
}

pub static RULES: &[&RuleMeta] = &[
    &ParseError::META,
    &UnusedSuppression::META,
    &FileSkipped::META,
    &InternalError::META,
    &InvalidSuppression::META,
    &TemplateNotLinted::META,
];
