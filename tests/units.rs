//! The project's units: one deployable per Dockerfile, linked to the
//! names a workflow and compose build it as, the compose services and
//! Kubernetes containers that run it, and every port claim along the way
//! (`fixtures/project/unit`).

mod common;

use prodlint::project::facts::ports::Role;
use prodlint::project::facts::units::Unit;

fn units_of(case: &str) -> Vec<Unit> {
    let dir = common::root().join("fixtures/project").join(case);
    let config = prodlint::config::Config::default();
    let (candidates, errors) = prodlint::discover::discover(&[dir], &config);
    assert!(errors.is_empty(), "{errors:?}");
    let project = prodlint::project::load::project(&candidates, config.max_file_size);
    project.units().to_vec()
}

/// `file:line role port`, the file below the fixture.
fn claims(unit: &Unit) -> Vec<String> {
    unit.ports
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p.at.file).unwrap_or_default();
            let line = text[..p.at.span.start.min(text.len())]
                .matches('\n')
                .count()
                + 1;
            let name = p.at.file.to_string_lossy();
            let name = name
                .split("fixtures/project/unit/")
                .nth(1)
                .unwrap_or(&name)
                .to_string();
            format!("{name}:{line} {:?} {}", p.role, p.port)
        })
        .collect()
}

#[test]
fn a_dockerfile_its_builds_its_runs_and_its_ports_are_one_unit() {
    let units = units_of("unit");
    assert_eq!(units.len(), 1, "{units:#?}");
    let u = &units[0];
    assert!(u.dockerfile.ends_with("unit/docker/Dockerfile"));
    // Built by the workflow (as `ghcr.io/acme/api:<sha>`) and by compose.
    let builders: Vec<String> = u
        .builds
        .iter()
        .map(|b| {
            format!(
                "{} {}",
                b.at.file.file_name().unwrap_or_default().to_string_lossy(),
                b.image.as_ref().map_or("?", |i| i.text.as_str())
            )
        })
        .collect();
    assert_eq!(
        builders,
        [
            "deploy.yml ghcr.io/acme/api:${{ github.sha }}",
            "compose.yaml unit-api"
        ]
    );
    // Run by the compose service that builds it and by the Deployment
    // whose image the workflow's name matches.
    let runners: Vec<String> = u.runs.iter().map(|r| format!("{:?}", r.runner)).collect();
    assert_eq!(runners.len(), 2, "{runners:?}");
    assert!(
        runners[0].starts_with("Compose { service: \"api\""),
        "{runners:?}"
    );
    assert!(
        runners[1].starts_with("Kubernetes { namespace: Some(\"shop\")"),
        "{runners:?}"
    );
    // The server the image starts binds 8000; the Deployment's own
    // command binds 8080 (its server is the run's).
    assert_eq!(u.servers.len(), 1);
    assert_eq!(
        u.runs[0].servers.len(),
        0,
        "compose runs the image's command"
    );
    assert_eq!(
        u.runs[1]
            .servers
            .iter()
            .map(|s| s.bind.as_ref().map(|b| b.value.clone()))
            .collect::<Vec<_>>(),
        [Some("0.0.0.0:8080".to_string())]
    );
    assert_eq!(
        u.servers[0].bind.as_ref().map(|b| b.value.as_str()),
        Some("0.0.0.0:8000")
    );
    assert_eq!(
        claims(u),
        [
            "docker/Dockerfile:10 Bind 8000",
            "k8s/api.yaml:20 Bind 8080",
            "docker/Dockerfile:8 Expose 8000",
            "compose.yaml:7 Publish 8000",
            "k8s/api.yaml:22 ContainerPort 8080",
            "k8s/api.yaml:39 ServiceTarget 8080",
            // `targetPort: http`: the container's port named `http`.
            "k8s/api.yaml:42 ServiceTarget 8080",
            "k8s/api.yaml:27 Probe 8000",
        ]
    );
    // The stop waits of both runners: compose's 40 s, Kubernetes' default.
    let waits: Vec<f64> = u
        .runs
        .iter()
        .filter_map(|r| r.stop_wait.as_ref().map(|w| w.0))
        .collect();
    assert_eq!(waits, [40.0, 30.0]);
    assert!(u.ports.iter().any(|p| p.role == Role::Probe));
}

/// A Dockerfile nothing builds or runs is a unit of its own, with what it
/// says itself.
#[test]
fn an_unlinked_dockerfile_is_a_unit_alone() {
    let units = units_of("linked");
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].runs.len(), 1, "the compose service that builds it");
    assert!(units[0].servers[0].config.is_some());
}

/// `file:line` of a location, the file below `fixtures/project/<case>/`.
fn line_of(at: &prodlint::project::facts::Loc, case: &str) -> String {
    let text = std::fs::read_to_string(&at.file).unwrap_or_default();
    let line = text[..at.span.start.min(text.len())].matches('\n').count() + 1;
    let name = at.file.to_string_lossy();
    let marker = format!("fixtures/project/{case}/");
    let name = name.split(&marker).nth(1).unwrap_or(&name).to_string();
    format!("{name}:{line}")
}

/// Servers a process manager starts carry its stop wait (written or its
/// default, located), beside their own graceful timeout: the links of a
/// shutdown chain. An image whose `CMD` starts supervisord hosts the
/// programs of the supervisord file of its build context.
#[test]
fn supervisord_and_systemd_servers_carry_their_stop_waits() {
    use prodlint::project::facts::Origin;
    use prodlint::project::facts::units::Manager;
    let units = units_of("hosted");
    assert_eq!(units.len(), 1, "{units:#?}");
    let chain: Vec<String> = units[0]
        .hosted
        .iter()
        .map(|h| {
            let program = match &h.manager {
                Manager::Supervisor { program } => program.clone(),
                Manager::Systemd => "systemd".to_string(),
            };
            let graceful = h
                .server
                .graceful_timeout
                .as_ref()
                .map_or("-".to_string(), |g| {
                    format!(
                        "{} {:?} {}",
                        g.value,
                        g.origin,
                        g.at.as_ref()
                            .map_or("-".to_string(), |a| line_of(a, "hosted"))
                    )
                });
            format!(
                "{program} {} stop {} {:?} {} graceful {graceful}",
                h.server.program.name(),
                h.stop_wait.value,
                h.stop_wait.origin,
                h.stop_wait
                    .at
                    .as_ref()
                    .map_or("-".to_string(), |a| line_of(a, "hosted")),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [
            "web gunicorn stop 5 Written supervisord.conf:6 graceful 30 ConfigFile gunicorn.conf.py:4",
            "worker uvicorn stop 10 Default supervisord.conf:9 graceful 20 Written supervisord.conf:10",
        ]
    );
    // The systemd unit: `1min 30s` read as 90 seconds.
    let dir = common::root().join("fixtures/project/hosted");
    let config = prodlint::config::Config::default();
    let (candidates, _) = prodlint::discover::discover(std::slice::from_ref(&dir), &config);
    let project = prodlint::project::load::project(&candidates, config.max_file_size);
    let service = project.hosted_in(&dir.join("deploy/api.service"));
    assert_eq!(service.len(), 1);
    assert_eq!(service[0].manager, Manager::Systemd);
    assert_eq!(service[0].stop_wait.value, 90.0);
    assert_eq!(service[0].stop_wait.origin, Origin::Written);
}

/// Builds the project of a folder written from `files` and asks whether
/// its `Dockerfile` is built only by development setups.
fn development_only(files: &[(&str, &str)]) -> bool {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    let config = prodlint::config::Config::default();
    let (candidates, _) = prodlint::discover::discover(&[dir.path().to_path_buf()], &config);
    let project = prodlint::project::load::project(&candidates, config.max_file_size);
    project.built_for_development_only(&dir.path().join("Dockerfile"))
}

#[test]
fn an_image_only_development_setups_build_is_for_development() {
    let dev_only =
        "FROM node:22 AS development\nWORKDIR /code\nCOPY . .\nCMD [\"npm\", \"run\", \"dev\"]\n";
    let dev_target = "services:\n  web:\n    build:\n      context: .\n      target: development\n";
    assert!(development_only(&[
        ("Dockerfile", dev_only),
        ("compose.yml", dev_target)
    ]));
    // A production compose file builds it too.
    assert!(!development_only(&[
        ("Dockerfile", dev_only),
        ("compose.yml", dev_target),
        ("compose.prod.yml", "services:\n  web:\n    build: .\n"),
    ]));
    // A target that names no stage may be the shipped one.
    assert!(!development_only(&[
        ("Dockerfile", dev_only),
        (
            "docker-compose.override.yml",
            "services:\n  web:\n    build: .\n"
        ),
        (
            "compose.yml",
            "services:\n  web:\n    build:\n      context: .\n      target: ${TARGET:-release}\n",
        ),
    ]));
    // A development target beside a production stage: the shipped image
    // is the production one, which nothing here calls development.
    let two = format!(
        "{dev_only}\nFROM node:22-slim AS production\nCOPY --from=development /code /code\nCMD [\"node\", \"server.js\"]\n"
    );
    assert!(!development_only(&[
        ("Dockerfile", &two),
        ("compose.yml", dev_target)
    ]));
    // The shipped stage built by name with the checkout over its code
    // (live editing), but not with a configuration folder mounted.
    let builder = "FROM python:3.12 AS builder\nWORKDIR /code\nCOPY . .\nCMD [\"flask\", \"run\"]\n\nFROM builder AS dev-envs\nRUN useradd vscode\n";
    let mounted = |mount: &str| {
        format!(
            "services:\n  web:\n    build:\n      context: .\n      target: builder\n    volumes:\n      - {mount}\n"
        )
    };
    assert!(development_only(&[
        ("Dockerfile", builder),
        ("compose.yml", &mounted(".:/code"))
    ]));
    assert!(!development_only(&[
        ("Dockerfile", builder),
        ("compose.yml", &mounted("./nginx:/etc/nginx/conf.d")),
    ]));
    // Run elsewhere by its name: not only a development image.
    let named = "services:\n  web:\n    image: acme/web:1.0\n    build:\n      context: .\n      target: development\n";
    assert!(development_only(&[
        ("Dockerfile", dev_only),
        ("compose.yml", named)
    ]));
    assert!(!development_only(&[
        ("Dockerfile", dev_only),
        ("compose.yml", named),
        (
            "k8s/web.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: acme/web:1.0\n",
        ),
    ]));
}
