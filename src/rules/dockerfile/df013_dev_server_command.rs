use super::*;
use crate::parse::command;
use crate::parse::dockerfile::Command;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// The final CMD or ENTRYPOINT starts a development server: `--reload`
    /// on uvicorn, gunicorn or hypercorn, `fastapi dev`, `flask run`,
    /// `manage.py runserver`, `django-admin runserver`. Shell form, exec
    /// form and `sh -c` scripts are all read.
    ///
    /// ## Why it matters in production
    /// Reloaders watch the file system, restart on any change, run one
    /// process and are not hardened: Flask's and Django's servers say so at
    /// start-up. `fastapi dev` turns reload on and binds to localhost, so the
    /// container is unreachable.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["fastapi", "run", "app/main.py", "--port", "8000"]
    /// ```
    /// or gunicorn with uvicorn workers.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: deployment concepts](https://fastapi.tiangolo.com/deployment/concepts/)
    /// - [Flask: deploying to production](https://flask.palletsprojects.com/en/stable/deploying/)
    pub struct DevServerCommand {
        code: "DF013",
        name: "dev-server-command",
        severity: Error,
        fix: None,
        summary: "the image starts a development server",
    }
}

impl Rule for DevServerCommand {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let raw = |s: Span| cx.file.slice(s).to_string();
        for instr in process_instructions(cx.dockerfile) {
            let servers = match instr.command() {
                Some(Command::Exec { argv, .. }) => command::in_argv(argv, &raw),
                Some(Command::Shell { script, .. }) => command::in_script(script, &raw),
                None => continue,
            };
            for server in &servers {
                if let Some((word, why)) = server.dev_marker() {
                    out.report(
                        &Self::META,
                        word.span,
                        format!("the image starts a development server: {why}"),
                    )
                    .help("run gunicorn with uvicorn workers, or `fastapi run`, in the image");
                }
            }
        }
    }
}
