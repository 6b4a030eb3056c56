//! A typed view with spans over GitHub Actions workflows
//! (`.github/workflows/*.yml`) and action metadata (`action.yml`), built
//! on the YAML tree. It borrows the tree: nothing is copied but names.

use crate::hashing::FastMap;
use crate::parse::offsets::OffsetMap;
use crate::parse::shell::{self, Script};
use crate::parse::yaml::{Entry, Node, NodeKind};
use crate::source::Span;

/// A name or value with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub text: String,
    pub span: Span,
}

impl Spanned {
    pub fn of(node: &Node) -> Option<Spanned> {
        Some(Spanned {
            text: node.as_str()?.to_string(),
            span: node.span,
        })
    }
}

/// One trigger under `on:`, in any of its three shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger<'a> {
    pub event: Spanned,
    /// `branches`, `paths`, `types`, ... for the map shape.
    pub filters: Option<&'a Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Permissions<'a> {
    /// `permissions: read-all` / `write-all` (or another string).
    All(Spanned),
    /// `permissions: {}` or a map of scopes.
    Scopes(Vec<(Spanned, Spanned)>, &'a Node),
}

impl Permissions<'_> {
    pub fn is_write_all(&self) -> bool {
        matches!(self, Permissions::All(s) if s.text == "write-all")
    }

    /// Scopes granted `write`.
    pub fn write_scopes(&self) -> Vec<&Spanned> {
        match self {
            Permissions::All(_) => Vec::new(),
            Permissions::Scopes(s, _) => s
                .iter()
                .filter(|(_, v)| v.text == "write")
                .map(|(k, _)| k)
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step<'a> {
    pub node: &'a Node,
    pub id: Option<Spanned>,
    pub name: Option<Spanned>,
    pub uses: Option<Spanned>,
    pub run: Option<&'a Node>,
    /// The `run:` script split into commands, parsed once for every rule
    /// (offsets are into the scalar's text).
    pub script: Option<Script>,
    pub shell: Option<Spanned>,
    pub with: Option<&'a Node>,
    pub env: Option<&'a Node>,
    pub if_: Option<&'a Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub image: Option<Spanned>,
    pub credentials: Option<&'a Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job<'a> {
    pub node: &'a Node,
    pub id: Spanned,
    pub name: Option<Spanned>,
    pub needs: Vec<Spanned>,
    pub if_: Option<&'a Node>,
    pub runs_on: Option<&'a Node>,
    /// `environment: production` or `environment: {name: production}`.
    pub environment: Option<Spanned>,
    pub permissions: Option<Permissions<'a>>,
    pub timeout_minutes: Option<&'a Node>,
    pub concurrency: Option<&'a Node>,
    pub container: Option<Container<'a>>,
    pub services: Vec<(Spanned, Container<'a>)>,
    pub strategy: Option<&'a Node>,
    /// A reusable workflow call.
    pub uses: Option<Spanned>,
    pub with: Option<&'a Node>,
    pub secrets: Option<&'a Node>,
    pub env: Option<&'a Node>,
    pub steps: Vec<Step<'a>>,
}

impl<'a> Job<'a> {
    /// The job's `container:` and its `services:`, in that order.
    pub fn containers(&self) -> impl Iterator<Item = &Container<'a>> {
        self.container
            .iter()
            .chain(self.services.iter().map(|(_, c)| c))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workflow<'a> {
    pub root: &'a Node,
    pub name: Option<Spanned>,
    /// The `on` key (a plain `on` may load as a boolean elsewhere; here it is a key).
    pub on_key: Option<Span>,
    pub triggers: Vec<Trigger<'a>>,
    pub permissions: Option<Permissions<'a>>,
    pub env: Option<&'a Node>,
    pub defaults: Option<&'a Node>,
    pub concurrency: Option<&'a Node>,
    pub jobs: Vec<Job<'a>>,
}

/// `action.yml`: a composite, JavaScript or Docker action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action<'a> {
    pub root: &'a Node,
    pub name: Option<Spanned>,
    pub inputs: Vec<Spanned>,
    /// `runs.using`: `composite`, `node20`, `docker`.
    pub using: Option<Spanned>,
    /// `runs.image` of a Docker action.
    pub image: Option<Spanned>,
    pub steps: Vec<Step<'a>>,
}

fn entries(node: Option<&Node>) -> &[Entry] {
    node.and_then(Node::as_map).unwrap_or(&[])
}

fn permissions(node: &Node) -> Option<Permissions<'_>> {
    match &node.kind {
        NodeKind::Scalar { .. } => Spanned::of(node).map(Permissions::All),
        NodeKind::Map(m) => Some(Permissions::Scopes(
            m.iter()
                .filter_map(|e| Some((Spanned::of(&e.key)?, Spanned::of(&e.value)?)))
                .collect(),
            node,
        )),
        NodeKind::Seq(_) => None,
    }
}

fn step(node: &Node) -> Step<'_> {
    Step {
        node,
        id: node.get("id").and_then(Spanned::of),
        name: node.get("name").and_then(Spanned::of),
        uses: node.get("uses").and_then(Spanned::of),
        run: node.get("run"),
        script: node
            .get("run")
            .and_then(Node::as_str)
            .map(|t| shell::parse(t, &OffsetMap::contiguous(0, t.len()))),
        shell: node.get("shell").and_then(Spanned::of),
        with: node.get("with"),
        env: node.get("env"),
        if_: node.get("if"),
    }
}

fn steps(node: Option<&Node>) -> Vec<Step<'_>> {
    node.and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(step)
        .collect()
}

fn container(node: &Node) -> Container<'_> {
    match &node.kind {
        NodeKind::Scalar { .. } => Container {
            node,
            image: Spanned::of(node),
            credentials: None,
        },
        _ => Container {
            node,
            image: node.get("image").and_then(Spanned::of),
            credentials: node.get("credentials"),
        },
    }
}

fn job<'a>(id: &Node, node: &'a Node) -> Option<Job<'a>> {
    let needs = match node.get("needs") {
        Some(n) => match &n.kind {
            NodeKind::Seq(items) => items.iter().filter_map(Spanned::of).collect(),
            _ => Spanned::of(n).into_iter().collect(),
        },
        None => Vec::new(),
    };
    let environment = node
        .get("environment")
        .and_then(|e| Spanned::of(e).or_else(|| e.get("name").and_then(Spanned::of)));
    Some(Job {
        node,
        id: Spanned::of(id)?,
        name: node.get("name").and_then(Spanned::of),
        needs,
        if_: node.get("if"),
        runs_on: node.get("runs-on"),
        environment,
        permissions: node.get("permissions").and_then(permissions),
        timeout_minutes: node.get("timeout-minutes"),
        concurrency: node.get("concurrency"),
        container: node.get("container").map(container),
        services: entries(node.get("services"))
            .iter()
            .filter_map(|e| Some((Spanned::of(&e.key)?, container(&e.value))))
            .collect(),
        strategy: node.get("strategy"),
        uses: node.get("uses").and_then(Spanned::of),
        with: node.get("with"),
        secrets: node.get("secrets"),
        env: node.get("env"),
        steps: steps(node.get("steps")),
    })
}

impl<'a> Workflow<'a> {
    /// The workflow view of a document root; `None` when it is not a mapping.
    pub fn from_root(root: &'a Node) -> Option<Workflow<'a>> {
        root.as_map()?;
        let on = root.entry("on");
        let triggers = match on.map(|e| &e.value) {
            None => Vec::new(),
            Some(v) => match &v.kind {
                NodeKind::Scalar { .. } => Spanned::of(v)
                    .map(|event| Trigger {
                        event,
                        filters: None,
                    })
                    .into_iter()
                    .collect(),
                NodeKind::Seq(items) => items
                    .iter()
                    .filter_map(|i| {
                        Spanned::of(i).map(|event| Trigger {
                            event,
                            filters: None,
                        })
                    })
                    .collect(),
                NodeKind::Map(m) => m
                    .iter()
                    .filter_map(|e| {
                        Some(Trigger {
                            event: Spanned::of(&e.key)?,
                            filters: (!e.value.is_null()).then_some(&e.value),
                        })
                    })
                    .collect(),
            },
        };
        Some(Workflow {
            root,
            name: root.get("name").and_then(Spanned::of),
            on_key: on.map(|e| e.key.span),
            triggers,
            permissions: root.get("permissions").and_then(permissions),
            env: root.get("env"),
            defaults: root.get("defaults"),
            concurrency: root.get("concurrency"),
            jobs: entries(root.get("jobs"))
                .iter()
                .filter_map(|e| job(&e.key, &e.value))
                .collect(),
        })
    }

    pub fn job(&self, id: &str) -> Option<&Job<'a>> {
        self.jobs.iter().find(|j| j.id.text == id)
    }

    pub fn has_trigger(&self, event: &str) -> bool {
        self.triggers.iter().any(|t| t.event.text == event)
    }

    /// Every job that `job` needs, directly or through others. Rules that
    /// ask this of every job use [`Workflow::needs_graph`] instead: one walk
    /// per job costs the square of a long chain of `needs`.
    pub fn ancestors(&self, job: &str) -> Vec<&Job<'a>> {
        let graph = self.needs_graph();
        let Some(start) = graph.node(job) else {
            return Vec::new();
        };
        let mut seen: Vec<usize> = Vec::new();
        let mut done = vec![false; self.jobs.len()];
        let mut todo: Vec<usize> = graph.needs[start].clone();
        while let Some(i) = todo.pop() {
            if std::mem::replace(&mut done[i], true) {
                continue;
            }
            seen.push(i);
            todo.extend(&graph.needs[i]);
        }
        seen.iter().map(|&i| &self.jobs[i]).collect()
    }

    /// The `needs` between jobs, resolved once, with their cycles.
    pub fn needs_graph(&self) -> NeedsGraph {
        // A job id names the first job of that id (as `Workflow::job` does).
        let mut index: FastMap<&str, usize> = FastMap::default();
        for (i, j) in self.jobs.iter().enumerate() {
            index.entry(j.id.text.as_str()).or_insert(i);
        }
        let node_of: Vec<usize> = self
            .jobs
            .iter()
            .enumerate()
            .map(|(i, j)| index.get(j.id.text.as_str()).copied().unwrap_or(i))
            .collect();
        let needs: Vec<Vec<usize>> = self
            .jobs
            .iter()
            .map(|j| {
                j.needs
                    .iter()
                    .filter_map(|n| index.get(n.text.as_str()).copied())
                    .collect()
            })
            .collect();
        let component = components(&needs);
        let count = component.iter().map(|c| c + 1).max().unwrap_or(0);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (i, c) in component.iter().enumerate() {
            members[*c].push(i);
        }
        let cyclic = members
            .iter()
            .map(|m| m.len() > 1 || m.iter().any(|&i| needs[i].contains(&i)))
            .collect();
        NeedsGraph {
            ids: index.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            node_of,
            needs,
            component,
            members,
            cyclic,
        }
    }
}

/// Jobs as nodes (indices into `Workflow::jobs`), `needs` as edges, and
/// their strongly connected components: what lets a rule ask a question
/// of every job's ancestors in one pass over the graph.
#[derive(Debug, Clone)]
pub struct NeedsGraph {
    ids: FastMap<String, usize>,
    /// The job that each job's id names (itself but for a duplicate id).
    node_of: Vec<usize>,
    needs: Vec<Vec<usize>>,
    component: Vec<usize>,
    /// Jobs of each component; components are numbered so that every
    /// `needs` edge leads to the same component or a lower-numbered one.
    members: Vec<Vec<usize>>,
    /// Whether a component's jobs need themselves through `needs`.
    cyclic: Vec<bool>,
}

impl NeedsGraph {
    fn node(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// For each job of the workflow, in order: does a job it needs,
    /// directly or through others, satisfy `pred`? `pred` runs once per job.
    pub fn any_ancestor<'a>(&self, jobs: &[Job<'a>], pred: impl Fn(&Job<'a>) -> bool) -> Vec<bool> {
        let holds: Vec<bool> = jobs.iter().map(pred).collect();
        // Lower components first: each reads only the answers before it.
        let mut has = vec![false; self.members.len()];
        let mut below = vec![false; self.members.len()];
        for (c, members) in self.members.iter().enumerate() {
            has[c] = members
                .iter()
                .any(|&i| holds.get(i).copied().unwrap_or(false));
            // In a cycle every member is an ancestor of every member.
            let mut any = self.cyclic[c] && has[c];
            for &i in members {
                for &n in &self.needs[i] {
                    let d = self.component[n];
                    if d != c {
                        any |= has[d] || below[d];
                    }
                }
            }
            below[c] = any;
        }
        self.node_of
            .iter()
            .map(|&i| below[self.component[i]])
            .collect()
    }

    /// For each job of the workflow, in order: does it need itself,
    /// directly or through others?
    pub fn in_cycle(&self) -> Vec<bool> {
        self.node_of
            .iter()
            .map(|&i| self.cyclic[self.component[i]])
            .collect()
    }
}

/// Strongly connected components (Tarjan's algorithm, with an explicit
/// stack: a chain of thousands of `needs` must not overflow the thread's
/// stack). A component is numbered after every component its edges reach.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![0; n];
    let mut stack: Vec<usize> = Vec::new();
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // The walk: a node and how many of its edges it has followed.
        let mut walk: Vec<(usize, usize)> = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(top) = walk.last_mut() {
            let v = top.0;
            if let Some(&w) = edges[v].get(top.1) {
                top.1 += 1;
                if order[w] == UNSEEN {
                    order[w] = next_order;
                    low[w] = next_order;
                    next_order += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    walk.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            walk.pop();
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

impl<'a> Action<'a> {
    pub fn from_root(root: &'a Node) -> Option<Action<'a>> {
        root.as_map()?;
        let runs = root.get("runs");
        Some(Action {
            root,
            name: root.get("name").and_then(Spanned::of),
            inputs: entries(root.get("inputs"))
                .iter()
                .filter_map(|e| Spanned::of(&e.key))
                .collect(),
            using: runs.and_then(|r| r.get("using")).and_then(Spanned::of),
            image: runs.and_then(|r| r.get("image")).and_then(Spanned::of),
            steps: steps(runs.and_then(|r| r.get("steps"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    const CI: &str = r#"name: ci
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    container:
      image: python:3.12
      credentials:
        username: bot
        password: ${{ secrets.REGISTRY_TOKEN }}
    services:
      db: postgres:16
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - id: tests
        run: pytest -q
  build:
    needs: test
    runs-on: ubuntu-24.04
    steps:
      - run: docker build -t app .
  deploy:
    needs: [build]
    environment:
      name: production
    permissions: write-all
    uses: org/deploy/.github/workflows/deploy.yml@v1
    secrets: inherit
"#;

    #[test]
    fn reads_the_whole_shape() {
        let y = yaml::parse(CI);
        assert!(y.errors.is_empty(), "{:?}", y.errors);
        let Some(root) = y.documents[0].as_ref() else {
            panic!("no document")
        };
        let w = Workflow::from_root(root).unwrap_or_else(|| panic!("not a workflow"));
        let events: Vec<&str> = w.triggers.iter().map(|t| t.event.text.as_str()).collect();
        assert_eq!(events, vec!["push", "pull_request"]);
        assert!(w.triggers[0].filters.is_some() && w.triggers[1].filters.is_none());
        assert_eq!(w.jobs.len(), 3);
        let test = &w.jobs[0];
        assert_eq!(
            test.container
                .as_ref()
                .and_then(|c| c.image.as_ref())
                .map(|i| i.text.as_str()),
            Some("python:3.12")
        );
        assert_eq!(
            test.services[0].1.image.as_ref().map(|i| i.text.as_str()),
            Some("postgres:16")
        );
        assert_eq!(
            test.steps[0].uses.as_ref().map(|u| u.text.as_str()),
            Some("actions/checkout@v4")
        );
        assert_eq!(
            test.steps[1].run.and_then(|r| r.as_str()),
            Some("pytest -q")
        );
        let deploy = &w.jobs[2];
        assert_eq!(
            deploy.environment.as_ref().map(|e| e.text.as_str()),
            Some("production")
        );
        assert!(
            deploy
                .permissions
                .as_ref()
                .is_some_and(Permissions::is_write_all)
        );
        assert_eq!(deploy.secrets.and_then(|s| s.as_str()), Some("inherit"));
        let ancestors: Vec<&str> = w
            .ancestors("deploy")
            .iter()
            .map(|j| j.id.text.as_str())
            .collect();
        assert_eq!(ancestors, vec!["build", "test"]);
        let needs = &w.jobs[1].needs[0];
        assert_eq!(&CI[needs.span.start..needs.span.end], "test");
    }

    #[test]
    fn triggers_in_string_and_list_form() {
        for (text, expected) in [
            ("on: push\njobs: {}\n", vec!["push"]),
            (
                "on: [push, workflow_dispatch]\njobs: {}\n",
                vec!["push", "workflow_dispatch"],
            ),
        ] {
            let y = yaml::parse(text);
            let root = y.documents[0].clone().unwrap_or_else(|| panic!("empty"));
            let w = Workflow::from_root(&root).unwrap_or_else(|| panic!("not a workflow"));
            let events: Vec<String> = w.triggers.iter().map(|t| t.event.text.clone()).collect();
            assert_eq!(events, expected);
        }
    }

    #[test]
    fn needs_cycles_terminate() {
        let text = "on: push\njobs:\n  a: {needs: b, runs-on: x}\n  b: {needs: a, runs-on: x}\n";
        let y = yaml::parse(text);
        let root = y.documents[0].clone().unwrap_or_else(|| panic!("empty"));
        let w = Workflow::from_root(&root).unwrap_or_else(|| panic!("not a workflow"));
        assert_eq!(w.ancestors("a").len(), 2);
    }

    #[test]
    fn composite_action() {
        let text = "name: x\ninputs:\n  who: {required: true}\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.who }}\n      shell: bash\n";
        let y = yaml::parse(text);
        let root = y.documents[0].clone().unwrap_or_else(|| panic!("empty"));
        let a = Action::from_root(&root).unwrap_or_else(|| panic!("not an action"));
        assert_eq!(a.using.map(|u| u.text), Some("composite".to_string()));
        assert_eq!(a.inputs[0].text, "who");
        assert_eq!(
            a.steps[0].shell.as_ref().map(|s| s.text.as_str()),
            Some("bash")
        );
    }
}
