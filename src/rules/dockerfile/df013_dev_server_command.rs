use super::*;
use crate::parse::command;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// The final CMD or ENTRYPOINT starts a development server: `--reload`
    /// on uvicorn, gunicorn or hypercorn, `fastapi dev`, `flask run`,
    /// `manage.py runserver`, `django-admin runserver`. Shell form, exec
    /// form and `sh -c` scripts are all read; an exec-form ENTRYPOINT and
    /// CMD are read as the one command Docker runs (`ENTRYPOINT
    /// ["python3"]` with `CMD ["manage.py", "runserver"]`).
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
        for server in &command::in_dockerfile(cx.dockerfile, &raw) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    #[test]
    fn an_exec_entrypoint_and_cmd_are_one_command() {
        let text = "FROM python:3.12-slim\nENTRYPOINT [\"python3\"]\nCMD [\"manage.py\", \"runserver\", \"0.0.0.0:8000\"]\n";
        let found = check_text(&DevServerCommand, text);
        let at: Vec<&str> = found
            .iter()
            .map(|f| &text[f.span.start..f.span.end])
            .collect();
        assert_eq!(at, vec!["\"runserver\""]);
        assert_eq!(
            found.first().map(|f| f.message.as_str()),
            Some(
                "the image starts a development server: `runserver` is Django's development server"
            )
        );
        // The production server, split the same way, is fine.
        let text = text.replace(
            "[\"manage.py\", \"runserver\", \"0.0.0.0:8000\"]",
            "[\"-m\", \"gunicorn\", \"app.wsgi\"]",
        );
        assert!(check_text(&DevServerCommand, &text).is_empty());
    }
}
