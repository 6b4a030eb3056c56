//! Reading what the project is built from. The walk's files that hold
//! facts are read once (their text is reused when they are linted); the
//! dependency files and Dockerfiles of the folders above the one checked
//! (up to the repository's root) count too; and files a launch or a
//! service names that the walk did not reach are read when they exist.
//! Only regular files within `max-file-size` are read (`crate::read`).

use super::{FileFacts, Input, Key, Project};
use crate::discover::{Candidate, FileKind};
use crate::parse::template;
use crate::paths::FastPath;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many folders above the one checked are read for dependency files
/// when no repository root stops the climb first.
const MAX_LEVELS: usize = 6;

/// Kinds of Kubernetes objects that give other objects duties: only
/// manifests holding one are parsed for the index.
const INDEXED: [&str; 5] = [
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "ScaledObject",
    "Ingress",
];

/// A YAML candidate that may be a Kubernetes manifest.
pub fn may_be_manifest(c: &Candidate) -> bool {
    matches!(c.kind, Some(FileKind::Text | FileKind::Kubernetes))
        && c.path
            .fast_extension()
            .is_some_and(|e| e == "yml" || e == "yaml")
}

/// Whether a candidate may hold facts, before it is read.
pub fn may_feed(c: &Candidate) -> bool {
    match c.kind {
        Some(
            FileKind::Dockerfile
            | FileKind::Compose
            | FileKind::Supervisor
            | FileKind::Systemd
            | FileKind::Procfile
            | FileKind::Gunicorn
            | FileKind::Workflow
            | FileKind::Action
            | FileKind::Dependencies
            | FileKind::Env
            | FileKind::DockerIgnore,
        ) => true,
        Some(FileKind::Text) => {
            may_be_manifest(c)
                || c.path.fast_extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("conf")
                        || e.eq_ignore_ascii_case("ini")
                        || e == "py"
                        // A build script (`docker build` in it).
                        || e == "sh"
                        || e == "bash"
                        // A logging configuration (`log_config.json`).
                        || (e == "json"
                            && c.path
                                .fast_file_name()
                                .is_some_and(|n| n.to_string_lossy().contains("log")))
                })
        }
        _ => false,
    }
}

/// The commands that build an image from a Dockerfile.
const BUILD_COMMANDS: &[&str] = &["docker build", "docker buildx build", "docker image build"];

/// A shell script that builds images (`docker build`, `docker buildx
/// build`, `docker image build`).
fn builds_images(path: &Path, text: &str) -> bool {
    path.fast_extension()
        .is_some_and(|e| e == "sh" || e == "bash")
        && BUILD_COMMANDS.iter().any(|w| text.contains(w))
}

/// A test module, by its path below the folder checked.
fn is_test_module(path: &Path, root: Option<&Path>) -> bool {
    crate::purpose::guess(&crate::purpose::below(path, root), Some(FileKind::Text), "")
        == crate::purpose::Purpose::Test
}

/// What a workflow's text must hold to count for the project (with
/// [`BUILD_COMMANDS`]): the images it builds, the compose files it layers, the local actions and workflows
/// it calls, and (reusable) the inputs it pastes and the jobs whose token
/// its callers choose.
const WORKFLOW_FACTS: &[&str] = &[
    "workflow_call",
    "build-push-action",
    "docker compose",
    "docker-compose",
    "uses: ./",
    "uses: \"./",
    "uses: '.",
    // Whatever the spacing after `uses:`.
    "./.github/",
    "inputs.",
];

/// The words a manifest or a workflow must hold to count for the project,
/// each list searched in one pass (a search per word read the text once
/// for each).
static MANIFEST_WORDS: crate::words::Lazy = crate::words::Lazy::new();
static WORKFLOW_WORDS: crate::words::Lazy = crate::words::Lazy::new();

/// The input a file makes once read, if its text holds facts.
fn input_of(
    path: &Arc<Path>,
    kind: FileKind,
    text: String,
    root: Option<std::sync::Arc<Path>>,
) -> Option<Input> {
    input_or_text(path, kind, text, root).ok()
}

/// [`input_of`], or the text back when it holds no facts.
fn input_or_text(
    path: &Arc<Path>,
    kind: FileKind,
    text: String,
    root: Option<std::sync::Arc<Path>>,
) -> Result<Input, String> {
    let kind = kind.refine(path, &text);
    let keep = match kind {
        FileKind::Kubernetes => {
            MANIFEST_WORDS.any(&[&INDEXED, &["image:"]], &text)
                && template::first_directive(&text, true).is_none()
        }
        FileKind::Text => {
            path.fast_file_name().is_some_and(|n| n == "setup.py")
                || if path.fast_extension().is_some_and(|e| e == "py") {
                    !is_test_module(path, root.as_deref())
                        && crate::project::facts::app::python_may_say(&text)
                } else {
                    crate::project::facts::app::Module::text_may_signal(&text)
                        || builds_images(path, &text)
                }
        }
        // An env file counts for the values it sets (the settings and the
        // proxies the server trusts).
        FileKind::Env => true,
        // An action counts for the image it builds, the local actions it
        // calls and the inputs it pastes into scripts.
        FileKind::Action => {
            text.contains("docker") || text.contains("inputs.") || text.contains("./")
        }
        // A workflow counts for the images it builds, the compose files it
        // layers, the local actions and workflows it calls, and (reusable)
        // the inputs it pastes and the jobs whose token its callers choose.
        FileKind::Workflow => WORKFLOW_WORDS.any(&[WORKFLOW_FACTS, BUILD_COMMANDS], &text),
        _ => true,
    };
    if !keep {
        return Err(text);
    }
    Ok(Input {
        path: Arc::clone(path),
        kind,
        text: crate::source::SharedText::from(text),
        root,
    })
}

/// How much source a run's parses may stand for while they wait for
/// their files' own lint (which reuses them): beyond it, a file's parse
/// is dropped once its facts are read, and the lint (and, for compose
/// files and manifests, the links between files) parses the file again.
/// Trees take several times their text, so without a bound a large
/// tree's memory would grow with every file; with it, a repository of
/// ordinary size parses each file once. A Python module counts for half
/// its text (its views take half a tree's memory per byte: see
/// `FileFacts::parse_weight`).
pub const PARSE_BUDGET: usize = 4 << 20;

/// The part of [`PARSE_BUDGET`] the trees of YAML files and Dockerfiles
/// may take: half. Per byte of source, a tree takes twice the memory a
/// Python module's views do (about seven times the text against three
/// and a half), and is parsed again for 60 to 90 instructions a byte,
/// so trees get the smaller share: half still keeps every parse of an
/// ordinary repository's deployment files (`../shared/corpus`, 1,868
/// files, needs 1.2 to 1.4 MB of it), while ten times as many hold
/// about 14 MiB of trees rather than 28 and parse the rest again where
/// they are read. Python modules keep the whole budget: a smaller one
/// made the apps (`../shared/apps`) parse modules again, 4 % slower.
pub const TREE_SHARE_DIVISOR: usize = 2;

/// The source bytes whose parses a run may still keep (see
/// [`PARSE_BUDGET`] and [`TREE_SHARE_DIVISOR`]); shared by the threads
/// that read files.
#[derive(Debug)]
pub struct ParseBudget {
    /// What any parse may still take.
    all: std::sync::atomic::AtomicUsize,
    /// What trees (not Python modules' views) may still take.
    trees: std::sync::atomic::AtomicUsize,
}

impl Default for ParseBudget {
    /// [`PARSE_BUDGET`], or `PRODLINT_PARSE_BUDGET` bytes (the tests
    /// set 0 to show that a parse made twice gives the same findings).
    fn default() -> Self {
        let bytes = std::env::var("PRODLINT_PARSE_BUDGET")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(PARSE_BUDGET);
        ParseBudget {
            all: std::sync::atomic::AtomicUsize::new(bytes),
            trees: std::sync::atomic::AtomicUsize::new(bytes / TREE_SHARE_DIVISOR),
        }
    }
}

/// Takes `bytes` from `left`, if that much is left.
fn take_from(left: &std::sync::atomic::AtomicUsize, bytes: usize) -> bool {
    use std::sync::atomic::Ordering;
    left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
        left.checked_sub(bytes)
    })
    .is_ok()
}

impl ParseBudget {
    /// Takes `bytes` from what is left, if that much is left.
    pub fn take(&self, bytes: usize) -> bool {
        take_from(&self.all, bytes)
    }

    /// Takes `bytes` for a parse, a tree's from the trees' share too: all
    /// or nothing.
    pub fn take_parse(&self, bytes: usize, tree: bool) -> bool {
        if tree && !take_from(&self.trees, bytes) {
            return false;
        }
        if self.take(bytes) {
            return true;
        }
        if tree {
            // Given back: the parse is not kept.
            self.trees
                .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
        }
        false
    }
}

/// Reads and parses one candidate for the project, if it may hold facts.
/// Its parse is kept for the file's own lint while `budget` lasts.
pub fn feed(c: &Candidate, max_file_size: u64, budget: &ParseBudget) -> Option<Box<FileFacts>> {
    match feed_keeping_text(c, max_file_size, budget) {
        Fed::Facts(f) => Some(f),
        Fed::Text(_) | Fed::Nothing => None,
    }
}

/// What [`feed_keeping_text`] made of a candidate.
pub enum Fed {
    Facts(Box<FileFacts>),
    /// Read, but its text holds no fact: the text, for a lint that would
    /// otherwise read the file again.
    Text(crate::source::SharedText),
    /// Not read, or unreadable.
    Nothing,
}

/// [`feed`], giving back the text of a file read that holds no facts.
pub fn feed_keeping_text(c: &Candidate, max_file_size: u64, budget: &ParseBudget) -> Fed {
    if !may_feed(c) {
        return Fed::Nothing;
    }
    // A test module's apps and clients are the test's: told by its path,
    // before it is read.
    if c.kind == Some(FileKind::Text)
        && c.path.fast_extension().is_some_and(|e| e == "py")
        && c.path.fast_file_name().is_some_and(|n| n != "setup.py")
        && is_test_module(&c.path, c.root.as_deref())
    {
        return Fed::Nothing;
    }
    let (Ok(text), Some(kind)) = (crate::engine::load_candidate(c, max_file_size), c.kind) else {
        return Fed::Nothing;
    };
    let input = match input_or_text(&c.path, kind, text, c.root.clone()) {
        Ok(input) => input,
        Err(text) => return Fed::Text(crate::source::SharedText::from(text)),
    };
    let mut facts = Project::parse(input);
    if facts.holds_parse() && !budget.take_parse(facts.parse_weight(), !facts.holds_python_parse())
    {
        facts.drop_parses();
    }
    Fed::Facts(facts)
}

/// Builds the project of a run from its candidates.
pub fn project(candidates: &[Candidate], max_file_size: u64) -> Project {
    let budget = ParseBudget::default();
    let parsed: Vec<Box<FileFacts>> = candidates
        .par_iter()
        .filter_map(|c| feed(c, max_file_size, &budget))
        .collect();
    finish(parsed, candidates, None, max_file_size)
}

/// Builds the project from the candidates' facts (`parsed`, from
/// [`feed`]): adds what is above the folders checked, then what launches
/// and services name outside the walk. `above_them` is [`above`] of the
/// candidates when the caller listed it already (while the files parsed).
#[allow(clippy::vec_box)]
// Boxed facts: the list moves 1 KB values as pointers (see `Project::parse`).
pub fn finish(
    mut parsed: Vec<Box<FileFacts>>,
    candidates: &[Candidate],
    above_them: Option<Above>,
    max_file_size: u64,
) -> Project {
    let _ = max_file_size;
    // The walked files' keys, made once (on every core): the project
    // knows them, and the files above are told apart from them.
    let walked: Vec<Key> = candidates
        .par_iter()
        .map(|c| Key::new(super::key(&c.path)))
        .collect();
    let mut known: crate::hashing::FastSet<Key> = walked.into_iter().collect();
    let Above { files, listed } = above_them.unwrap_or_else(|| above(candidates));
    let mut to_read = Vec::new();
    for (path, kind, read) in files {
        let k = super::key(&path);
        if known.contains(super::b(&k)) {
            continue;
        }
        if !read {
            // Its name is the fact (a Dockerfile: code here runs in a
            // container).
            known.insert(Key::new(k));
        } else {
            to_read.push((path, kind));
        }
    }
    // Read and parsed on every core (the rest of the build is one core's).
    parsed.par_extend(to_read.into_par_iter().filter_map(|(path, kind)| {
        let text = crate::read::context(&path)?;
        Some(Project::parse(input_of(
            &Arc::from(path),
            kind,
            text,
            None,
        )?))
    }));
    let mut project = Project::assemble_keyed(parsed, known);

    // What launches and services name outside the walk: two rounds (a
    // Dockerfile a compose service builds may name a configuration).
    // A path found missing once is not asked again.
    let mut missing: crate::hashing::FastSet<PathBuf> = Default::default();
    for _ in 0..2 {
        // Most wanted paths do not exist: a folder listed above answers
        // without the system; the rest are asked on every core.
        let wanted: Vec<(&Path, &FileKind)> = project
            .wanted()
            .filter(|(p, _)| !missing.contains(*p))
            .filter(|(p, _)| listed.may_exist(p))
            .collect();
        let found: Vec<(PathBuf, Option<Input>)> = wanted
            .into_par_iter()
            .map(|(p, kind)| {
                let text = crate::read::is_regular(p)
                    .then(|| crate::read::context(p))
                    .flatten();
                let input = text.map(|text| Input {
                    path: p.into(),
                    kind: *kind,
                    text: crate::source::SharedText::from(text),
                    root: None,
                });
                (p.to_path_buf(), input)
            })
            .collect();
        let mut extra = Vec::new();
        for (p, input) in found {
            match input {
                Some(i) => extra.push(i),
                None => {
                    missing.insert(p);
                }
            }
        }
        if extra.is_empty() {
            break;
        }
        project.add(extra);
    }
    project.forget_wanted();
    project
}

/// What [`above`] found: the files with facts, and the folders it listed.
pub struct Above {
    files: Vec<(PathBuf, FileKind, bool)>,
    listed: Listed,
}

/// Folders read whole (keys), with the names of their regular files: a
/// wanted path in one of them exists only if its name is there.
#[derive(Default)]
struct Listed(crate::hashing::FastMap<Key, crate::hashing::FastSet<Vec<u8>>>);

impl Listed {
    fn may_exist(&self, path: &Path) -> bool {
        match (path.fast_parent(), path.fast_file_name()) {
            (Some(dir), Some(name)) => self
                .0
                .get(super::b(dir))
                .is_none_or(|names| names.contains(name.as_encoded_bytes())),
            _ => true,
        }
    }
}

/// Files with facts in the folders above the ones checked, up to the
/// repository's root (not below them): dependency files, the launchers
/// (a Dockerfile at the root names `-c conf/prod.py` for a run of
/// `conf/`) and gunicorn configurations by name.
pub fn above(candidates: &[Candidate]) -> Above {
    // Launchers above matter only to name a Python file of the run as a
    // configuration; dependency files always (what does this code use?).
    let launchers = candidates.iter().any(|c| {
        c.kind == Some(FileKind::Gunicorn)
            || (c.kind == Some(FileKind::Text)
                && c.path.fast_extension().is_some_and(|e| e == "py"))
    });
    // Distinct folders first, as keys (absolute, by name; the working
    // folder asked once).
    let mut starts: Vec<PathBuf> = candidates
        .iter()
        .map(|c| match &c.root {
            Some(r) if *c.path != **r => r.to_path_buf(),
            _ => super::dir_of(&c.path),
        })
        .collect::<crate::hashing::FastSet<PathBuf>>()
        .into_iter()
        .map(|d| super::key(&d))
        .collect();
    starts.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    starts.dedup();
    // The climb, one level at a time for every start together (the
    // folders of a level are listed on every core): each folder is listed
    // once (its listing says whether it holds `.git`, the repository's
    // root, where a climb stops); a climb reaching a folder another climb
    // listed stops, as that one reached it sooner and climbs on from it.
    let mut listings: crate::hashing::FastMap<Key, Option<Listing>> = Default::default();
    let mut level: Vec<PathBuf> = starts;
    for _ in 0..MAX_LEVELS {
        let mut fresh: Vec<PathBuf> = level
            .into_iter()
            .filter(|d| !listings.contains_key(super::b(d)))
            .collect();
        fresh.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        fresh.dedup();
        if fresh.is_empty() {
            break;
        }
        let listed: Vec<(PathBuf, Option<Listing>)> = fresh
            .into_par_iter()
            .map(|d| {
                let listing = list(&d);
                (d, listing)
            })
            .collect();
        level = Vec::new();
        for (d, listing) in listed {
            let root = listing.as_ref().is_some_and(|l| {
                l.iter()
                    .any(|(p, _)| p.fast_file_name().is_some_and(|n| n == ".git"))
            });
            if !root && let Some(up) = d.fast_parent() {
                level.push(up.to_path_buf());
            }
            listings.insert(Key::new(d), listing);
        }
    }
    let mut folders: Vec<(Key, Option<Listing>)> = listings.into_iter().collect();
    folders.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    let mut listed = Listed::default();
    for (d, listing) in folders {
        let Some(listing) = listing else {
            continue;
        };
        let mut found: Vec<(PathBuf, FileKind, bool)> = listing
            .iter()
            // Files only: a folder named `dockerfile` is not one.
            .filter(|(_, is_file)| *is_file)
            .filter_map(|(path, _)| {
                let kind = FileKind::detect(path)?;
                let read = match kind {
                    FileKind::Text => path.fast_file_name().is_some_and(|n| n == "setup.py"),
                    FileKind::Dependencies => true,
                    FileKind::Dockerfile => {
                        if !launchers {
                            return matches!(
                                path.fast_file_name().and_then(|n| n.to_str()),
                                Some("Dockerfile" | "Containerfile" | "dockerfile")
                            )
                            .then_some((path.clone(), kind, false));
                        }
                        true
                    }
                    FileKind::Compose
                    | FileKind::Procfile
                    | FileKind::Supervisor
                    | FileKind::Systemd => launchers,
                    // A configuration by its name (`gunicorn_conf.py`
                    // beside a Dockerfile named on the command line), as a
                    // run of the folder reads it: read with the others
                    // rather than after the launches name it, which would
                    // link the project a second time.
                    FileKind::Gunicorn => true,
                    _ => false,
                };
                read.then_some((path.clone(), kind, true))
            })
            .collect();
        found.sort();
        out.extend(found);
        let names = listing
            .into_iter()
            .filter(|(_, is_file)| *is_file)
            .filter_map(|(p, _)| p.fast_file_name().map(|n| n.as_encoded_bytes().to_vec()))
            .collect();
        listed.0.insert(d, names);
    }
    Above { files: out, listed }
}

/// A folder's entries, each with whether it is a regular file.
type Listing = Vec<(PathBuf, bool)>;

/// A folder's entries (`None`: the folder cannot be read).
fn list(dir: &Path) -> Option<Listing> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .filter_map(Result::ok)
            .map(|e| {
                let is_file = e.file_type().is_ok_and(|t| t.is_file());
                (e.path(), is_file)
            })
            .collect(),
    )
}

/// The project around one file read on its own (standard input, the
/// editor): the files of its folder and below, what is above it, and
/// what their launches name, as a run of that folder would see them.
pub fn project_around(path: &Path, config: &crate::config::Config) -> Project {
    let dir = super::dir_of(path);
    let (mut candidates, _) = crate::discover::discover(&[dir], config);
    // Standard input names a file that may not exist.
    if !candidates.iter().any(|c| *c.path == *path) {
        candidates.push(Candidate {
            path: path.into(),
            kind: FileKind::detect(path),
            explicit: true,
            root: None,
            regular: false,
        });
    }
    project(&candidates, config.max_file_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trees take at most their share of the budget; Python modules'
    /// views the rest; a tree refused by the whole budget gives its share
    /// back.
    #[test]
    fn trees_take_at_most_their_share_of_the_budget() {
        let b = ParseBudget {
            all: std::sync::atomic::AtomicUsize::new(100),
            trees: std::sync::atomic::AtomicUsize::new(100 / TREE_SHARE_DIVISOR),
        };
        assert!(b.take_parse(30, true));
        assert!(!b.take_parse(30, true), "past the trees' share of 50");
        assert!(b.take_parse(60, false), "a module takes from the whole");
        assert!(!b.take_parse(20, true), "10 left in all, 20 in the share");
        assert!(b.take_parse(10, true));
        assert!(!b.take_parse(1, false));
        let b = ParseBudget {
            all: std::sync::atomic::AtomicUsize::new(10),
            trees: std::sync::atomic::AtomicUsize::new(40),
        };
        assert!(!b.take_parse(20, true));
        assert_eq!(b.trees.load(std::sync::atomic::Ordering::Relaxed), 40);
    }

    /// A workflow that builds an image counts, whichever command builds it.
    #[test]
    fn a_workflow_counts_for_every_build_command() {
        for w in BUILD_COMMANDS {
            let text = format!("jobs:\n  b:\n    steps:\n      - run: {w} .\n");
            let input = input_of(
                &Arc::from(Path::new("ci.yml")),
                FileKind::Workflow,
                text,
                None,
            );
            assert!(input.is_some(), "{w}");
        }
    }

    /// One pass finds what a search per word found.
    #[test]
    fn a_workflow_s_words_are_a_search_per_word() {
        for text in [
            "",
            "on: push\njobs: {}\n",
            "on:\n  workflow_call:\n",
            "      - uses: ./.github/actions/setup\n",
            "run: docker  build .\n",
            "run: docker buildx build .\n",
            "x: ${{ inputs.tag }}",
        ] {
            assert_eq!(
                WORKFLOW_WORDS.any(&[WORKFLOW_FACTS, BUILD_COMMANDS], text),
                WORKFLOW_FACTS
                    .iter()
                    .chain(BUILD_COMMANDS)
                    .any(|w| text.contains(w)),
                "{text}"
            );
        }
    }
}
