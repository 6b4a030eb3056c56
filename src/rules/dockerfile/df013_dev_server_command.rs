use super::*;

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

/// The word that makes a command a development server, and why.
fn dev_marker(cmd: &SimpleCommand) -> Option<(&Word, &'static str)> {
    let prog = cmd.program()?;
    let args = cmd.args();
    let module = if prog.starts_with("python") {
        args.iter()
            .position(|w| w.text == "-m")
            .and_then(|i| args.get(i + 1))
            .map(|w| w.text.as_str())
    } else {
        None
    };
    let server = module.unwrap_or(prog);
    if matches!(server, "uvicorn" | "gunicorn" | "hypercorn" | "granian")
        && let Some(w) = args
            .iter()
            .find(|w| w.text == "--reload" || w.text.starts_with("--reload="))
    {
        return Some((w, "`--reload` restarts the server on file changes"));
    }
    if server == "fastapi"
        && let Some(w) = args.iter().find(|w| w.text == "dev")
    {
        return Some((w, "`fastapi dev` is the development server"));
    }
    if server == "flask"
        && let Some(w) = args.iter().find(|w| w.text == "run")
    {
        return Some((w, "`flask run` is Werkzeug's development server"));
    }
    let manage = args.iter().any(|w| w.text.ends_with("manage.py")) || prog == "django-admin";
    if manage && let Some(w) = args.iter().find(|w| w.text == "runserver") {
        return Some((w, "`runserver` is Django's development server"));
    }
    None
}

impl DockerfileRule for DevServerCommand {
    impl_meta!();

    fn check(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for instr in process_instructions(cx.dockerfile) {
            let Some(cmd) = instr.command() else { continue };
            for script in process_scripts(cmd, cx.file) {
                for c in &script.commands {
                    let c = strip_exec(c);
                    if let Some((word, why)) = dev_marker(&c) {
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
}
