use super::*;
use crate::project::facts::app::Settings;
use std::collections::BTreeSet;
use std::path::PathBuf;

declare_rule! {
    /// ## What it checks
    /// A pydantic settings class that reads a dotenv file (`env_file=".env"`)
    /// while no deploy of its app puts that file in the container — the
    /// image does not copy it (no `COPY` of it, and a whole-context copy
    /// leaves it out: the `.dockerignore` excludes it, or the context has
    /// none), and no compose volume or Kubernetes `volumeMounts` entry
    /// mounts a file of that name — and the deploys set the class's
    /// variables in their environment instead. The deploys are found as
    /// XR007 finds them; a deploy that mounts anything at the app's folder
    /// is unknown and silences the finding, and so does a compose file
    /// with a file of that name beside it: compose reads it to fill the
    /// `${VAR}` references of the file, so it does configure the deploy.
    ///
    /// The reverse — the file copied into the image — is DF015's.
    ///
    /// ## Why it matters in production
    /// In production the file is never read: the values that count are the
    /// deploy's. A `.env` in the repository that looks like the app's
    /// configuration misleads whoever edits it to change production, and
    /// pydantic silently falls back to the environment.
    ///
    /// ## Example
    /// `SettingsConfigDict(env_prefix="APP_", env_file=".env")`; the
    /// Deployment sets `APP_DATABASE_URL` in `env:` and the image's
    /// `.dockerignore` excludes `.env`.
    ///
    /// ## Use instead
    /// Keep `env_file` for development only (read it when an
    /// `ENVIRONMENT=development` variable says so), or document that the
    /// deploy's environment is the configuration.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [pydantic-settings: dotenv support](https://docs.pydantic.dev/latest/concepts/pydantic_settings/#dotenv-env-support)
    pub struct EnvFileNotLoaded {
        code: "XR011",
        name: "env-file-not-loaded",
        severity: Info,
        fix: None,
        summary: "the settings read an env file that no deploy puts in the container",
    }
}

impl Rule for EnvFileNotLoaded {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let model = cx.project.app_model();
        let classes: Vec<(&PathBuf, &Settings)> = model
            .settings()
            .filter(|(_, s)| !s.env_files.is_empty())
            .collect();
        if classes.is_empty() {
            return;
        }
        // The units serving each package root, in the units' order: asked
        // once per unit, not once per unit and class.
        let mut serving: crate::hashing::FastMap<PathBuf, Vec<&Unit>> = Default::default();
        for unit in cx.project.units() {
            let roots: BTreeSet<PathBuf> = unit
                .runs
                .iter()
                .filter_map(|run| servers_of(unit, run)?.first())
                .filter_map(|s| cx.project.app_of(s))
                .map(|(m, _)| model.package_root(&m))
                .collect();
            for root in roots {
                serving.entry(root).or_default().push(unit);
            }
        }
        let mut seen = BTreeSet::new();
        for (k, class) in classes {
            let root = model.package_root(k);
            let names: Vec<&str> = class
                .env_files
                .iter()
                .map(|f| f.rsplit('/').next().unwrap_or(f))
                .collect();
            let mut deploys: Vec<&Run> = Vec::new();
            let mut loaded = false;
            for unit in serving.get(&root).into_iter().flatten() {
                if names.iter().any(|n| image_holds(cx, unit, n)) {
                    loaded = true;
                }
                for run in &unit.runs {
                    // Compose reads a `.env` beside the compose file to fill
                    // `${VAR}` in it: the file configures the deploy then.
                    let interpolated = matches!(run.runner, Runner::Compose { .. })
                        && names.iter().any(|n| {
                            let dir = crate::project::dir_of(&crate::project::key(&run.at.file));
                            cx.project.first_known(&[dir.join(n)]).is_some()
                        });
                    if run
                        .mounts
                        .iter()
                        .any(|m| names.iter().any(|n| m.rsplit('/').next() == Some(*n)))
                        || run.env_open
                        || !run.env_from.is_empty()
                        || interpolated
                    {
                        loaded = true;
                    }
                    deploys.push(run);
                }
            }
            if loaded || deploys.is_empty() {
                continue;
            }
            // The deploys set the class's variables another way.
            let sets_any = deploys.iter().any(|run| {
                run.env.iter().any(|(key, _)| {
                    class.fields.iter().any(|(_, env)| {
                        env.iter().any(|e| {
                            if class.case_sensitive {
                                e == key
                            } else {
                                e.eq_ignore_ascii_case(key)
                            }
                        })
                    })
                })
            });
            if !sets_any {
                continue;
            }
            let at = Loc::new(k, class.at);
            if !seen.insert(at.clone()) {
                continue;
            }
            let mut b = out
                .report(
                    &Self::META,
                    &at,
                    format!(
                        "`{}` reads `{}`, but no deploy of the app puts it in the container, and they set its variables in the environment: in production the file is never read",
                        class.class,
                        class.env_files.join("`, `")
                    ),
                )
                .help("read the env file in development only, or say that the deploy's environment is the configuration");
            for run in deploys.iter().take(4) {
                b = cx.related(b, &run.at, "sets the variables here");
            }
        }
    }
}

/// Does the image of `unit` hold a file named `name` from its build
/// context: a `COPY` of it, or a whole-context copy that keeps it (the
/// file is in the context and the `.dockerignore` does not exclude it)?
fn image_holds(
    cx: &ProjectContext<'_>,
    unit: &crate::project::facts::units::Unit,
    name: &str,
) -> bool {
    let Some(built) = cx.project.dockerfile(&unit.dockerfile) else {
        return true;
    };
    let mut whole = false;
    for i in built.dockerfile.final_instructions() {
        if !matches!(
            i.keyword,
            crate::parse::dockerfile::Keyword::Copy | crate::parse::dockerfile::Keyword::Add
        ) || i.flag("from").is_some()
        {
            continue;
        }
        let Some((_, sources)) = i.words().split_last() else {
            continue;
        };
        for s in sources {
            let t = s.text.trim_end_matches('/');
            if matches!(t, "." | "" | "*" | "./*") {
                whole = true;
            } else if t.rsplit('/').next() == Some(name) || t.contains('$') {
                return true;
            }
        }
    }
    if !whole {
        return false;
    }
    let context = cx.project.build_context(&unit.dockerfile);
    let present = cx.project.first_known(&[context.join(name)]).is_some();
    let ignored = cx
        .project
        .dockerignore_for(&unit.dockerfile)
        .is_some_and(|(_, d)| d.excludes(name));
    present && !ignored
}
