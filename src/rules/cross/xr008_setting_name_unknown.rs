use super::*;
use crate::project::facts::app::Settings;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// A variable set for the app — a key of an env file meant for
    /// production, the `environment:` of a compose service or the `env:`
    /// of a Kubernetes container that runs an image the repository builds
    /// — that carries the `env_prefix` of the
    /// project's pydantic settings (`APP_DEBUGG` under `env_prefix =
    /// "APP_"`) but is read by no field of any settings class with that
    /// prefix. The nearest field's variable is suggested.
    ///
    /// Matching follows pydantic-settings: without case unless the class
    /// is `case_sensitive`; a field's `alias`/`validation_alias` (v2) or
    /// `env=` (v1) replaces the prefixed name. Silent for a prefix shorter
    /// than three characters or without a separator (`_`), for nested
    /// names (`APP_DB__HOST`, `env_nested_delimiter`), and for a variable
    /// that code or a command of the repository names elsewhere (an
    /// `os.environ["APP_…"]` read, a `$APP_PORT` in a command): something
    /// else may read it.
    ///
    /// In a tree of many services (a monorepo, several checkouts) the
    /// finding names the first class of the prefix in the repository
    /// holding the variable (the folder holding `.github`, else the
    /// folder above a class's package; the first class of the prefix when
    /// no such repository holds it), and a file counts as naming the
    /// variable elsewhere when it is in that class's repository, in one
    /// holding the variable, or in none of the prefix's: another service
    /// that happens to use the same name reads none of this one's
    /// variables. A field of any class of the prefix still counts as
    /// reading it.
    ///
    /// ## Why it matters in production
    /// pydantic-settings ignores variables no field reads. A misspelt
    /// setting is silently dropped and the app runs with the default —
    /// often the development one (`debug = True`, a local database URL) —
    /// while the deploy file looks right to every reviewer.
    ///
    /// ## Example
    /// `settings.py`: `model_config = SettingsConfigDict(env_prefix="APP_")`
    /// with `debug: bool = True`; `.env.production`: `APP_DEBUGG=false`.
    ///
    /// ## Use instead
    /// `APP_DEBUG=false`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [pydantic-settings: environment variable names](https://docs.pydantic.dev/latest/concepts/pydantic_settings/#environment-variable-names)
    pub struct SettingNameUnknown {
        code: "XR008",
        name: "setting-name-unknown",
        severity: Warning,
        fix: None,
        summary: "a variable carries the settings' prefix but no settings field reads it",
    }
}

/// The variable names of every field of these classes, as compared.
fn known(classes: &[(&std::path::PathBuf, &Settings)]) -> Vec<(String, bool)> {
    classes
        .iter()
        .flat_map(|(_, s)| {
            s.fields
                .iter()
                .flat_map(move |(_, env)| env.iter().map(move |e| (e.clone(), s.case_sensitive)))
        })
        .collect()
}

/// Edit distance, bounded (names are short).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Rule for SettingNameUnknown {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let all: Vec<(&std::path::PathBuf, &Settings)> =
            cx.project.app_model().settings().collect();
        // Classes by prefix (compared in capitals; case-sensitive classes
        // keep theirs).
        let mut prefixes: Vec<(String, Vec<(&std::path::PathBuf, &Settings)>)> = Vec::new();
        for (k, s) in &all {
            let Some(p) = s.prefix.as_deref() else {
                continue;
            };
            if p.len() < 3 || !p.ends_with('_') {
                continue;
            }
            let p = p.to_ascii_uppercase();
            match prefixes.iter_mut().find(|(q, _)| *q == p) {
                Some((_, v)) => v.push((k, s)),
                None => prefixes.push((p, vec![(k, s)])),
            }
        }
        if prefixes.is_empty() {
            return;
        }
        // Every variable a deploy sets.
        let mut keys: Vec<(String, Loc)> = cx
            .project
            .env_keys()
            .map(|(f, k, span)| (k.to_string(), Loc::new(f, span)))
            .collect();
        // Only the environments of images the repository builds: a
        // database container's variables are the database's.
        for unit in cx.project.units() {
            for run in &unit.runs {
                keys.extend(run.env.iter().cloned());
            }
        }
        // The names of each prefix's fields, made once.
        // Each name once: many services of one prefix (copies of one)
        // declare the same fields, and every finding's suggestion is
        // measured against each name.
        let known_of: Vec<Vec<(String, bool)>> = prefixes
            .iter()
            .map(|(_, c)| {
                let mut names = known(c);
                names.sort_unstable();
                names.dedup();
                names
            })
            .collect();
        let exact: Vec<crate::hashing::FastSet<String>> = known_of
            .iter()
            .map(|names| names.iter().map(|(n, _)| n.to_ascii_uppercase()).collect())
            .collect();
        // The candidates, then the files naming each (one pass over the
        // project's texts for all of them).
        let mut seen = BTreeSet::new();
        let mut candidates: Vec<(String, String, Loc, usize)> = Vec::new();
        for (key, at) in keys {
            let upper = key.to_ascii_uppercase();
            let Some(pi) = prefixes
                .iter()
                .position(|(p, _)| upper.starts_with(p.as_str()))
            else {
                continue;
            };
            let prefix = &prefixes[pi].0;
            if upper.len() == prefix.len() || upper[prefix.len()..].contains("__") {
                continue;
            }
            let names = &known_of[pi];
            let matched = exact[pi].contains(&upper)
                && names.iter().any(|(n, case_sensitive)| {
                    if *case_sensitive {
                        *n == key
                    } else {
                        n.eq_ignore_ascii_case(&key)
                    }
                });
            if matched || !seen.insert(at.clone()) {
                continue;
            }
            candidates.push((key, upper, at, pi));
        }
        let model = cx.project.app_model();
        let words: Vec<&str> = candidates.iter().map(|c| c.0.as_str()).collect();
        let holders = cx.project.files_holding(&words);
        // Per prefix, the repository of each class (the folder holding
        // `.github`, else the folder above its package) with the first
        // class there: a tree of many services (copies of one) holds a
        // class of the prefix in each.
        let repos_of: Vec<crate::hashing::FastMap<std::path::PathBuf, usize>> = prefixes
            .iter()
            .map(|(_, classes)| {
                let mut repos = crate::hashing::FastMap::default();
                for (i, (module, _)) in classes.iter().enumerate() {
                    repos.entry(model.repo_of(module)).or_insert(i);
                }
                repos
            })
            .collect();
        // The files naming each word outside every repository of its
        // prefix (a command at the tree's top), the first two: found once
        // per word.
        let mut free_of: crate::hashing::FastMap<&str, Vec<&crate::project::Key>> =
            Default::default();
        for ((key, _, _, pi), holding) in candidates.iter().zip(&holders) {
            let (Some(files), Some(repos)) = (holding, repos_of.get(*pi)) else {
                continue;
            };
            free_of.entry(key.as_str()).or_insert_with(|| {
                files
                    .iter()
                    .copied()
                    .filter(|f| !f.ancestors().skip(1).any(|a| repos.contains_key(a)))
                    .take(2)
                    .collect()
            });
        }
        for ((key, upper, at, pi), holding) in candidates.iter().zip(&holders) {
            let (prefix, classes) = &prefixes[*pi];
            let own = crate::project::key(&at.file);
            // The repositories of the prefix holding the variable's file,
            // and the first class of them (else the first class of the
            // prefix, as in a tree of one service whose variables sit
            // beside its package): the class the finding names.
            let mine: Vec<(&std::path::Path, usize)> = own
                .ancestors()
                .skip(1)
                .filter_map(|a| Some((a, *repos_of.get(*pi)?.get(a)?)))
                .collect();
            let first = mine.iter().map(|(_, i)| *i).min().unwrap_or(0);
            let Some(&(module, class)) = classes.get(first) else {
                continue;
            };
            // Named by another file of that class's repository, of the
            // repositories holding the variable, or of none of the
            // prefix's (not another service's): read there, maybe.
            let own_bytes = crate::paths::path_bytes(&own);
            let other = |f: &&crate::project::Key| crate::paths::path_bytes(f) != own_bytes;
            let repo = model.repo_of(module);
            let named_elsewhere = holding.as_ref().is_none_or(|files| {
                let within = |folder: &std::path::Path| {
                    crate::paths::within_folder(files, folder, |f| crate::paths::path_bytes(f))
                        .any(other)
                };
                within(&repo)
                    || mine.last().is_some_and(|(outer, _)| within(outer))
                    || free_of
                        .get(key.as_str())
                        .is_some_and(|free| free.iter().any(other))
            });
            if named_elsewhere {
                continue;
            }
            let names = &known_of[*pi];
            let nearest = names
                .iter()
                .map(|(n, cs)| {
                    if *cs {
                        n.clone()
                    } else {
                        n.to_ascii_uppercase()
                    }
                })
                .min_by_key(|n| (distance(upper, &n.to_ascii_uppercase()), n.clone()))
                .filter(|n| distance(upper, &n.to_ascii_uppercase()) <= 3);
            let b = out
                .report(
                    &Self::META,
                    at,
                    format!(
                        "`{key}` carries the settings' prefix `{}` but no field of `{}` reads it: pydantic-settings ignores it, and the app keeps the field's default{}",
                        class.prefix.as_deref().unwrap_or(prefix),
                        class.class,
                        match &nearest {
                            Some(n) => format!("; did you mean `{n}`?"),
                            None => String::new(),
                        }
                    ),
                )
                .help(match &nearest {
                    Some(n) => format!("rename it to `{n}`"),
                    None => "remove it, or add the field to the settings".to_string(),
                });
            cx.related(b, &Loc::new(module, class.at), "the settings class");
        }
    }
}
