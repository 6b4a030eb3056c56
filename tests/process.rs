//! Server rules across files: a Dockerfile or a process manager starts a
//! server, the gunicorn configuration it reads decides the rest.

mod common;

use common::{findings, messages, write};

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    write(
        dir.path(),
        "requirements.txt",
        "fastapi==0.115.6\ngunicorn==23.0.0\n",
    );
    dir
}

const DOCKERFILE_HEAD: &str = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nUSER 10001\n";

/// A compose file that puts nginx in front of the image: a proxy that
/// reuses connections (PM011's default keep-alive matters behind one).
fn behind_nginx(d: &std::path::Path) {
    write(
        d,
        "compose.yaml",
        "services:\n  proxy:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n  web:\n    build: .\n",
    );
}

#[test]
fn the_configuration_file_answers_for_the_command_line() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}CMD [\"gunicorn\", \"-c\", \"/app/gunicorn.conf.py\", \"app.main:app\"]\n"
        ),
    );
    write(
        d,
        "gunicorn.conf.py",
        "bind = \"0.0.0.0:8000\"\nworkers = 4\nworker_class = \"uvicorn_worker.UvicornWorker\"\naccesslog = \"-\"\nkeepalive = 75\n",
    );
    assert_eq!(findings(d, "PM"), Vec::<String>::new());
}

#[test]
fn a_bare_gunicorn_in_an_image_misses_everything() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!("{DOCKERFILE_HEAD}CMD [\"gunicorn\", \"app.main:app\"]\n"),
    );
    assert_eq!(
        findings(d, "PM"),
        [
            "Dockerfile:5:6 PM001",
            "Dockerfile:5:6 PM006",
            "Dockerfile:5:6 PM007",
            "Dockerfile:5:6 PM010",
        ]
    );
    // `PORT` makes gunicorn bind 0.0.0.0:$PORT; WEB_CONCURRENCY sets workers.
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}ENV PORT=8000 WEB_CONCURRENCY=2\nCMD [\"gunicorn\", \"app.main:app\"]\n"
        ),
    );
    assert_eq!(
        findings(d, "PM"),
        ["Dockerfile:6:6 PM001", "Dockerfile:6:6 PM010"]
    );
}

#[test]
fn gunicorn_cmd_args_in_the_image_are_read_with_their_positions() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}ENV GUNICORN_CMD_ARGS=\"--timeout 0 --max-requests 500 -k uvicorn_worker.UvicornWorker -w 2 -b 0.0.0.0:80 --access-logfile -\"\nCMD [\"gunicorn\", \"app.main:app\"]\n"
        ),
    );
    behind_nginx(d);
    assert_eq!(
        findings(d, "PM"),
        [
            "Dockerfile:5:34 PM004",
            "Dockerfile:5:51 PM008",
            "Dockerfile:6:6 PM011",
        ]
    );
}

#[test]
fn procfile_processes() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Procfile",
        "web: uvicorn app.main:app --port $PORT\ndev: uvicorn app.main:app --reload\nrelease: python manage.py migrate\nworker: fastapi dev app/main.py\n",
    );
    assert_eq!(
        findings(d, "PM"),
        [
            "Procfile:1:6 PM007",
            "Procfile:1:6 PM012",
            "Procfile:4:17 PM003",
        ]
    );
}

#[test]
fn a_proxy_in_the_same_supervisord_file_may_reach_loopback() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!("{DOCKERFILE_HEAD}CMD [\"supervisord\", \"-n\"]\n"),
    );
    let conf = "[program:web]\ncommand=gunicorn -b 127.0.0.1:8000 -w 2 -k uvicorn_worker.UvicornWorker --access-logfile - app.main:app\nuser=app\nstopasgroup=true\nkillasgroup=true\nstopwaitsecs=40\n";
    write(d, "supervisord.conf", conf);
    assert_eq!(findings(d, "PM007"), ["supervisord.conf:2:21 PM007"]);
    write(
        d,
        "supervisord.conf",
        format!("{conf}\n[program:nginx]\ncommand=nginx -g \"daemon off;\"\nuser=www-data\n"),
    );
    assert_eq!(findings(d, "PM007"), Vec::<String>::new());
}

#[test]
fn configuration_values_in_a_containerized_project() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}CMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"-w\", \"2\", \"-k\", \"uvicorn_worker.UvicornWorker\", \"--access-logfile\", \"-\", \"--keep-alive\", \"75\", \"app.main:app\"]\n"
        ),
    );
    write(
        d,
        "deploy/gunicorn.conf.py",
        "import os\nbind = \"127.0.0.1:8000\"\naccesslog = \"/var/log/app/access.log\"\nerrorlog = \"-\"\nbind_env = os.environ.get(\"BIND\", \"127.0.0.1:9000\")\n",
    );
    assert_eq!(
        findings(d, "PM"),
        [
            "deploy/gunicorn.conf.py:2:8 PM007",
            "deploy/gunicorn.conf.py:3:13 PM010",
        ]
    );
}

#[test]
fn supervisord_in_an_image_needs_nodaemon() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}CMD [\"supervisord\", \"-c\", \"/etc/supervisor/supervisord.conf\"]\n"
        ),
    );
    write(
        d,
        "docker/supervisord.conf",
        "[supervisord]\nlogfile=/tmp/supervisord.log\n",
    );
    assert_eq!(findings(d, "PM026"), ["Dockerfile:5:6 PM026"]);
    write(
        d,
        "docker/supervisord.conf",
        "[supervisord]\nnodaemon=true\nlogfile=/tmp/supervisord.log\n",
    );
    assert_eq!(findings(d, "PM026"), Vec::<String>::new());
}

#[test]
fn development_files_may_reload() {
    let dir = project();
    let d = dir.path();
    write(d, "gunicorn.dev.conf.py", "reload = True\n");
    write(d, "gunicorn.conf.py", "reload = True\n");
    assert_eq!(findings(d, "PM003"), ["gunicorn.conf.py:1:10 PM003"]);
}

#[test]
fn systemd_reads_environment_and_continuations() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "api.service",
        "[Service]\nUser=app\nRestart=always\nEnvironment=WEB_CONCURRENCY=2\nExecStart=/srv/.venv/bin/gunicorn \\\n  -k uvicorn.workers.UvicornWorker \\\n  --timeout 0 app.main:app\n",
    );
    assert_eq!(
        findings(d, "PM"),
        [
            "api.service:5:11 PM010",
            "api.service:5:11 PM011",
            "api.service:6:6 PM002",
            "api.service:7:13 PM004",
        ]
    );
}

#[test]
fn fixes_keep_each_syntax() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}CMD [\"gunicorn\", \"--max-requests\", \"1000\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"app:app\"]\n"
        ),
    );
    write(
        d,
        "web.service",
        "[Service]\nExecStart=gunicorn --max-requests 400 app:app\n",
    );
    assert_eq!(common::fix_all(d, "PM002,PM008"), Some(0));
    let df = std::fs::read_to_string(d.join("Dockerfile")).unwrap_or_default();
    assert!(
        df.ends_with("CMD [\"gunicorn\", \"--max-requests\", \"1000\", \"--max-requests-jitter\", \"500\", \"-k\", \"uvicorn_worker.UvicornWorker\", \"app:app\"]\n"),
        "{df}"
    );
    let unit = std::fs::read_to_string(d.join("web.service")).unwrap_or_default();
    assert_eq!(
        unit,
        "[Service]\nExecStart=gunicorn --max-requests 400 --max-requests-jitter 200 app:app\n"
    );
}

#[test]
fn a_python_file_named_by_dash_c_is_a_gunicorn_configuration() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!(
            "{DOCKERFILE_HEAD}ENV WEB_CONCURRENCY=2\nCMD [\"gunicorn\", \"-c\", \"/app/deploy/web.py\", \"app.main:app\"]\n"
        ),
    );
    write(
        d,
        "deploy/web.py",
        "bind = \"0.0.0.0:8000\"\nworker_class = \"uvicorn_worker.UvicornWorker\"\naccesslog = \"-\"\nkeepalive = 75\ntimeout = 0\n",
    );
    write(d, "app/main.py", "timeout = 0\n");
    assert_eq!(findings(d, "PM"), ["deploy/web.py:5:11 PM004"]);
}

#[test]
fn supervisord_expansions_are_unknown_values() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!("{DOCKERFILE_HEAD}CMD [\"supervisord\", \"-n\"]\n"),
    );
    write(
        d,
        "supervisord.conf",
        "[program:web]\ncommand=gunicorn -b %(ENV_BIND)s -t %(ENV_TIMEOUT)s -w 2 -k uvicorn_worker.UvicornWorker --access-logfile - app:app\nuser=app\nstopasgroup=true\nkillasgroup=true\nstopwaitsecs=40\n",
    );
    behind_nginx(d);
    assert_eq!(findings(d, "PM"), ["supervisord.conf:2:9 PM011"]);
}

#[test]
fn the_keepalive_threshold_is_configurable() {
    let dir = project();
    let d = dir.path();
    write(d, "gunicorn.conf.py", "keepalive = 60\n");
    assert_eq!(findings(d, "PM011"), Vec::<String>::new());
    write(d, "prodlint.toml", "[rules.PM011]\nmin-seconds = 65\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(d)
        .args(["check", "--select", "PM011", "--format", "github"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("file=gunicorn.conf.py,line=1,endLine=1,col=13,endColumn=15,title=PM011"),
        "{text}"
    );
    write(
        d,
        "prodlint.toml",
        "[rules.PM011]\nmin-seconds = \"sixty\"\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(d)
        .args(["check"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("prodlint.toml:2:15: `min-seconds` must be a whole number"),
        "{err}"
    );
}

#[test]
fn a_single_concurrent_worker_is_reported_for_what_it_still_costs() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        format!("{DOCKERFILE_HEAD}CMD [\"gunicorn\", \"-k\", \"gevent\", \"app.main:app\"]\n"),
    );
    assert_eq!(
        messages(d, "PM006"),
        [
            "gunicorn runs a single `gevent` worker (no worker count is set and `WEB_CONCURRENCY` is not set): its requests share one CPU, so a CPU-bound one stalls the others, and a crash drops every open connection"
        ]
    );
    write(
        d,
        "Dockerfile",
        format!("{DOCKERFILE_HEAD}CMD [\"gunicorn\", \"app.main:app\"]\n"),
    );
    assert_eq!(
        messages(d, "PM006"),
        ["gunicorn runs a single worker: no worker count is set and `WEB_CONCURRENCY` is not set"]
    );
}

#[test]
fn the_default_keepalive_matters_to_every_worker_that_keeps_connections() {
    let dir = project();
    let d = dir.path();
    let with = |args: &str| {
        write(
            d,
            "Dockerfile",
            format!("{DOCKERFILE_HEAD}CMD [\"gunicorn\", {args}\"app.main:app\"]\n"),
        );
        findings(d, "PM011")
    };
    // Clients that connect directly: gunicorn's 2 s is its advice there.
    assert_eq!(with("\"-k\", \"gevent\", "), Vec::<String>::new());
    behind_nginx(d);
    // gevent, eventlet and tornado keep connections as gthread does.
    assert_eq!(with("\"-k\", \"gevent\", "), ["Dockerfile:5:6 PM011"]);
    assert_eq!(with("\"-k\", \"eventlet\", "), ["Dockerfile:5:6 PM011"]);
    // `--threads` above 1 with no class is gunicorn's gthread.
    assert_eq!(with("\"--threads\", \"4\", "), ["Dockerfile:5:6 PM011"]);
    // The sync worker closes each connection after its response.
    assert_eq!(with(""), Vec::<String>::new());
    assert_eq!(with("\"--threads\", \"1\", "), Vec::<String>::new());
    assert_eq!(with("\"-k\", \"sync\", "), Vec::<String>::new());
    // gunicorn runs `sync` with threads as `gthread`.
    assert_eq!(
        with("\"-k\", \"sync\", \"--threads\", \"4\", "),
        ["Dockerfile:5:6 PM011"]
    );
    // A server that trusts forwarded headers has a proxy in front.
    std::fs::remove_file(d.join("compose.yaml")).unwrap_or_else(|e| panic!("remove: {e}"));
    assert_eq!(
        with("\"-k\", \"gevent\", \"--forwarded-allow-ips\", \"10.0.0.0/8\", "),
        ["Dockerfile:5:6 PM011"]
    );
}

#[test]
fn a_cpu_count_fallback_written_as_branches_is_the_hosts_cpus() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "gunicorn.conf.py",
        "import multiprocessing\nimport os\n\nconcurrency = os.getenv(\"WEB_CONCURRENCY\")\nif concurrency:\n    web_concurrency = int(concurrency)\nelse:\n    web_concurrency = max(multiprocessing.cpu_count() * 2, 2)\n\nworker_class = \"uvicorn_worker.UvicornWorker\"\nworkers = web_concurrency\n",
    );
    assert_eq!(findings(d, "PM005"), ["gunicorn.conf.py:11:11 PM005"]);
    assert_eq!(
        messages(d, "PM005"),
        [
            "`workers` counts the host's CPUs when `WEB_CONCURRENCY` is unset: in a container that is every core of the node, not the CPU limit"
        ]
    );
}

#[test]
fn an_ingress_beside_the_manifest_is_a_proxy_in_front() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "k8s/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          command: [\"gunicorn\", \"-k\", \"gevent\", \"-w\", \"2\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
    );
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port: {number: 80}\n";
    // No proxy in the files: clients may connect directly.
    assert_eq!(findings(d, "PM011"), Vec::<String>::new());
    // An Ingress in its own file of the manifest's folder.
    write(d, "k8s/ingress.yaml", ingress);
    assert_eq!(findings(d, "PM011"), ["k8s/deploy.yaml:16:21 PM011"]);
    // One in another folder fronts what is deployed there.
    std::fs::remove_file(d.join("k8s/ingress.yaml")).unwrap_or_else(|e| panic!("remove: {e}"));
    write(d, "other/ingress.yaml", ingress);
    assert_eq!(findings(d, "PM011"), Vec::<String>::new());
}

#[test]
fn a_host_server_is_behind_a_local_proxy_only_when_it_binds_locally() {
    let dir = project();
    let d = dir.path();
    let unit = |exec: &str| {
        write(
            d,
            "api.service",
            format!(
                "[Service]\nUser=app\nRestart=always\nEnvironment=WEB_CONCURRENCY=2\nExecStart={exec}\n"
            ),
        );
        findings(d, "PM011")
    };
    let gevent = "/srv/.venv/bin/gunicorn -k gevent --timeout 30";
    assert_eq!(
        unit(&format!("{gevent} -b 127.0.0.1:8000 app:app")),
        ["api.service:5:11 PM011"]
    );
    assert_eq!(
        unit(&format!("{gevent} -b unix:/run/api.sock app:app")),
        ["api.service:5:11 PM011"]
    );
    // gunicorn's default bind is the loopback address.
    assert_eq!(
        unit(&format!("{gevent} app:app")),
        ["api.service:5:11 PM011"]
    );
    // Reachable from the network, or on one address of several.
    assert_eq!(
        unit(&format!("{gevent} -b 0.0.0.0:8000 app:app")),
        Vec::<String>::new()
    );
    assert_eq!(
        unit(&format!(
            "{gevent} -b 127.0.0.1:8000 -b 0.0.0.0:9000 app:app"
        )),
        Vec::<String>::new()
    );
}
