//! The app model across modules: every app with every route it serves,
//! routers followed through `include_router` and sub-apps through
//! `mount`, however the modules import each other (`from .api import
//! router`, `from app.api.routes import users` then `users.router`); and
//! the set-up the app's code does anywhere in its package (logging,
//! metrics, error tracking, tracing, middleware). What cannot be followed
//! (a router from another package, a prefix that is not a literal) makes
//! the app's routes incomplete, and rules that need them all stay silent.

use super::facts::Loc;
use super::facts::app::{AppDef, Flag, Handler, Module, Signal};
use crate::hashing::{FastMap, FastSet};
use crate::paths::FastPath;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Past this depth of includes the walk stops (and the routes are
/// incomplete): real apps nest routers a few levels.
const MAX_INCLUDES: usize = 16;

/// A walk of an app's routers: the routers on the current path (cycles)
/// and the visits left.
struct Walk {
    seen: BTreeSet<(PathBuf, String)>,
    budget: usize,
}

/// Routers an app's route walk enters, at most.
const MAX_VISITS: usize = 10_000;

/// Modules of one name a reference is matched against, at most.
const MAX_CANDIDATES: usize = 4096;

/// A route of an app, with the prefixes of the routers and mounts above
/// it.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The full path (`None`: a prefix or the path is not a literal).
    pub path: Option<String>,
    /// The path as the route itself writes it.
    pub own: Option<String>,
    pub at: Loc,
    pub handler: Option<Handler>,
}

/// An app and what it serves.
#[derive(Debug, Clone)]
pub struct App {
    pub routes: Vec<Route>,
    /// Every include and mount was followed.
    pub complete: bool,
    /// The variables that could move its paths: prefixes taken from a
    /// settings field's default (`prefix=settings.API_V1_STR`) hold
    /// only where nothing sets the field's variable.
    pub settings_used: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Apps {
    modules: BTreeMap<PathBuf, Module>,
    /// Module keys by the name they are imported by (a file's stem, a
    /// package's folder name), each list in the order of the keys' bytes
    /// (for [`crate::paths::nearest`]).
    by_name: FastMap<String, Vec<PathBuf>>,
    /// Routes and includes by the app or router they are declared on
    /// (module key, name): (module key, index).
    routes_on: FastMap<(PathBuf, String), Vec<(PathBuf, usize)>>,
    includes_on: FastMap<(PathBuf, String), Vec<(PathBuf, usize)>>,
    /// Folders holding an `__init__.py`.
    packages: BTreeSet<PathBuf>,
    /// Folders holding a `.github` folder: repositories.
    repos: BTreeSet<PathBuf>,
    /// What each package says together, made on first ask.
    near: std::sync::Mutex<FastMap<PathBuf, Arc<Near>>>,
    /// The path ends each app and router serves, made on first ask.
    tails: std::sync::Mutex<FastMap<(PathBuf, String), Arc<Tails>>>,
}

/// The last segments of the paths an app or router serves.
#[derive(Debug, Default)]
pub struct Tails {
    pub tails: BTreeSet<String>,
    /// Every include and mount below was followed.
    pub complete: bool,
}

/// What the modules of one package say together.
#[derive(Debug, Default)]
pub struct Near {
    /// Set-up signals, in path order (the package's modules, then the
    /// repository's configuration files).
    pub signals: Vec<(Signal, Loc)>,
    /// Names some function closes.
    pub closed: FastSet<String>,
    /// Functions named in `Depends(…)`.
    pub dependencies: FastSet<String>,
    pub settings_classes: FastSet<String>,
    /// Boolean settings fields, with their module.
    pub flags: Vec<(PathBuf, Flag)>,
    /// Some module makes a FastAPI or Starlette app.
    pub has_app: bool,
}

/// The name a module is imported by: `users` for `…/users.py` and
/// `…/users/__init__.py`.
fn import_name(k: &Path) -> Option<String> {
    let stem = k.file_stem()?.to_string_lossy();
    if stem == "__init__" {
        return Some(
            k.fast_parent()?
                .fast_file_name()?
                .to_string_lossy()
                .to_string(),
        );
    }
    Some(stem.to_string())
}

impl Apps {
    /// `known`: the keys of every file of the run (its packages are the
    /// folders with an `__init__.py`).
    pub fn build<'k>(
        modules: BTreeMap<PathBuf, Module>,
        known: impl Iterator<Item = &'k Path>,
    ) -> Apps {
        let (mut packages, mut repos) = (BTreeSet::new(), BTreeSet::new());
        for k in known {
            if k.fast_file_name().is_some_and(|n| n == "__init__.py")
                && let Some(p) = k.fast_parent()
            {
                packages.insert(p.to_path_buf());
            }
            if let Some(at) = k.components().position(|c| c.as_os_str() == ".github") {
                repos.insert(k.components().take(at).collect::<PathBuf>());
            }
        }
        let mut apps = Apps {
            packages,
            repos,
            modules,
            ..Apps::default()
        };
        for k in apps.modules.keys() {
            if let Some(n) = import_name(k) {
                apps.by_name.entry(n).or_default().push(k.clone());
            }
        }
        for ks in apps.by_name.values_mut() {
            ks.sort_by(|a, b| crate::paths::path_bytes(a).cmp(crate::paths::path_bytes(b)));
        }
        let mut routes_on: FastMap<(PathBuf, String), Vec<(PathBuf, usize)>> = FastMap::default();
        let mut includes_on: FastMap<(PathBuf, String), Vec<(PathBuf, usize)>> = FastMap::default();
        for (k, m) in &apps.modules {
            for (i, r) in m.routes.iter().enumerate() {
                if let Some(owner) = apps.resolve(k, &r.owner) {
                    routes_on.entry(owner).or_default().push((k.clone(), i));
                }
            }
            for (i, inc) in m.includes.iter().enumerate() {
                if let Some(owner) = apps.resolve(k, &inc.owner) {
                    includes_on.entry(owner).or_default().push((k.clone(), i));
                }
            }
        }
        apps.routes_on = routes_on;
        apps.includes_on = includes_on;
        apps
    }

    pub fn module(&self, k: &Path) -> Option<&Module> {
        self.modules.get(k)
    }

    /// The module and name a reference written in module `from` means:
    /// a local name, a relative reference (`.api.router`) or an absolute
    /// one (`app.api.router`, matched against the project's paths, the
    /// candidate nearest `from` first).
    pub fn resolve(&self, from: &Path, reference: &str) -> Option<(PathBuf, String)> {
        if !reference.contains('.') {
            return Some((from.to_path_buf(), reference.to_string()));
        }
        let (module, attr) = reference.rsplit_once('.')?;
        if attr.is_empty() {
            return None;
        }
        if let Some(rest) = module.strip_prefix('.').or_else(|| {
            // `.x` alone: `from . import x` then `x` is `.x`.
            (module.is_empty() && reference.starts_with('.')).then_some("")
        }) {
            // `..x` splits into `.` and `x`: a module of dots alone names
            // a package that many levels up (one dot went to the split).
            let (ups, rest) = if !module.is_empty() && module.bytes().all(|b| b == b'.') {
                (module.len(), "")
            } else {
                let ups = rest.chars().take_while(|c| *c == '.').count();
                (ups, &rest[ups..])
            };
            let mut base = from.fast_parent()?.to_path_buf();
            for _ in 0..ups {
                base = base.fast_parent()?.to_path_buf();
            }
            for part in rest.split('.').filter(|p| !p.is_empty()) {
                base.push(part);
            }
            let as_file = base.with_extension("py");
            if !rest.is_empty() && self.modules.contains_key(&as_file) {
                return Some((as_file, attr.to_string()));
            }
            let init = base.join("__init__.py");
            return self
                .modules
                .contains_key(&init)
                .then(|| (init, attr.to_string()));
        }
        let parts: Vec<&str> = module.split('.').collect();
        let name = parts.last()?;
        let tail_file = format!("/{}.py", parts.join("/"));
        let tail_init = format!("/{}/__init__.py", parts.join("/"));
        let from_text = from.to_string_lossy();
        // The namesakes that fit nearest `from` (most leading folders
        // shared), found outward from where `from` sorts: many copies of
        // one service must not try every copy's module for every
        // reference. Bounded, so that a crafted tree of thousands of
        // same-named modules costs no pass over all of them either. The
        // most leading bytes shared, below, is always among them.
        let (_, near) = crate::paths::nearest(
            self.by_name.get(*name)?,
            |k| k,
            from,
            |k| {
                let t = k.to_string_lossy();
                t.ends_with(&tail_file) || t.ends_with(&tail_init)
            },
            MAX_CANDIDATES,
        );
        near.into_iter()
            .max_by_key(|k| {
                let t = k.to_string_lossy();
                let shared = t
                    .bytes()
                    .zip(from_text.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                // Nearest first; then the first path, for determinism.
                (shared, std::cmp::Reverse(t.to_string()))
            })
            .map(|k| (k.clone(), attr.to_string()))
    }

    /// Apps modules start by name (`uvicorn.run("app:app")`), with the
    /// module's folder.
    pub fn runs(&self) -> impl Iterator<Item = (String, PathBuf)> + '_ {
        self.modules.iter().flat_map(|(k, m)| {
            let dir = k.fast_parent().map(Path::to_path_buf).unwrap_or_default();
            m.runs.iter().map(move |spec| (spec.clone(), dir.clone()))
        })
    }

    /// Every settings class of the project: (module key, the class).
    pub fn settings(&self) -> impl Iterator<Item = (&PathBuf, &super::facts::app::Settings)> {
        self.modules
            .iter()
            .flat_map(|(k, m)| m.settings.iter().map(move |s| (k, s)))
    }

    /// Every module with app facts, in path order.
    pub fn modules(&self) -> impl Iterator<Item = (&PathBuf, &Module)> {
        self.modules.iter()
    }

    /// Every app of the project: (module key, its definition).
    pub fn apps(&self) -> impl Iterator<Item = (&PathBuf, &AppDef)> {
        self.modules
            .iter()
            .flat_map(|(k, m)| m.apps.iter().map(move |a| (k, a)))
    }

    /// The apps module `k` makes (looked up: a question asked per
    /// server must not walk every app of the project).
    pub fn apps_in(&self, k: &Path) -> impl Iterator<Item = &AppDef> {
        self.modules.get(k).into_iter().flat_map(|m| m.apps.iter())
    }

    /// The routes app `name` of module `k` serves.
    pub fn app(&self, k: &Path, name: &str) -> App {
        let mut out = App {
            routes: Vec::new(),
            complete: true,
            settings_used: Vec::new(),
        };
        let opaque = self
            .modules
            .get(k)
            .and_then(|m| m.apps.iter().find(|a| a.name == name))
            .is_some_and(|a| a.opaque);
        if opaque {
            out.complete = false;
        }
        let mut walk = Walk {
            seen: BTreeSet::new(),
            budget: MAX_VISITS,
        };
        self.collect(k, name, Some(String::new()), 0, &mut walk, &mut out);
        out
    }

    fn collect(
        &self,
        k: &Path,
        name: &str,
        prefix: Option<String>,
        depth: usize,
        walk: &mut Walk,
        out: &mut App,
    ) {
        let owner = (k.to_path_buf(), name.to_string());
        // A router included many times over at every level is walked
        // once per inclusion: past the budget the routes are incomplete
        // rather than exponential.
        if walk.budget == 0 || depth > MAX_INCLUDES || !walk.seen.insert(owner.clone()) {
            out.complete &= walk.budget > 0 && depth <= MAX_INCLUDES;
            return;
        }
        walk.budget -= 1;
        // A router's own prefix.
        let module = self.modules.get(k);
        let own_prefix = module
            .and_then(|m| m.routers.iter().find(|(n, _)| n == name))
            .map_or(Some(String::new()), |(_, p)| p.clone())
            .or_else(|| {
                let r = module?.router_refs.iter().find(|(n, _)| n == name)?;
                self.setting_text(k, &r.1, out)
            });
        let prefix = join(prefix.as_deref(), own_prefix.as_deref());
        for (mk, i) in self.routes_on.get(&owner).into_iter().flatten() {
            let Some(r) = self.modules.get(mk).and_then(|m| m.routes.get(*i)) else {
                continue;
            };
            out.routes.push(Route {
                path: join(prefix.as_deref(), r.path.as_deref()),
                own: r.path.clone(),
                at: Loc::new(mk, r.at),
                handler: r.handler.clone(),
            });
        }
        for (mk, i) in self.includes_on.get(&owner).into_iter().flatten() {
            let Some(inc) = self.modules.get(mk).and_then(|m| m.includes.get(*i)) else {
                continue;
            };
            let target = inc.target.as_deref().and_then(|t| self.resolve(mk, t));
            match target {
                Some((tk, tn)) if self.declares(&tk, &tn) => {
                    let own = inc
                        .prefix
                        .clone()
                        .or_else(|| self.setting_text(mk, inc.prefix_ref.as_deref()?, out));
                    let p = join(prefix.as_deref(), own.as_deref());
                    self.collect(&tk, &tn, p, depth + 1, walk, out);
                }
                // Static files, another package's router: not followed.
                _ => out.complete = false,
            }
        }
        walk.seen.remove(&owner);
    }

    /// The last segments of the paths app or router `name` of module `k`
    /// serves, itself and through what it includes and mounts, and
    /// whether every include was followed. Made once per router and
    /// shared: many apps including one router tree cost one walk of it.
    pub fn tails(&self, k: &Path, name: &str) -> Arc<Tails> {
        let mut stack = BTreeSet::new();
        self.tails_of(k, name, &mut stack)
    }

    fn tails_of(
        &self,
        k: &Path,
        name: &str,
        stack: &mut BTreeSet<(PathBuf, String)>,
    ) -> Arc<Tails> {
        let owner = (k.to_path_buf(), name.to_string());
        if let Ok(memo) = self.tails.lock()
            && let Some(t) = memo.get(&owner)
        {
            return Arc::clone(t);
        }
        // A cycle, or nesting past the limit: not followed.
        if stack.len() > MAX_INCLUDES || !stack.insert(owner.clone()) {
            return Arc::new(Tails::default());
        }
        let mut out = Tails {
            tails: BTreeSet::new(),
            complete: !self
                .modules
                .get(k)
                .and_then(|m| m.apps.iter().find(|a| a.name == name))
                .is_some_and(|a| a.opaque),
        };
        for (mk, i) in self.routes_on.get(&owner).into_iter().flatten() {
            if let Some(p) = self
                .modules
                .get(mk)
                .and_then(|m| m.routes.get(*i))
                .and_then(|r| r.path.as_deref())
            {
                out.tails.insert(tail(p).to_string());
            }
        }
        for (mk, i) in self.includes_on.get(&owner).into_iter().flatten() {
            let target = self
                .modules
                .get(mk)
                .and_then(|m| m.includes.get(*i))
                .and_then(|inc| inc.target.as_deref())
                .and_then(|t| self.resolve(mk, t));
            let prefix = self
                .modules
                .get(mk)
                .and_then(|m| m.includes.get(*i))
                .and_then(|inc| inc.prefix.as_deref())
                .map(tail)
                .unwrap_or("");
            match target {
                Some((tk, tn)) if self.declares(&tk, &tn) => {
                    let inner = self.tails_of(&tk, &tn, stack);
                    // A route at the included router's root
                    // (`@router.get("")`) ends where the include's prefix
                    // does (`prefix="/healthz"`).
                    out.tails.extend(inner.tails.iter().map(|t| {
                        if t.is_empty() {
                            prefix.to_string()
                        } else {
                            t.clone()
                        }
                    }));
                    out.complete &= inner.complete;
                }
                _ => out.complete = false,
            }
        }
        // Routes at this router's root end where its own prefix does
        // (`APIRouter(prefix="/health")` with `@router.get("/")`).
        if let Some(own) = self
            .modules
            .get(k)
            .and_then(|m| m.routers.iter().find(|(n, _)| n == name))
            .and_then(|(_, p)| p.as_deref())
            .map(tail)
            .filter(|t| !t.is_empty())
            && out.tails.remove("")
        {
            out.tails.insert(own.to_string());
        }
        stack.remove(&owner);
        let out = Arc::new(out);
        if let Ok(mut memo) = self.tails.lock() {
            memo.insert(owner, Arc::clone(&out));
        }
        out
    }

    /// The default of the settings field a reference names
    /// (`settings.API_V1_STR` → `/api/v1`), when the settings of `k`'s
    /// package give it one string default; the field's variables are
    /// added to what the app's paths depend on.
    fn setting_text(&self, k: &Path, reference: &str, out: &mut App) -> Option<String> {
        let field = reference.rsplit('.').next()?;
        let root = self.package_root(k);
        let mut found: Option<(&str, &[String])> = None;
        for (sk, class) in self.settings() {
            for (f, value, env) in &class.texts {
                if f != field || self.package_root(sk) != root {
                    continue;
                }
                match found {
                    Some((v, _)) if v != value => return None,
                    _ => found = Some((value, env)),
                }
            }
        }
        let (value, env) = found?;
        out.settings_used.extend(env.iter().cloned());
        Some(value.to_string())
    }

    /// Module `k` makes an app or router called `name`.
    fn declares(&self, k: &Path, name: &str) -> bool {
        self.modules.get(k).is_some_and(|m| {
            m.apps.iter().any(|a| a.name == name) || m.routers.iter().any(|(n, _)| n == name)
        })
    }

    /// What the modules of the package `k` belongs to say together (the
    /// folder above its top-most package: a folder with `__init__.py`
    /// counts as one; a flat layout is its own folder), with the
    /// configuration files of its repository. Made once per package and
    /// shared: every module of a package asks the same question.
    pub fn near(&self, k: &Path) -> Arc<Near> {
        let root = self.package_root(k);
        if let Ok(cache) = self.near.lock()
            && let Some(n) = cache.get(&root)
        {
            return Arc::clone(n);
        }
        let made = Arc::new(self.make_near(&root));
        if let Ok(mut cache) = self.near.lock() {
            cache.insert(root, Arc::clone(&made));
        }
        made
    }

    fn make_near(&self, root: &Path) -> Near {
        let mut near = Near::default();
        let loc = |k: &PathBuf, span: &crate::source::Span| Loc::new(k, *span);
        for (mk, m) in self
            .modules
            .range(root.to_path_buf()..)
            .take_while(|(mk, _)| mk.starts_with(root))
        {
            near.signals
                .extend(m.signals.iter().map(|(s, span)| (*s, loc(mk, span))));
            near.closed.extend(m.closed.iter().cloned());
            near.dependencies.extend(m.dependencies.iter().cloned());
            near.settings_classes
                .extend(m.settings_classes.iter().cloned());
            near.flags
                .extend(m.flags.iter().map(|f| (mk.clone(), f.clone())));
            near.has_app |= !m.apps.is_empty();
        }
        // The repository's configuration files (a proxy's, a logging
        // configuration's).
        let repo = self.repo_of_root(root);
        for (mk, m) in self
            .modules
            .range(repo.clone()..)
            .take_while(|(mk, _)| mk.starts_with(&repo))
            .filter(|(mk, _)| mk.fast_extension().is_none_or(|e| e != "py"))
        {
            near.signals
                .extend(m.signals.iter().map(|(s, span)| (*s, loc(mk, span))));
        }
        near
    }

    /// The repository of module `k`: the folder with a `.github` folder
    /// above its package, else its package's folder.
    pub fn repo_of(&self, k: &Path) -> PathBuf {
        self.repo_of_root(&self.package_root(k))
    }

    fn repo_of_root(&self, root: &Path) -> PathBuf {
        // The deepest repository holding `root`: its folders looked up,
        // nearest first (not every repository of the tree tried).
        root.ancestors()
            .find_map(|a| self.repos.get(a))
            .cloned()
            .unwrap_or_else(|| root.to_path_buf())
    }

    /// The folder above the top-most package holding `k`.
    pub fn package_root(&self, k: &Path) -> PathBuf {
        let mut dir = k.fast_parent().map(Path::to_path_buf).unwrap_or_default();
        while self.packages.contains(&dir) {
            match dir.fast_parent() {
                Some(p) => dir = p.to_path_buf(),
                None => break,
            }
        }
        dir
    }

    /// The app `name` of module `k` is made in a function (a factory):
    /// its name.
    pub fn factory(&self, k: &Path, name: &str) -> Option<&str> {
        self.modules
            .get(k)?
            .apps
            .iter()
            .find(|a| a.name == name)?
            .factory
            .as_deref()
    }
}

/// `a` + `b` as URL paths (`/api` + `/users` = `/api/users`); unknown if
/// either is.
fn join(a: Option<&str>, b: Option<&str>) -> Option<String> {
    let (a, b) = (a?, b?);
    let a = a.trim_end_matches('/');
    if b.is_empty() {
        return Some(a.to_string());
    }
    if b.starts_with('/') {
        Some(format!("{a}{b}"))
    } else {
        Some(format!("{a}/{b}"))
    }
}

/// The last segment of a route's path (`health` for `/api/health/`).
pub fn tail(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app model of modules given as (path, source).
    fn apps_of(modules: &[(&str, &str)]) -> Apps {
        let read = |t: &str| Module::read(&crate::parse::python::parse_file(t, false));
        let modules: BTreeMap<PathBuf, Module> = modules
            .iter()
            .map(|(p, t)| (PathBuf::from(p), read(t)))
            .collect();
        Apps::build(modules, std::iter::empty())
    }

    fn module(routers: &[&str]) -> Module {
        Module {
            routers: routers
                .iter()
                .map(|r| (r.to_string(), Some(String::new())))
                .collect(),
            ..Module::default()
        }
    }

    #[test]
    fn references_resolve_relative_absolute_and_nearest_first() {
        let modules = BTreeMap::from([
            (
                PathBuf::from("/r/a/app/api/__init__.py"),
                module(&["router"]),
            ),
            (PathBuf::from("/r/a/app/api/users.py"), module(&["router"])),
            (PathBuf::from("/r/b/app/api/users.py"), module(&["router"])),
            (PathBuf::from("/r/a/app/main.py"), Module::default()),
        ]);
        let apps = Apps::build(modules, std::iter::empty());
        let main = Path::new("/r/a/app/main.py");
        assert_eq!(
            apps.resolve(main, ".api.router"),
            Some((PathBuf::from("/r/a/app/api/__init__.py"), "router".into()))
        );
        assert_eq!(
            apps.resolve(main, ".api.users.router"),
            Some((PathBuf::from("/r/a/app/api/users.py"), "router".into()))
        );
        // Two `app/api/users.py`: the one beside the importer.
        assert_eq!(
            apps.resolve(main, "app.api.users.router"),
            Some((PathBuf::from("/r/a/app/api/users.py"), "router".into()))
        );
        assert_eq!(
            apps.resolve(Path::new("/r/a/app/api/__init__.py"), "..main.app"),
            Some((PathBuf::from("/r/a/app/main.py"), "app".into()))
        );
        // `from .. import x` in a module of `app/api/`: `app/__init__`'s.
        let modules = BTreeMap::from([
            (PathBuf::from("/p/app/__init__.py"), module(&["router"])),
            (PathBuf::from("/p/app/api/__init__.py"), module(&["router"])),
            (PathBuf::from("/p/app/api/users.py"), Module::default()),
        ]);
        let nested = Apps::build(modules, std::iter::empty());
        assert_eq!(
            nested.resolve(Path::new("/p/app/api/users.py"), "..router"),
            Some((PathBuf::from("/p/app/__init__.py"), "router".into()))
        );
        assert_eq!(
            nested.resolve(Path::new("/p/app/api/users.py"), ".router"),
            Some((PathBuf::from("/p/app/api/__init__.py"), "router".into()))
        );
        assert_eq!(apps.resolve(main, "elsewhere.router"), None);
        assert_eq!(
            apps.resolve(main, "app"),
            Some((main.to_path_buf(), "app".into()))
        );
    }

    #[test]
    fn routes_get_the_prefixes_of_the_routers_above_them() {
        let apps = apps_of(&[
            (
                "/r/app/main.py",
                "from fastapi import FastAPI\nfrom .api import router\napp = FastAPI()\napp.include_router(router, prefix=\"/api\")\n",
            ),
            (
                "/r/app/api/__init__.py",
                "from fastapi import APIRouter\nfrom . import health\nrouter = APIRouter(prefix=\"/v1\")\nrouter.include_router(health.router)\n",
            ),
            (
                "/r/app/api/health.py",
                "from fastapi import APIRouter\nrouter = APIRouter(prefix=\"/health\")\n@router.get(\"/ready\")\nasync def ready(): ...\n",
            ),
        ]);
        let app = apps.app(Path::new("/r/app/main.py"), "app");
        assert!(app.complete);
        let paths: Vec<_> = app.routes.iter().map(|r| r.path.clone()).collect();
        assert_eq!(paths, [Some("/api/v1/health/ready".to_string())]);
        let tails = apps.tails(Path::new("/r/app/main.py"), "app");
        assert!(tails.complete);
        assert_eq!(tails.tails.iter().collect::<Vec<_>>(), ["ready"]);
    }

    #[test]
    fn a_prefix_named_by_a_setting_takes_the_settings_default() {
        let apps = apps_of(&[
            (
                "/r/app/main.py",
                "from fastapi import FastAPI\nfrom app.config import settings\nfrom app import health\napp = FastAPI()\napp.include_router(health.router, prefix=settings.API_V1_STR)\n",
            ),
            (
                "/r/app/config.py",
                "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    API_V1_STR: str = \"/api/v1\"\nsettings = Settings()\n",
            ),
            (
                "/r/app/health.py",
                "from fastapi import APIRouter\nrouter = APIRouter(prefix=settings.HEALTH)\n@router.get(\"/live\")\nasync def live(): ...\n",
            ),
        ]);
        let app = apps.app(Path::new("/r/app/main.py"), "app");
        let paths: Vec<_> = app.routes.iter().map(|r| r.path.clone()).collect();
        // `HEALTH` is no field of the settings: that path stays unknown.
        assert_eq!(paths, [None]);
        assert_eq!(app.settings_used, ["API_V1_STR"]);
    }

    #[test]
    fn a_route_at_a_routers_root_ends_where_its_prefix_does() {
        let apps = apps_of(&[
            (
                "/r/main.py",
                "from fastapi import FastAPI\nimport probes\napp = FastAPI()\napp.include_router(probes.live, prefix=\"/livez\")\napp.include_router(probes.ready)\n",
            ),
            (
                "/r/probes.py",
                "from fastapi import APIRouter\nlive = APIRouter()\nready = APIRouter(prefix=\"/readyz\")\n@live.get(\"\")\ndef a(): ...\n@ready.get(\"/\")\ndef b(): ...\n",
            ),
        ]);
        let tails = apps.tails(Path::new("/r/main.py"), "app");
        assert!(tails.complete);
        assert_eq!(tails.tails.iter().collect::<Vec<_>>(), ["livez", "readyz"]);
    }

    #[test]
    fn a_router_included_many_times_over_stops_at_the_budget() {
        use crate::parse::python::parse_file;
        let mut text = String::from("from fastapi import APIRouter, FastAPI\napp = FastAPI()\n");
        for i in 0..14 {
            text.push_str(&format!("r{i} = APIRouter()\n"));
        }
        text.push_str("app.include_router(r0)\n");
        for i in 0..13 {
            for _ in 0..4 {
                text.push_str(&format!("r{i}.include_router(r{})\n", i + 1));
            }
        }
        text.push_str("@r13.get(\"/x\")\ndef x(): ...\n");
        let k = PathBuf::from("/r/main.py");
        let apps = Apps::build(
            BTreeMap::from([(k.clone(), Module::read(&parse_file(&text, false)))]),
            std::iter::empty(),
        );
        // 4^13 paths to the route: the walk gives up, incomplete.
        let app = apps.app(&k, "app");
        assert!(!app.complete);
        assert!(app.routes.len() <= MAX_VISITS);
        // The path ends are memoised per router: complete, one route.
        let tails = apps.tails(&k, "app");
        assert!(tails.complete);
        assert_eq!(tails.tails.iter().collect::<Vec<_>>(), ["x"]);
    }

    #[test]
    fn paths_join_and_end() {
        assert_eq!(
            join(Some("/api/"), Some("/users")),
            Some("/api/users".into())
        );
        assert_eq!(join(Some(""), Some("health")), Some("/health".into()));
        assert_eq!(join(None, Some("/x")), None);
        assert_eq!(tail("/api/v1/health/ready/"), "ready");
        assert_eq!(tail("/"), "");
    }
}
