use super::*;
use crate::rules::workflow::helpers::source_offset;

declare_rule! {
    /// ## What it checks
    /// A container `env` value, `command` or `args` entry that refers to
    /// another variable of the same container with shell syntax —
    /// `${DB_HOST}` or `$DB_HOST` — which Kubernetes never expands. Its
    /// syntax is `$(DB_HOST)`, for variables defined earlier in the list.
    /// Only names the container itself defines are reported: a `${VAR}`
    /// naming nothing there may be meant for a template tool (`envsubst`)
    /// that runs before `kubectl apply`. In `command`/`args` only `${VAR}`
    /// is reported (a shell started with `sh -c` expands `$VAR` itself).
    ///
    /// ## Why it matters in production
    /// The app receives the literal text: it connects to
    /// `postgres://${DB_USER}@${DB_HOST}/app` and fails at start-up, or
    /// worse, keeps a default where the value was meant to go.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - {name: DB_HOST, value: db.internal}
    ///   - {name: DATABASE_URL, value: "postgresql://app@${DB_HOST}/app"}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///   - {name: DATABASE_URL, value: "postgresql://app@$(DB_HOST)/app"}
    /// ```
    ///
    /// ## Fix
    /// Safe, for env values: `${NAME}` becomes `$(NAME)` when `NAME` is
    /// defined earlier in the same list (where Kubernetes expands it).
    ///
    /// ## References
    /// - [Kubernetes: define dependent environment variables](https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/)
    pub struct EnvShellSyntax {
        code: "KU019",
        name: "env-shell-syntax",
        severity: Warning,
        fix: Safe,
        summary: "an env value uses `${VAR}`, which Kubernetes never expands",
    }
}

/// Shell-style references in a text: (byte range, name, braced).
fn references(text: &str) -> Vec<(usize, usize, &str, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // `$$` escapes a dollar in Kubernetes.
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'$') {
            i += 2;
            continue;
        }
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = bytes.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let name = &text[start..end];
        let closed = !braced || bytes.get(end) == Some(&b'}');
        if !name.is_empty() && !name.as_bytes()[0].is_ascii_digit() && closed {
            let stop = end + usize::from(braced);
            out.push((i, stop, name, braced));
            i = stop;
        } else {
            i += 1;
        }
    }
    out
}

impl Rule for EnvShellSyntax {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.every_container() {
            let env = c.env();
            let names: Vec<&str> = env.iter().map(|(n, _)| n.text.as_str()).collect();
            // Env values: both forms; the fix where the name comes earlier.
            for (i, (name, value)) in env.iter().enumerate() {
                let Some(value) = value else { continue };
                let Some(text) = value.as_str() else { continue };
                for (a, b, var, braced) in references(text) {
                    if !names.contains(&var) || var == name.text {
                        continue;
                    }
                    let earlier = names[..i].contains(&var);
                    let shown = &text[a..b];
                    // The reference in the source, where the scalar is written as
                    // it reads (no escapes before it); else the whole value.
                    let at = crate::source::Span::new(
                        source_offset(cx.file, value, a),
                        source_offset(cx.file, value, b),
                    );
                    let span = if cx.file.slice(at) == shown {
                        at
                    } else {
                        value.span
                    };
                    let b = out
                        .report(
                            &Self::META,
                            span,
                            format!(
                                "`{shown}` in `{}` of {} is passed as written: Kubernetes expands `$({var})`, not shell syntax",
                                name.text,
                                describe(w, &c)
                            ),
                        )
                        .help(if earlier {
                            format!("write `$({var})`")
                        } else {
                            format!("define `{var}` before `{}` and write `$({var})`", name.text)
                        });
                    if earlier && braced && span != value.span {
                        b.fix(
                            Applicability::Safe,
                            format!("write `$({var})`"),
                            vec![Edit::replace(span, format!("$({var})"))],
                        );
                    }
                }
            }
            // `command`/`args`: only `${VAR}` (`$VAR` is for a shell).
            for key in ["command", "args"] {
                let items = c.get(key).and_then(Node::as_seq).unwrap_or(&[]);
                for item in items {
                    let Some(text) = item.as_str() else { continue };
                    let shell = items.iter().any(|i| {
                        matches!(
                            i.as_str(),
                            Some("-c" | "sh" | "bash" | "/bin/sh" | "/bin/bash")
                        )
                    });
                    if shell {
                        break;
                    }
                    if let Some((_, _, var, _)) = references(text)
                        .into_iter()
                        .find(|(_, _, v, braced)| *braced && names.contains(v))
                    {
                        out.report(
                            &Self::META,
                            item.span,
                            format!(
                                "`${{{var}}}` in `{key}` of {} is passed as written: Kubernetes expands `$({var})`",
                                describe(w, &c)
                            ),
                        )
                        .help(format!("write `$({var})`"));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn forms() {
        let r = references("a ${X} $Y $(Z) $$W ${1}");
        let names: Vec<&str> = r.iter().map(|x| x.2).collect();
        assert_eq!(names, vec!["X", "Y"]);
        assert_eq!((r[0].0, r[0].1), (2, 6));
    }
}
