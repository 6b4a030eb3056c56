//! Compose and Kubernetes across files: Services, autoscalers and budgets
//! in other manifests, the Dockerfile a compose service builds, the
//! servers their commands start, templates and patches.

mod common;

use common::{findings, write};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: ghcr.io/acme/api:1.4.2
          args: [\"uvicorn\", \"app.main:app\", \"--port\", \"8000\"]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
";

/// A Service and a disruption budget that select DEPLOYMENT's pods.
const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n  ports: [{port: 80, targetPort: 8000}]\n";
const BUDGET: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: api}}\n";

#[test]
fn a_service_in_another_file_makes_a_container_serving() {
    let d = dir();
    let p = d.path();
    write(p, "k8s/deployment.yaml", DEPLOYMENT);
    // No ports and no Service, but its command starts uvicorn: serving.
    assert_eq!(
        findings(p, "KU00"),
        [
            "k8s/deployment.yaml:13:17 KU001",
            "k8s/deployment.yaml:13:17 KU002",
        ]
    );
    write(p, "k8s/service.yaml", SERVICE);
    assert_eq!(
        findings(p, "KU0"),
        [
            "k8s/deployment.yaml:4:9 KU018",
            "k8s/deployment.yaml:13:17 KU001",
            "k8s/deployment.yaml:13:17 KU002",
            "k8s/deployment.yaml:13:17 KU015",
        ]
    );
    write(p, "k8s/pdb.yaml", BUDGET);
    assert!(!findings(p, "KU018").iter().any(|f| f.contains("KU018")));
}

/// Standard input named as a manifest (an editor integration, a pipe)
/// sees the budgets and Services of the manifests beside that name.
#[test]
fn a_manifest_on_standard_input_sees_its_neighbours() {
    let d = dir();
    let p = d.path();
    write(p, "k8s/service.yaml", SERVICE);
    let stdin_codes = || -> Vec<String> {
        let out = assert_cmd::Command::cargo_bin("prodlint")
            .unwrap_or_else(|e| panic!("binary: {e}"))
            .current_dir(p)
            .args([
                "check",
                "--no-config",
                "--select",
                "KU018",
                "--format",
                "json",
            ])
            .args(["--stdin-filename", "k8s/deployment.yaml"])
            .write_stdin(DEPLOYMENT)
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        common::json_rows(&out.stdout)
    };
    assert_eq!(stdin_codes(), ["k8s/deployment.yaml:4:9 KU018"]);
    write(p, "k8s/pdb.yaml", BUDGET);
    assert_eq!(stdin_codes(), Vec::<String>::new());
}

#[test]
fn server_rules_read_container_commands() {
    let d = dir();
    let p = d.path();
    write(p, "k8s/deployment.yaml", DEPLOYMENT);
    assert_eq!(
        findings(p, "PM"),
        [
            "k8s/deployment.yaml:15:18 PM007",
            "k8s/deployment.yaml:15:18 PM012",
        ]
    );
}

#[test]
fn an_autoscaler_elsewhere_answers_for_replicas() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "k8s/deployment.yaml",
        DEPLOYMENT.replace("  replicas: 3\n", ""),
    );
    assert_eq!(findings(p, "KU013"), ["k8s/deployment.yaml:4:9 KU013"]);
    write(
        p,
        "k8s/hpa.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n",
    );
    assert_eq!(findings(p, "KU013"), Vec::<String>::new());
}

#[test]
fn templates_patches_lists_and_cronjobs() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
    );
    write(
        p,
        "overlays/prod/patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {limits: {memory: 1Gi}}\n",
    );
    write(
        p,
        "list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: batch/v1\n    kind: CronJob\n    metadata: {name: nightly}\n    spec:\n      jobTemplate:\n        spec:\n          template:\n            spec:\n              containers:\n                - name: job\n                  image: ghcr.io/acme/job\n",
    );
    assert_eq!(
        findings(p, ""),
        [
            "chart/templates/deployment.yaml:4:9 PL006",
            "list.yaml:13:25 KU005",
            "list.yaml:13:25 KU006",
            "list.yaml:13:25 KU007",
            "list.yaml:13:25 KU008",
            "list.yaml:13:25 KU011",
            "list.yaml:14:26 KU012",
        ]
    );
}

#[test]
fn security_context_fixes_create_the_block() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  containers:\n    - name: app\n      image: busybox:1.36\n",
    );
    assert_eq!(common::fix_all(p, "KU006,KU007,KU008"), Some(0));
    let fixed = std::fs::read_to_string(p.join("pod.yaml")).unwrap_or_default();
    assert_eq!(
        fixed,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  containers:\n    - name: app\n      image: busybox:1.36\n      securityContext:\n        capabilities: {drop: [\"ALL\"]}\n        readOnlyRootFilesystem: true\n        allowPrivilegeEscalation: false\n"
    );
}

#[test]
fn compose_reads_the_dockerfile_it_builds() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "Dockerfile",
        "FROM python:3.12-slim\nUSER 10001\nHEALTHCHECK CMD curl -f http://localhost:8000/health\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"-w\", \"2\", \"--access-logfile\", \"-\", \"app:app\"]\n",
    );
    write(
        p,
        "docker-compose.yml",
        "services:\n  api:\n    build: .\n    ports: [\"8000:8000\"]\n    restart: unless-stopped\n    deploy: {resources: {limits: {cpus: \"1\", memory: 512M}}}\n",
    );
    // The image's HEALTHCHECK and USER count; its gunicorn needs 30 s, a
    // chain across the two files (XR004, not DC010); and the slim image
    // has no curl for its health check (XR010).
    assert_eq!(findings(p, "DC"), Vec::<String>::new());
    assert_eq!(
        findings(p, "XR"),
        ["Dockerfile:3:17 XR010", "docker-compose.yml:2:3 XR004"]
    );
}

#[test]
fn development_files_are_relaxed() {
    let d = dir();
    let p = d.path();
    let text = "services:\n  api:\n    build: .\n    command: uvicorn app.main:app --host 0.0.0.0 --reload\n    volumes: [\".:/app\"]\n    ports: [\"8000:8000\"]\n";
    write(p, "docker-compose.override.yml", text);
    assert_eq!(findings(p, "DC"), Vec::<String>::new());
    write(p, "docker-compose.yml", text);
    let prod: Vec<String> = findings(p, "DC")
        .into_iter()
        .filter(|f| f.starts_with("docker-compose.yml"))
        .collect();
    // In a production file the reloader makes the service a development
    // setup: DC011 and DC012 say so, the production rules leave it alone.
    assert_eq!(
        prod,
        [
            "docker-compose.yml:4:50 DC011",
            "docker-compose.yml:5:15 DC012",
        ]
    );
}

#[test]
fn development_files_keep_only_the_published_database() {
    // On a developer's machine whoever runs `docker compose` commands the
    // Docker daemon already: the socket, privileges and host namespaces
    // give a container nothing more there. A database published on every
    // interface is reachable from the network the laptop is on.
    let d = dir();
    let p = d.path();
    let text = "services:\n  localstack:\n    image: localstack/localstack:3.8\n    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n  probe:\n    image: ghcr.io/acme/probe:1.0.0\n    privileged: true\n    network_mode: host\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n";
    write(p, "docker-compose.override.yml", text);
    assert_eq!(
        findings(p, "DC00"),
        ["docker-compose.override.yml:11:13 DC008"]
    );
}

#[test]
fn depends_on_map_form_gets_its_condition() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "compose.yaml",
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    depends_on:\n      db:\n        restart: true\n      cache:\n  db:\n    image: postgres:16\n    healthcheck: {test: [\"CMD\", \"pg_isready\"]}\n  cache:\n    image: redis:7\n    healthcheck: {test: [\"CMD\", \"redis-cli\", \"ping\"]}\n",
    );
    assert_eq!(common::fix_all(p, "DC013"), Some(0));
    let fixed = std::fs::read_to_string(p.join("compose.yaml")).unwrap_or_default();
    assert!(
        fixed.starts_with("services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    depends_on:\n      db:\n        condition: service_healthy\n        restart: true\n      cache:\n        condition: service_healthy\n  db:\n"),
        "{fixed}"
    );
}
