//! What a file is for. Production files get every rule; a development
//! compose file, a test fixture or an example in the docs gets only what
//! is dangerous wherever it sits. Judged from the path below the folder
//! the user names (`prodlint check fixtures/demo` lints the demo as a
//! project; `prodlint check .` sees it as a fixture) and cheap content
//! signals; `[purposes]` in the configuration wins over the guess.

use crate::discover::FileKind;
use crate::paths::FastPath;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    Production,
    Development,
    Test,
    Example,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Purpose::Production,
        Purpose::Development,
        Purpose::Test,
        Purpose::Example,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Production => "production",
            Purpose::Development => "development",
            Purpose::Test => "test",
            Purpose::Example => "example",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// The purposes of the rules that are about production only.
pub const PRODUCTION: &[Purpose] = &[Purpose::Production];
/// What is dangerous in a development setup too: a published database
/// port (reachable from the laptop's network), privileged pods and host
/// namespaces in manifests. (Compose's socket, privileges and host
/// namespaces are not: whoever runs `docker compose` commands the
/// daemon already.)
pub const PRODUCTION_AND_DEVELOPMENT: &[Purpose] = &[Purpose::Production, Purpose::Development];
/// A live provider token or a private key is a leak wherever it is
/// committed; parse and limit diagnostics concern every file.
pub const EVERYWHERE: &[Purpose] = &Purpose::ALL;

/// Folder names that hold tests.
const TEST_DIRS: &[&str] = &[
    "tests",
    "test",
    "testdata",
    "testing",
    "fixtures",
    "__tests__",
    "e2e",
    "spec",
    // A blockchain's regression-test network: a local stack for tests.
    "regtest",
    // Benchmarks and load tests measure the code; they never serve.
    "benches",
    "benchmarks",
    "load_testing",
    "loadtests",
];
/// Folder names that hold examples and documentation, and files kept for
/// reference that nobody deploys any more (`deprecated/`, `_archived/`,
/// `archived/`: superseded, unmaintained). Not `archive/`: services name
/// folders after what they store.
const EXAMPLE_DIRS: &[&str] = &[
    "examples",
    "example",
    "docs",
    "docs_src",
    "doc",
    "samples",
    "sample",
    "deprecated",
    "_archived",
    "archived",
];

/// Images run only to give a project its dependencies locally: databases,
/// caches, queues, mail catchers and their admin UIs.
const STOCK_SERVICES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "mongo-express",
    "redis",
    "valkey",
    "memcached",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "kibana",
    // The log pipeline of the same stack, run as it ships.
    "logstash",
    "minio",
    "mailhog",
    "mailpit",
    "maildev",
    "adminer",
    "pgadmin4",
    "phpmyadmin",
    "redis-commander",
    "redisinsight",
    "localstack",
    "zookeeper",
    "kafka",
    "cp-kafka",
    "cp-zookeeper",
    "nats",
    "etcd",
    "dynamodb-local",
    "azurite",
    "jaeger",
    "all-in-one",
    "otel-collector",
    "opentelemetry-collector-contrib",
    "prometheus",
    "grafana",
    "loki",
    "zipkin",
    "opentelemetry-collector",
    // Local emulators of hosted services, and their clients.
    "minio-client",
    "mc",
    "tinybird-local",
    "elasticmq",
    "elasticmq-native",
    "fake-gcs-server",
    "wiremock",
    "smtp4dev",
    // Data stores run as they ship.
    "clickhouse-server",
    "cassandra",
    "meilisearch",
    "typesense",
    "qdrant",
];

/// A folder name that says "tests": one of [`TEST_DIRS`], or one that
/// begins or ends with `test`/`tests` (`_integration-test`, `test_files`).
/// `n` is in lower case.
fn is_test_dir(n: &str) -> bool {
    TEST_DIRS.contains(&n)
        || n.starts_with("test_")
        || n.starts_with("test-")
        || n.starts_with("tests_")
        || n.starts_with("tests-")
        || n.ends_with("_test")
        || n.ends_with("-test")
        || n.ends_with("_tests")
        || n.ends_with("-tests")
}

/// The path a file's purpose is judged on: below the folder the user
/// named (`root`), or its name alone for a file named on its own.
pub fn below(path: &Path, root: Option<&Path>) -> std::path::PathBuf {
    match root.and_then(|r| path.fast_strip_prefix(r)) {
        Some(rel) => rel.to_path_buf(),
        None => std::path::PathBuf::from(path.fast_file_name().unwrap_or_default()),
    }
}

/// The purpose of a file from the path below the folder the user named
/// (`rel`), its kind and its text.
pub fn guess(rel: &Path, kind: Option<FileKind>, text: &str) -> Purpose {
    let name = rel
        .fast_file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // In lower case, once: every question below ignores case. One string
    // for the folders, split at its separators (asked of every file: a
    // string per folder cost more than the questions); no question
    // matches the empty, `.` or `..` parts a split gives where the path's
    // components would not.
    let parent = rel
        .fast_parent()
        .map(|p| p.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let dirs: Vec<&str> = parent
        .split(std::path::is_separator)
        .filter(|d| !d.is_empty())
        .collect();
    // Workflows run with real credentials whatever their name or folder.
    if matches!(kind, Some(FileKind::Workflow | FileKind::Action)) {
        return Purpose::Production;
    }
    let test_name = name == "conftest.py"
        || (name.starts_with("test_") && name.ends_with(".py"))
        || name.ends_with("_test.py")
        // `.env.test`, `.env.testing`: the test suite's environment.
        || (name.starts_with(".env") && (name.ends_with(".test") || name.ends_with(".testing")));
    // An image built to run the tests (`Dockerfile.playwright`,
    // `e2e.Dockerfile`) or to debug the service (`Dockerfile.debug`):
    // its variant says what it is for.
    let variant = dockerfile_variant(&name);
    let test_image = variant.is_some_and(|v| {
        matches!(
            v,
            "test" | "tests" | "e2e" | "playwright" | "cypress" | "selenium"
        )
    });
    if test_name || test_image || dirs.iter().any(|d| is_test_dir(d)) {
        return Purpose::Test;
    }
    // An env file named as a template (`.env.template`, `template.env`)
    // documents keys like an example does.
    let example_name = [".example", ".sample", ".dist"]
        .iter()
        .any(|s| name.ends_with(s))
        || (kind == Some(FileKind::Env) && crate::parse::dotenv::is_template_name(&name));
    // A `legacy/` or `old/` folder of deployment files holds the
    // superseded copies of what the folder above now ships (old
    // ReplicationControllers beside their Deployments, `nfs/old/` beside
    // `nfs/docker-compose.yml`); Python code in such a package is still
    // imported and runs.
    let superseded = !name.ends_with(".py") && dirs.iter().any(|d| *d == "legacy" || *d == "old");
    if example_name || superseded || dirs.iter().any(|d| EXAMPLE_DIRS.contains(d)) {
        return Purpose::Example;
    }
    let dev_name = variant == Some("debug")
        || name == "docker-compose.override.yml"
        || name == "docker-compose.override.yaml"
        || name == "compose.override.yml"
        || name == "compose.override.yaml"
        || name.ends_with(".dev")
        || name.starts_with("dev.")
        || name.contains(".dev.")
        || name.contains("-dev.")
        || name.contains("_dev.")
        || name.contains(".local.")
        || (name.starts_with(".env")
            && (name.ends_with(".development") || name.ends_with(".local")));
    // `.devcontainer/`, and folders that say they hold the development
    // set-up (`dev/docker/…`, `deploy/overlays/dev/`, `local/`).
    let dev_dir = |d: &&str| matches!(*d, ".devcontainer" | "dev" | "development" | "local");
    if dev_name || dirs.iter().any(dev_dir) {
        return Purpose::Development;
    }
    if kind == Some(FileKind::Compose) && compose_is_development(text) {
        return Purpose::Development;
    }
    if matches!(
        kind,
        Some(FileKind::Dockerfile | FileKind::Compose | FileKind::Kubernetes)
    ) && header_marks_deprecated(text)
    {
        return Purpose::Example;
    }
    if kind == Some(FileKind::Env) {
        if env_is_sample(text) {
            return Purpose::Example;
        }
        if env_is_development(text) {
            return Purpose::Development;
        }
    }
    Purpose::Production
}

/// Keys by which an env file names the environment it configures.
const ENVIRONMENT_KEYS: &[&str] = &[
    "ENVIRONMENT",
    "ENV",
    "APP_ENV",
    "APP_ENVIRONMENT",
    "FASTAPI_ENV",
    "FLASK_ENV",
    "DJANGO_ENV",
    "NODE_ENV",
    "RAILS_ENV",
    "STAGE",
];

/// An env file that says it configures a local or development run
/// (`ENVIRONMENT=local`, `FASTAPI_ENV=development`): the defaults a
/// project commits for `docker compose up`, with production values
/// injected at deploy time.
fn env_is_development(text: &str) -> bool {
    crate::parse::dotenv::parse(text).entries.iter().any(|e| {
        ENVIRONMENT_KEYS.contains(&e.key.as_str())
            && matches!(
                e.value.trim().to_ascii_lowercase().as_str(),
                "local" | "dev" | "development"
            )
    })
}

/// An env file whose opening comment calls it a sample or example
/// configuration (`# This is a sample configuration file`): upstream's
/// template copied in, whatever its name.
fn env_is_sample(text: &str) -> bool {
    opening_comment(text).any(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("sample configuration")
            || l.contains("example configuration")
            || l.contains("this is a sample")
            || l.contains("this is an example")
    })
}

/// The first lines of a file while they are comments or blank (at most
/// twelve), trimmed: where a file says what it is.
fn opening_comment(text: &str) -> impl Iterator<Item = &str> {
    crate::source::lines(text)
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with('#'))
        .take(12)
}

/// A Dockerfile, compose file or manifest whose opening comment marks it
/// deprecated (`# Dockerfile for scrapyd (python2) [deprecated]`,
/// `# DEPRECATED: use compose.prod.yaml`): a superseded file nobody
/// deploys, like those of a `deprecated` folder.
fn header_marks_deprecated(text: &str) -> bool {
    opening_comment(text).any(|l| {
        let l = l.trim_start_matches('#').trim().to_ascii_lowercase();
        l.contains("[deprecated]")
            || l.contains("(deprecated)")
            || l.starts_with("deprecated")
            || l.ends_with("deprecated")
    })
}

/// The variant a Dockerfile's name gives (`debug` for `Dockerfile.debug`
/// and `debug.Dockerfile`), lower-case.
fn dockerfile_variant(name: &str) -> Option<&str> {
    name.strip_prefix("dockerfile.")
        .or_else(|| name.strip_suffix(".dockerfile"))
        .or_else(|| name.strip_suffix(".containerfile"))
        .or_else(|| name.strip_prefix("containerfile."))
}

/// A Dockerfile stage named for development (`target: development`,
/// `dev`, `develop`).
pub fn is_development_stage(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "development" | "dev" | "develop"
    )
}

/// A compose file named as a development project (`name: app-dev`),
/// whose services all run stock backing services and none is built from
/// the repository (how a project starts its dependencies locally), or
/// whose every build targets a development stage (`target: development`,
/// `dev`, `develop`).
fn compose_is_development(text: &str) -> bool {
    let mut images = 0;
    let mut stock = 0;
    let mut builds = 0;
    let mut dev_targets = 0;
    for line in crate::source::lines(text) {
        let trimmed = crate::source::trim_start(line);
        let indent = line.len() - trimmed.len();
        if indent == 0
            && let Some(v) = trimmed.strip_prefix("name:")
        {
            let v = v.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            if v.ends_with("-dev") || v.ends_with("_dev") || v == "dev" {
                return true;
            }
        }
        if indent > 0 && (trimmed.starts_with("build:") || trimmed == "build") {
            builds += 1;
        }
        if indent > 0
            && let Some(v) = trimmed.strip_prefix("target:")
            && is_development_stage(v.trim().trim_matches(['"', '\'']))
        {
            dev_targets += 1;
        }
        if indent > 0
            && let Some(v) = trimmed.strip_prefix("image:")
        {
            images += 1;
            let image = v.trim().trim_matches(['"', '\'']);
            let repo = image.split(['@', ':']).next().unwrap_or(image);
            let base = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
            if STOCK_SERVICES.contains(&base.as_str()) {
                stock += 1;
            }
        }
    }
    if builds > 0 {
        // Every build targets a development stage, and the images run are
        // stock services or the tags of those builds.
        return dev_targets >= builds && images - stock <= builds;
    }
    images > 0 && images == stock
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(path: &str, kind: Option<FileKind>, text: &str) -> Purpose {
        guess(Path::new(path), kind, text)
    }

    #[test]
    fn an_opening_comment_that_marks_a_file_deprecated_makes_it_superseded() {
        let df = Some(FileKind::Dockerfile);
        let text = "#\n# Dockerfile for scrapyd (python2) [deprecated]\n#\n\nFROM debian:buster\n";
        assert_eq!(p("scrapyd/Dockerfile", df, text), Purpose::Example);
        let compose = "# DEPRECATED: use compose.prod.yaml\nservices: {}\n";
        assert_eq!(
            p("compose.yaml", Some(FileKind::Compose), compose),
            Purpose::Example
        );
        // Only the opening comment counts, and only as a mark.
        let later = "FROM debian:12\n# [deprecated] flag kept for old builds\n";
        assert_eq!(p("Dockerfile", df, later), Purpose::Production);
        let mention = "# Replaces the deprecated image of the old repository\nFROM debian:12\n";
        assert_eq!(p("Dockerfile", df, mention), Purpose::Production);
        // Workflows always run.
        let wf = "# deprecated\non: push\n";
        assert_eq!(
            p(".github/workflows/ci.yml", Some(FileKind::Workflow), wf),
            Purpose::Production
        );
    }

    #[test]
    fn paths_say_what_a_file_is_for() {
        assert_eq!(p("Dockerfile", None, ""), Purpose::Production);
        assert_eq!(p("tests/fixtures/deploy.yaml", None, ""), Purpose::Test);
        assert_eq!(p("src/_integration-test/a.yaml", None, ""), Purpose::Test);
        assert_eq!(p("test_files/Dockerfile", None, ""), Purpose::Test);
        assert_eq!(p("app/test_settings.py", None, ""), Purpose::Test);
        assert_eq!(p("contest/Dockerfile", None, ""), Purpose::Production);
        assert_eq!(p("docs_src/app/Dockerfile", None, ""), Purpose::Example);
        assert_eq!(p(".env.example", None, ""), Purpose::Example);
        assert_eq!(
            crate::purpose::guess(Path::new("server/.env.template"), Some(FileKind::Env), ""),
            Purpose::Example
        );
        assert_eq!(
            crate::purpose::guess(Path::new("frontend/template.env"), Some(FileKind::Env), ""),
            Purpose::Example
        );
        assert_eq!(p("Dockerfile.dev", None, ""), Purpose::Development);
        assert_eq!(p("src/Dockerfile.debug", None, ""), Purpose::Development);
        assert_eq!(p("frontend/Dockerfile.playwright", None, ""), Purpose::Test);
        assert_eq!(p("e2e.Dockerfile", None, ""), Purpose::Test);
        assert_eq!(p("Dockerfile.prod", None, ""), Purpose::Production);
        assert_eq!(
            p("web/legacy/frontend-controller.yaml", None, ""),
            Purpose::Example
        );
        assert_eq!(p("app/legacy/views.py", None, ""), Purpose::Production);
        assert_eq!(
            p("nfs/old/arm/docker-compose.yml", None, ""),
            Purpose::Example
        );
        assert_eq!(p("app/old/models.py", None, ""), Purpose::Production);
        assert_eq!(p("dev/docker/compose.yml", None, ""), Purpose::Development);
        assert_eq!(
            p("_archived/redis/deployment.yaml", None, ""),
            Purpose::Example
        );
        assert_eq!(
            p("services/archive/Dockerfile", None, ""),
            Purpose::Production
        );
        let compose = Some(FileKind::Compose);
        let dev = "services:\n  web:\n    build:\n      context: .\n      target: development\n  db:\n    image: postgres:16\n";
        assert_eq!(p("compose.yaml", compose, dev), Purpose::Development);
        let mixed = "services:\n  web:\n    build:\n      context: .\n      target: development\n  api:\n    build: ./api\n";
        assert_eq!(p("compose.yaml", compose, mixed), Purpose::Production);
        let prod = "services:\n  web:\n    build:\n      context: .\n      target: production\n";
        let beside = "services:\n  tests:\n    build:\n      context: .\n      target: dev\n  api:\n    image: ghcr.io/acme/api:1.0\n  worker:\n    image: ghcr.io/acme/worker:1.0\n";
        assert_eq!(p("compose.yaml", compose, beside), Purpose::Production);
        assert_eq!(p("compose.yaml", compose, prod), Purpose::Production);
        assert_eq!(
            p("k8s/overlays/dev/deployment.yaml", None, ""),
            Purpose::Development
        );
        assert_eq!(p("devices/Dockerfile", None, ""), Purpose::Production);
        assert_eq!(p("server/.env.testing", None, ""), Purpose::Test);
        assert_eq!(
            p("docker/regtest/docker-compose.yml", None, ""),
            Purpose::Test
        );
        assert_eq!(p(".env.local", None, ""), Purpose::Development);
        assert_eq!(p(".env.production", None, ""), Purpose::Production);
        assert_eq!(p("dev.Dockerfile", None, ""), Purpose::Development);
        assert_eq!(p("docker-compose.dev.yml", None, ""), Purpose::Development);
        assert_eq!(
            p(".devcontainer/Dockerfile", None, ""),
            Purpose::Development
        );
        assert_eq!(
            p("docker-compose.override.yml", None, ""),
            Purpose::Development
        );
        let wf = Some(FileKind::Workflow);
        assert_eq!(
            p(".github/workflows/cd.dev.yaml", wf, ""),
            Purpose::Production
        );
    }

    #[test]
    fn env_files_say_which_environment_they_configure() {
        let env = Some(FileKind::Env);
        assert_eq!(
            p(
                ".env",
                env,
                "# dev\nFASTAPI_ENV=development\nSECRET_KEY=changethis\n"
            ),
            Purpose::Development
        );
        assert_eq!(
            p(".env", env, "ENVIRONMENT='local' # dev\n"),
            Purpose::Development
        );
        assert_eq!(
            p(".env", env, "ENVIRONMENT=production\n"),
            Purpose::Production
        );
        assert_eq!(p(".env", env, "MY_ENV=development\n"), Purpose::Production);
        assert_eq!(
            p(
                ".env.production",
                env,
                "# This is a sample configuration file.\nA=1\n"
            ),
            Purpose::Example
        );
        assert_eq!(
            p(".env", env, "A=1\n# this is a sample configuration file\n"),
            Purpose::Production
        );
        // Only env files are read this way.
        assert_eq!(
            p("Dockerfile", None, "ENV=development\n"),
            Purpose::Production
        );
    }

    #[test]
    fn compose_files_of_stock_services_are_development() {
        let c = Some(FileKind::Compose);
        let deps = "services:\n  db:\n    image: postgres:16\n  cache:\n    image: \"redis:7-alpine\"\n  ui:\n    image: dpage/pgadmin4\n";
        assert_eq!(p("docker-compose.yml", c, deps), Purpose::Development);
        let app = format!("{deps}  api:\n    build: .\n");
        assert_eq!(p("docker-compose.yml", c, &app), Purpose::Production);
        let own = format!("{deps}  api:\n    image: ghcr.io/acme/api:1.2\n");
        assert_eq!(p("docker-compose.yml", c, &own), Purpose::Production);
        let named = "name: shop-dev\nservices:\n  api:\n    build: .\n";
        assert_eq!(p("compose.yaml", c, named), Purpose::Development);
        // Local emulators of hosted services count as stock services.
        let emulators = "services:\n  s3:\n    image: bitnamilegacy/minio-client:2024.5.24\n  events:\n    image: tinybirdco/tinybird-local:latest\n  aws:\n    image: localstack/localstack:4.4.0\n";
        assert_eq!(p("docker-compose.yml", c, emulators), Purpose::Development);
        // The Elastic stack, Logstash included.
        let elk = "services:\n  es:\n    image: elasticsearch:8.15.0\n  log:\n    image: logstash:8.15.0\n  ui:\n    image: kibana:8.15.0\n";
        assert_eq!(p("compose.yaml", c, elk), Purpose::Development);
    }
}
