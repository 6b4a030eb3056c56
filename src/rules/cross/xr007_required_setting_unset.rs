use super::*;
use crate::project::facts::app::Settings;
use std::collections::BTreeSet;
use std::path::PathBuf;

declare_rule! {
    /// ## What it checks
    /// A field of the app's pydantic settings with no default (`url: str`,
    /// `url: str = Field(...)`) whose variable no deploy of the app sets:
    /// neither the `ENV` of the image, nor an env file of the repository
    /// meant for production, nor the `environment:` of the compose service
    /// or the `env:` of the Kubernetes container that runs the image. The
    /// deploys are those of the images whose server serves an app of the
    /// same package as the settings; the finding is at the field, with
    /// every deploy that lacks it as a related location.
    ///
    /// The keys of the compose service's `env_file:` files and of the
    /// ConfigMaps and Secrets a container's `envFrom:` names count when
    /// they are in the repository; one that is not (a gitignored env file,
    /// a Secret made at deploy time), an `envFrom:` with a `prefix`, or a
    /// deploy that mounts the dotenv file the class reads (`env_file`)
    /// makes that deploy unknown, and the class is not judged. A field an
    /// optional type (`str | None`) makes default to `None` under
    /// pydantic v1 is not required. Variable names follow
    /// pydantic-settings (`env_prefix`, aliases, case).
    ///
    /// ## Why it matters in production
    /// pydantic raises a validation error when the settings object is
    /// built, at import: the container exits at start, crash-loops, and
    /// the rollout never becomes ready.
    ///
    /// ## Example
    /// `settings.py`: `database_url: PostgresDsn`; the Deployment's `env:`
    /// sets only `APP_DEBUG`.
    ///
    /// ## Use instead
    /// Set `APP_DATABASE_URL` in the deploy (from a Secret:
    /// `valueFrom.secretKeyRef`).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [pydantic-settings](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    pub struct RequiredSettingUnset {
        code: "XR007",
        name: "required-setting-unset",
        severity: Error,
        fix: None,
        summary: "a required setting is set by no deploy of the app",
    }
}

/// A deploy of a package's apps: the package, the run, and what else sets
/// its variables (`None` when one of those is unknown).
type Deploy<'a> = (PathBuf, &'a Run, Option<Vec<String>>);

fn sets(names: &[String], case_sensitive: bool, key: &str) -> bool {
    names.iter().any(|n| {
        if case_sensitive {
            n == key
        } else {
            n.eq_ignore_ascii_case(key)
        }
    })
}

impl Rule for RequiredSettingUnset {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let model = cx.project.app_model();
        let all: Vec<(&PathBuf, &Settings)> = model.settings().collect();
        if all.iter().all(|(_, s)| s.required.is_empty()) {
            return;
        }
        // The deploys of each package's apps: (package, the run, what
        // else sets its variables: the image's ENV and its env files,
        // ConfigMaps and Secrets; `None` when one of those is unknown).
        let mut deploys: Vec<Deploy<'_>> = Vec::new();
        for unit in cx.project.units() {
            let image_env: Vec<String> = cx
                .project
                .dockerfile(&unit.dockerfile)
                .map(|b| {
                    b.dockerfile
                        .final_instructions()
                        .filter(|i| i.keyword == crate::parse::dockerfile::Keyword::Env)
                        .flat_map(|i| i.pairs().iter().map(|p| p.key.clone()))
                        .collect()
                })
                .unwrap_or_default();
            for run in &unit.runs {
                let Some(servers) = servers_of(unit, run) else {
                    continue;
                };
                let Some(first) = servers.first() else {
                    continue;
                };
                let Some((module, _)) = cx.project.app_of(first) else {
                    continue;
                };
                let extra = cx.project.env_from_keys(run).map(|mut keys| {
                    keys.extend(image_env.iter().cloned());
                    keys
                });
                deploys.push((model.package_root(&module), run, extra));
            }
        }
        // Env-file keys by name in capitals: (file key, key as written).
        let mut env_files: crate::hashing::FastMap<String, Vec<(PathBuf, &str)>> =
            Default::default();
        for (f, k, _) in cx.project.env_keys() {
            env_files
                .entry(k.to_ascii_uppercase())
                .or_default()
                .push((crate::project::key(f), k));
        }
        // Sorted by file, so that the files inside a repository are one
        // stretch of each list (a tree of many repositories must not try
        // every repository's files for each class).
        for list in env_files.values_mut() {
            list.sort_by(|a, b| crate::paths::path_bytes(&a.0).cmp(crate::paths::path_bytes(&b.0)));
        }
        // The deploys by package, and the classes by module: looked up.
        let mut deploys_of: crate::hashing::FastMap<&PathBuf, Vec<&Deploy<'_>>> =
            Default::default();
        for d in &deploys {
            deploys_of.entry(&d.0).or_default().push(d);
        }
        let mut classes_of: crate::hashing::FastMap<&PathBuf, Vec<&Settings>> = Default::default();
        for (k, c) in &all {
            classes_of.entry(*k).or_default().push(*c);
        }
        let mut seen = BTreeSet::new();
        for (k, class) in &all {
            if class.required.is_empty() {
                continue;
            }
            let root = model.package_root(k);
            let repo = model.repo_of(k);
            let mine: &[&Deploy<'_>] = deploys_of.get(&root).map_or(&[], Vec::as_slice);
            // A deploy that takes variables from what the repository does
            // not hold, or mounts the dotenv file the class reads: unknown.
            let unknown = mine.iter().any(|(_, run, extra)| {
                extra.is_none()
                    || run.mounts.iter().any(|m| {
                        class
                            .env_files
                            .iter()
                            .any(|f| m.rsplit('/').next() == f.rsplit('/').next())
                    })
            });
            if mine.is_empty() || unknown {
                continue;
            }
            for (field, names, at) in &class.required {
                // A field another settings class of the module also
                // declares may have a default there (a subclass).
                let redeclared =
                    classes_of.get(*k).into_iter().flatten().any(|c2| {
                        c2.class != class.class && c2.fields.iter().any(|(f, _)| f == field)
                    });
                if redeclared {
                    continue;
                }
                let cs = class.case_sensitive;
                let in_files = names.iter().any(|n| {
                    env_files.get(&n.to_ascii_uppercase()).is_some_and(|v| {
                        crate::paths::within_folder(v, &repo, |(f, _)| crate::paths::path_bytes(f))
                            .any(|(_, key)| sets(names, cs, key))
                    })
                });
                if in_files {
                    continue;
                }
                let lacking: Vec<&Run> = mine
                    .iter()
                    .filter(|(_, run, extra)| {
                        !run.env.iter().any(|(key, _)| sets(names, cs, key))
                            && !extra.iter().flatten().any(|key| sets(names, cs, key))
                    })
                    .map(|(_, run, _)| *run)
                    .collect();
                if lacking.is_empty() {
                    continue;
                }
                let loc = Loc::new(k, *at);
                if !seen.insert(loc.clone()) {
                    continue;
                }
                let var = crate::parse::python::settings::env_var(names, field, cs);
                let mut b = out
                    .report(
                        &Self::META,
                        &loc,
                        format!(
                            "`{field}` of `{}` has no default, and {} no `{var}`: the settings fail to load and the app exits at start",
                            class.class,
                            if lacking.len() == 1 {
                                format!("{} sets", run_name(lacking[0]))
                            } else {
                                format!("{} deploys of the app set", lacking.len())
                            }
                        ),
                    )
                    .help(format!("set `{var}` in every deploy (from a Secret for a credential), or give the field a default"));
                for run in lacking.iter().take(4) {
                    b = cx.related(b, &run.at, "sets no such variable");
                }
            }
        }
    }
}
