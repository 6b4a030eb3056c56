//! Security: DEBUG off, secrets from the environment, CORS, HTTPS,
//! non-root, security headers.

use super::{Cx, Decision, SHOWN, clip, without_app};
use crate::audit::{ItemDef, Level, Section};
use crate::discover::FileKind;
use crate::parse::python::calls::Lit;
use crate::project::facts::Loc;
use crate::project::facts::app::Signal;

pub static DEBUG_OFF: ItemDef = ItemDef {
    id: "SEC-DEBUG-OFF",
    title: "DEBUG is off in production",
    section: Section::Security,
    level: Some(Level::Bronze),
    weight: 3,
    rules: &["PY001", "EN020", "PY014", "DF027"],
    critical: &["PY001", "EN020"],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Debug mode answers errors with tracebacks, settings and sometimes an interactive console: an attacker reads the code's internals, or runs code.",
    how: "Fails on a debug flag turned on in code (PY001), in a production env file (EN020), a settings default of `True` (PY014) or an image `ENV` (DF027); DEBUG on in production caps the level at not ready. Passes at the app's constructor when it leaves `debug` at FastAPI's default (off) or reads it from a settings field whose default is `False`.",
    facts: debug_off,
};

fn debug_off(cx: &Cx) -> Decision {
    if let Some(d) = without_app(cx) {
        return d;
    }
    let model = cx.project.app_model();
    // Boolean settings that default to `False`, by field name: made once,
    // not searched again for every app.
    let mut off: crate::hashing::FastMap<String, Loc> = crate::hashing::FastMap::default();
    for (k, m) in model.modules() {
        for f in m.flags.iter().filter(|f| !f.default) {
            off.entry(f.field.to_ascii_lowercase())
                .or_insert_with(|| Loc::new(k, f.at));
        }
    }
    let mut ev = Vec::new();
    for (k, app) in cx.apps() {
        let name = &app.name;
        // Evidence for the first few apps; every app is judged.
        let shown = ev.len() < SHOWN;
        match app.arguments.iter().find(|(n, _)| n == "debug") {
            None | Some((_, Lit::Bool(false))) => {
                if shown {
                    let at = Loc::new(k, app.at);
                    ev.push(cx.at_loc(&at, format!("`{}` leaves `debug` off", clip(name))));
                }
            }
            Some((_, Lit::Ref(r))) => {
                let field = r.rsplit('.').next().unwrap_or(r);
                match off.get(&field.to_ascii_lowercase()) {
                    Some(at) => {
                        if shown {
                            ev.push(cx.at_loc(
                                at,
                                format!(
                                    "`{}` defaults to `False`, and no production env file turns it on",
                                    clip(field)
                                ),
                            ));
                        }
                    }
                    None => {
                        return Decision::Unknown(format!(
                            "`{}` takes `debug` from `{}`, whose default prodlint cannot read",
                            clip(name),
                            clip(r)
                        ));
                    }
                }
            }
            Some(_) => {
                return Decision::Unknown(format!(
                    "`{}` takes `debug` from an expression prodlint cannot read",
                    clip(name)
                ));
            }
        }
    }
    Decision::Pass(ev)
}

pub static SECRETS_FROM_ENV: ItemDef = ItemDef {
    id: "SEC-SECRETS-FROM-ENV",
    title: "Secrets come from the environment",
    section: Section::Security,
    level: Some(Level::Bronze),
    weight: 3,
    rules: &[
        "SE001", "SE002", "SE003", "SE004", "PY012", "DF014", "DC014", "KU017", "GH014", "GH023",
        "EN021", "EN024",
    ],
    critical: &["SE001", "SE002"],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A secret written in the repository is read by everyone who can read the repository, its forks and its history; a live provider token or private key is a breach already.",
    how: "Fails on a secret in the repository: a provider token or private key (SE001, SE002: critical, the level is capped at not ready), a credential in a URL or a secret-looking assignment (SE003, SE004), a settings default (PY012), an image `ENV`/`ARG` (DF014), a compose or manifest value (DC014, KU017), a workflow (GH014, GH023), a weak key or a committed env file (EN021, EN024). Passes at a settings field with no default that holds a secret (`SECRET_KEY: str`), or at a manifest's `secretKeyRef`.",
    facts: secrets_from_env,
};

const SECRET_WORDS: &[&str] = &["secret", "password", "token", "key", "dsn", "credential"];

fn secrets_from_env(cx: &Cx) -> Decision {
    let model = cx.project.app_model();
    for (k, class) in model.settings() {
        if !cx.production(k) {
            continue;
        }
        if let Some((field, _, span)) = class.required.iter().find(|(f, _, _)| {
            let f = f.to_ascii_lowercase();
            SECRET_WORDS.iter().any(|w| f.contains(w))
        }) {
            return Decision::Pass(vec![cx.at_loc(
                &Loc::new(k, *span),
                format!("`{field}` has no default: it comes from the environment"),
            )]);
        }
    }
    if let Some(e) = cx.mention(
        &[FileKind::Kubernetes],
        "secretKeyRef",
        "the deploy reads a value from a Kubernetes Secret",
    ) {
        return Decision::Pass(vec![e]);
    }
    Decision::Unknown(
        "no secret setting was found: a settings field with no default for the secret key, or a Secret reference in a deploy, would show where secrets come from".to_string(),
    )
}

pub static CORS_MINIMAL: ItemDef = ItemDef {
    id: "SEC-CORS-MINIMAL",
    title: "CORS kept minimal",
    section: Section::Security,
    level: Some(Level::Silver),
    weight: 2,
    rules: &["PY002", "PY003", "EN022"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "`*` as an allowed origin lets any site call the API from its visitors' browsers; with credentials, as them.",
    how: "Fails on `*` among the allowed origins in code (PY002, PY003) or in a production env file that sets them (EN022). Passes at the `CORSMiddleware` when its origins are a list without `*` or come from configuration no rule finds `*` in, and at the app when it adds no CORS middleware at all (browsers then allow same-origin calls only).",
    facts: cors_minimal,
};

fn cors_minimal(cx: &Cx) -> Decision {
    if let Some(d) = without_app(cx) {
        return d;
    }
    let cors = cx
        .project
        .app_model()
        .modules()
        .filter(|(k, _)| cx.production(k))
        .find_map(|(k, m)| {
            m.middleware
                .iter()
                .find(|mw| mw.class == "CORSMiddleware")
                .map(|mw| (k.clone(), mw.at))
        });
    match cors {
        Some((file, span)) => Decision::Pass(vec![cx.at_loc(
            &Loc::new(&file, span),
            "the CORS middleware allows named origins only",
        )]),
        None => Decision::Pass(
            cx.first_app()
                .map(|(at, name)| {
                    cx.at_loc(
                        &at,
                        format!(
                            "`{}` adds no CORS middleware: same-origin calls only",
                            super::clip(&name)
                        ),
                    )
                })
                .into_iter()
                .collect(),
        ),
    }
}

pub static HTTPS: ItemDef = ItemDef {
    id: "SEC-HTTPS",
    title: "HTTPS enforced",
    section: Section::Security,
    level: Some(Level::Gold),
    weight: 2,
    rules: &["PY021"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Plain HTTP exposes sessions and tokens to anyone on the path; TLS must end somewhere the repository shows, and plain requests must be redirected or refused.",
    how: "Fails on an HTTPS redirect the app cannot honour behind a proxy (PY021) and on a Kubernetes Ingress without `tls:`. Passes at an Ingress's `tls:`, an `HTTPSRedirectMiddleware`, or a `Strict-Transport-Security` header set in code. Unknown otherwise: TLS often ends in a load balancer outside the repository (waive the item with where).",
    facts: https,
};

fn https(cx: &Cx) -> Decision {
    let mut ingress_without = None;
    for (at, tls) in cx.project.ingresses() {
        if !cx.production(&at.file) {
            continue;
        }
        match tls {
            Some(tls) => return Decision::Pass(vec![cx.at_loc(tls, "the Ingress ends TLS")]),
            None => {
                ingress_without.get_or_insert_with(|| {
                    cx.at_loc(at, "the Ingress has no `tls:`: it serves plain HTTP")
                });
            }
        }
    }
    if let Some(loc) = cx.signal(Signal::HttpsRedirect) {
        return Decision::Pass(vec![cx.at_loc(&loc, "plain HTTP is redirected to HTTPS")]);
    }
    if let Some(e) = cx.mention_in_code("Strict-Transport-Security", "the app sets HSTS") {
        return Decision::Pass(vec![e]);
    }
    match ingress_without {
        Some(e) => Decision::Fail(vec![e], "an Ingress serves plain HTTP".to_string()),
        None => Decision::Unknown(
            "nothing in the repository ends TLS or redirects to HTTPS: a load balancer outside it may (waive the item saying where)".to_string(),
        ),
    }
}

pub static NON_ROOT: ItemDef = ItemDef {
    id: "SEC-NON-ROOT",
    title: "Runs as a non-root user",
    section: Section::Security,
    level: Some(Level::Bronze),
    weight: 3,
    rules: &[
        "DF001", "KU005", "DC002", "PM023", "PM031", "KU009", "DC005",
    ],
    critical: &["DF001", "KU005", "DC002"],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A process running as root turns any code-execution bug into root in the container, one kernel flaw away from the host.",
    how: "Fails on an image, a container or a process manager that runs as root (DF001, KU005, DC002, PM023, PM031) or privileged (KU009, DC005); an image or container running as root caps the level at not ready. Passes at the final stage's `USER` (or the Dockerfile when its base or entrypoint steps down). Not applicable when nothing in the repository runs the app (no Dockerfile, compose file, manifest, supervisord or systemd unit).",
    facts: non_root,
};

fn non_root(cx: &Cx) -> Decision {
    for unit in cx.project.units() {
        if !cx.production(&unit.dockerfile) {
            continue;
        }
        let Some(built) = cx.project.dockerfile(&unit.dockerfile) else {
            continue;
        };
        if let Some(user) = built
            .dockerfile
            .target_last(None, crate::parse::dockerfile::Keyword::User)
        {
            return Decision::Pass(vec![cx.at(
                &unit.dockerfile,
                user.span.start,
                "the final image runs as this user",
            )]);
        }
        if let Some(from) = &unit.final_stage {
            return Decision::Pass(vec![cx.at_loc(
                from,
                "the final image does not run as root (its base or entrypoint steps down)",
            )]);
        }
    }
    let runners = [
        FileKind::Compose,
        FileKind::Kubernetes,
        FileKind::Supervisor,
        FileKind::Systemd,
    ];
    match runners
        .iter()
        .find_map(|k| cx.files_of(*k).next())
    {
        Some(w) => Decision::Pass(vec![cx.at(
            &w.path,
            0,
            "no rule finds a process started as root here",
        )]),
        None => Decision::NotApplicable(
            "nothing in the repository runs the app (no Dockerfile, compose file, manifest or process manager)".to_string(),
        ),
    }
}

pub static HEADERS: ItemDef = ItemDef {
    id: "SEC-HEADERS",
    title: "Security headers set",
    section: Section::Security,
    level: Some(Level::Gold),
    weight: 1,
    rules: &["PY023"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "HSTS, a content security policy, `X-Content-Type-Options` and frame options close whole classes of browser attacks for the cost of a middleware.",
    how: "Fails where PY023 finds an app without them. Passes at a security-headers middleware or a `Content-Security-Policy`/`X-Content-Type-Options` header set in code.",
    facts: headers,
};

fn headers(cx: &Cx) -> Decision {
    if let Some(loc) = cx.signal(Signal::SecurityHeaders) {
        return Decision::Pass(vec![cx.at_loc(&loc, "a security-headers middleware")]);
    }
    for h in ["Content-Security-Policy", "X-Content-Type-Options"] {
        if let Some(e) = cx.mention_in_code(h, format!("the app sets `{h}`")) {
            return Decision::Pass(vec![e]);
        }
    }
    without_app(cx).unwrap_or_else(|| {
        Decision::Unknown(
            "no security headers are set in the app: a proxy outside the repository may set them"
                .to_string(),
        )
    })
}
