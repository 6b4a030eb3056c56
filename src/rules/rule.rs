//! The one rule trait. Every hook does nothing by default; a rule
//! overrides the hooks of the files and facts it checks, and the engine
//! calls each hook for the rules the selection enables.

use super::compose::ComposeContext;
use super::kube::KubeContext;
use super::process::launch::Launch;
use super::process::{ConfigContext, LaunchContext, SupervisorContext, SystemdContext};
use super::project_pass::{ProjectContext, ProjectFindings};
use super::python::PythonContext;
use super::{DockerContext, EnvContext, WorkflowContext};
use crate::diagnostic::Findings;
use crate::registry::RuleMeta;

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;

    /// A Dockerfile.
    fn dockerfile(&self, _cx: &DockerContext<'_>, _out: &mut Findings) {}

    /// A Dockerfile, with the servers its final image starts.
    fn dockerfile_servers(
        &self,
        _cx: &DockerContext<'_>,
        _servers: &[Launch],
        _out: &mut Findings,
    ) {
    }

    /// An env file.
    fn env(&self, _cx: &EnvContext<'_>, _out: &mut Findings) {}

    /// A workflow or an action's metadata.
    fn workflow(&self, _cx: &WorkflowContext<'_>, _out: &mut Findings) {}

    /// A compose file.
    fn compose(&self, _cx: &ComposeContext<'_>, _out: &mut Findings) {}

    /// A Kubernetes manifest.
    fn kube(&self, _cx: &KubeContext<'_>, _out: &mut Findings) {}

    /// A gunicorn configuration file as a file (what its names are);
    /// the values of its settings are the `server` hook's.
    fn gunicorn_config(&self, _cx: &ConfigContext<'_>, _out: &mut Findings) {}

    /// A server, wherever it is started (a Dockerfile `CMD`, a compose
    /// `command`, a Kubernetes container, a Procfile process, a
    /// supervisord program, a systemd unit): its command line, the
    /// variables set beside it and the configuration file it reads. The
    /// hook runs in the lint of each file that says something of the
    /// server: the launcher (`cx.here` is `Launcher`) and the gunicorn
    /// configuration it reads (`Config`, once: there it checks the
    /// settings written in that file, whichever server reads it); a
    /// setting is reported in the file where it is written
    /// (`cx.span_of`), so each fact is checked by one hook and reported
    /// once, where its fix belongs.
    fn server(&self, _cx: &LaunchContext<'_>, _out: &mut Findings) {}

    /// A supervisord configuration.
    fn supervisor(&self, _cx: &SupervisorContext<'_>, _out: &mut Findings) {}

    /// A systemd unit.
    fn systemd(&self, _cx: &SystemdContext<'_>, _out: &mut Findings) {}

    /// A Python module of the app, read through its parse.
    fn python(&self, _cx: &PythonContext<'_>, _out: &mut Findings) {}

    /// The whole project, once per run after every file is read: facts
    /// that span files (a unit's Dockerfile, manifests and server). A
    /// finding goes in the file where its fix belongs, with a related
    /// location for each other fact it rests on; it is then kept or
    /// dropped there like any other finding of that file (selection,
    /// purpose, suppression comments).
    fn project(&self, _cx: &ProjectContext<'_>, _out: &mut ProjectFindings) {}

    /// Text a module must hold for `python` to find anything in it (any
    /// one of them): a module holding none is not parsed for the rule.
    fn python_needs(&self) -> &'static [&'static str] {
        &[]
    }
}
