//! Paths inside the image: the `WORKDIR` each instruction runs in, where
//! a `COPY` puts what it copies, and whether what a stage holds reaches
//! the final image (its stage is one the final image is built FROM, or
//! the final image copies a folder holding it with `COPY --from`).

use super::{Dockerfile, Instruction, Keyword};

/// `path` under `dir` (an absolute `path` stays), `.` segments dropped,
/// always absolute.
pub fn join(dir: &str, path: &str) -> String {
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    };
    let parts: Vec<&str> = full
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Is `ancestor` the folder `path` is in, at any depth, or `path` itself?
fn holds(ancestor: &str, path: &str) -> bool {
    ancestor == "/"
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The `WORKDIR` in effect at each instruction (indexed as
/// `df.instructions`): a stage built FROM another starts in its parent's
/// last `WORKDIR`, any other at `/`.
pub fn workdirs(df: &Dockerfile) -> Vec<String> {
    let mut out = vec![String::from("/"); df.instructions.len()];
    let mut last_of_stage: Vec<String> = Vec::with_capacity(df.stages.len());
    for stage in &df.stages {
        let mut dir = stage
            .parent
            .and_then(|p| last_of_stage.get(p).cloned())
            .unwrap_or_else(|| String::from("/"));
        for i in stage.instructions.clone() {
            if let Some(slot) = out.get_mut(i) {
                slot.clone_from(&dir);
            }
            if let Some(instr) = df.instructions.get(i)
                && instr.keyword == Keyword::Workdir
                && let Some(w) = instr.words().first()
            {
                dir = join(&dir, &w.text);
            }
        }
        last_of_stage.push(dir);
    }
    out
}

/// Where a `COPY`/`ADD` puts the source `name` (its file name) copied to
/// `dest` in folder `dir`: into `dest` when it is a folder (a trailing
/// `/`, or several sources), as `dest` otherwise.
pub fn destination(dir: &str, dest: &str, name: &str, many: bool) -> String {
    let d = join(dir, dest);
    if dest.ends_with('/') || many {
        join(&d, name)
    } else {
        d
    }
}

/// The stage index an instruction belongs to.
fn stage_of(df: &Dockerfile, at: usize) -> Option<usize> {
    df.stages.iter().position(|s| s.instructions.contains(&at))
}

/// The stage a `COPY --from=` names, when it names one of this file.
fn from_stage(df: &Dockerfile, instr: &Instruction) -> Option<usize> {
    let v = instr.flag("from")?.value.as_deref()?;
    match df.stage_by_name(v) {
        Some(s) => Some(s.index),
        None => v.parse::<usize>().ok().filter(|&n| n < df.stages.len()),
    }
}

/// Stages past which the walk gives up (and says the file does not
/// reach the final image: a finding needs evidence).
const MAX_HOPS: usize = 64;

/// Does what instruction `at` puts at `path` in its stage reach the final
/// image? Its stage is the final one or one the final stage is built
/// FROM; or a stage that reaches it copies `path`'s folder (or `path`)
/// out of it with `COPY --from`, followed a bounded number of hops.
pub fn reaches_final(df: &Dockerfile, at: usize, path: &str) -> bool {
    reaches_final_with(df, &workdirs(df), at, path)
}

/// [`reaches_final`] with the `WORKDIR`s already worked out.
pub fn reaches_final_with(df: &Dockerfile, dirs: &[String], at: usize, path: &str) -> bool {
    let chain: Vec<usize> = df.final_chain().iter().map(|s| s.index).collect();
    let Some(start) = stage_of(df, at) else {
        return false;
    };
    // Quick answer for the common case: the final image's own stages.
    if chain.contains(&start) {
        return true;
    }
    // `COPY --from` instructions, found once.
    let copies_from: Vec<(usize, usize)> = df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i.keyword, Keyword::Copy | Keyword::Add))
        .filter_map(|(n, i)| Some((n, from_stage(df, i)?)))
        .collect();
    let mut frontier = vec![(start, path.to_string())];
    let mut hops = 0;
    while let Some((stage, path)) = frontier.pop() {
        if chain.contains(&stage) {
            return true;
        }
        hops += 1;
        if hops > MAX_HOPS {
            return false;
        }
        // Stages built FROM this one hold the path too.
        for s in &df.stages {
            if s.parent == Some(stage) && s.index != stage {
                frontier.push((s.index, path.clone()));
            }
        }
        // Stages that copy it out.
        for &(i, from) in &copies_from {
            let Some(instr) = df.instructions.get(i) else {
                continue;
            };
            if from != stage {
                continue;
            }
            let Some((dest, sources)) = instr.words().split_last() else {
                continue;
            };
            let Some(into) = stage_of(df, i) else {
                continue;
            };
            let dir = dirs.get(i).map_or("/", String::as_str);
            for src in sources {
                // `COPY --from` sources are paths of the other stage's
                // file system, from its root.
                let from = join("/", &src.text);
                if src.text.contains(['*', '?', '$']) || !holds(&from, &path) {
                    continue;
                }
                let rest = path.strip_prefix(&from).unwrap_or("");
                let landed = join(&join(dir, &dest.text), rest.trim_start_matches('/'));
                frontier.push((into, landed));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Does what instruction `at` (0-based) puts at `path` reach the
    /// final image?
    fn reach(df: &str, at: usize, path: &str) -> bool {
        reaches_final(&crate::parse::dockerfile::parse(df), at, path)
    }

    #[test]
    fn paths_join_as_the_image_sees_them() {
        assert_eq!(join("/app", "./run.sh"), "/app/run.sh");
        assert_eq!(join("/app", "/etc/x"), "/etc/x");
        assert_eq!(destination("/app", ".", ".env", true), "/app/.env");
        assert_eq!(destination("/", "/srv/conf", ".npmrc", false), "/srv/conf");
    }

    #[test]
    fn what_a_builder_holds_reaches_the_final_image_only_when_copied() {
        let df = "FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\
                  FROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
        // Instruction 2 is `COPY . .` into /app.
        assert!(!reach(df, 2, "/app"));
        let df = "FROM python:3.12 AS build\nWORKDIR /app\nCOPY . .\n\
                  FROM python:3.12-slim\nCOPY --from=build /app /app\n";
        assert!(reach(df, 2, "/app"));
        let df =
            "FROM python:3.12 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS prod\nCMD [\"x\"]\n";
        assert!(reach(df, 2, "/app"));
        // Two hops.
        let df = "FROM a AS one\nCOPY .npmrc /src/.npmrc\nFROM b AS two\nCOPY --from=one /src /w\n\
                  FROM c\nCOPY --from=two /w/.npmrc /root/.npmrc\n";
        assert!(reach(df, 1, "/src/.npmrc"));
    }
}
