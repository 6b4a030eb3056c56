//! What an image is for decides what is worth reporting about it: an
//! image that compiles while it runs keeps its compilers, a flavor family
//! publishes its full flavor on purpose, a tool's `DEBUG` serves nobody,
//! a front-end's public variables are public, and a legacy compose file
//! still says how its image is deployed.

mod common;

use common::{graded, write};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

const SERVER_TAIL: &str = "USER 10001\nEXPOSE 8000\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n";

#[test]
fn images_that_compile_while_they_run_keep_their_compilers() {
    let d = dir();
    let p = d.path();
    let install = "RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\n";
    // The entrypoint installs the packages the deployment names.
    write(
        p,
        "extras/Dockerfile",
        format!(
            "FROM python:3.12-slim\n{install}COPY docker/start.sh /start.sh\nUSER 10001\nENTRYPOINT [\"/start.sh\"]\n"
        ),
    );
    write(
        p,
        "extras/docker/start.sh",
        "#!/bin/sh\nset -e\nif [ -n \"$EXTRA_PIP_PACKAGES\" ]; then\n  pip install $EXTRA_PIP_PACKAGES\nfi\nexec \"$@\"\n",
    );
    // Its usage gives it the host's kernel tree to build a module against.
    write(
        p,
        "module/Dockerfile",
        format!(
            "# docker run --rm -it \\\n#   -v /lib/modules:/lib/modules \\\n#   -v /usr/src:/usr/src:ro \\\n#   acme/module-builder\nFROM debian:12-slim\n{install}COPY build.sh /build.sh\nENTRYPOINT [\"/build.sh\"]\n"
        ),
    );
    write(
        p,
        "module/build.sh",
        "#!/bin/sh\nexec make -C /lib/modules/$(uname -r)/build M=/src\n",
    );
    // Its program compiles its probes.
    write(
        p,
        "tracer/Dockerfile",
        format!("FROM debian:12-slim\n{install}ENTRYPOINT [\"bpftrace\"]\n"),
    );
    // A server keeps nothing of the kind: reported.
    write(
        p,
        "web/Dockerfile",
        format!("FROM python:3.12-slim\n{install}{SERVER_TAIL}"),
    );
    assert_eq!(graded(p, "DF005"), ["web/Dockerfile:2:66 DF005 warning"]);
}

#[test]
fn a_full_flavor_beside_its_slim_one_is_deliberate() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "images/python3.12.dockerfile",
        format!("FROM python:3.12\n{SERVER_TAIL}"),
    );
    write(
        p,
        "images/python3.12-slim.dockerfile",
        format!("FROM python:3.12-slim\n{SERVER_TAIL}"),
    );
    // A sibling on another base is no flavor of this one.
    write(
        p,
        "other/Dockerfile",
        format!("FROM python:3.11\n{SERVER_TAIL}"),
    );
    write(
        p,
        "other/Dockerfile.slim",
        format!("FROM python:3.12-slim\n{SERVER_TAIL}"),
    );
    assert_eq!(graded(p, "DF004"), ["other/Dockerfile:1:6 DF004 warning"]);
}

#[test]
fn a_file_named_for_latest_tracks_it() {
    let d = dir();
    let p = d.path();
    let tail = "USER 10001\nENTRYPOINT [\"grid\"]\n";
    write(p, "grid/Dockerfile.latest", format!("FROM alpine\n{tail}"));
    write(p, "grid/Dockerfile", format!("FROM alpine\n{tail}"));
    assert_eq!(graded(p, "DF002"), ["grid/Dockerfile:1:6 DF002 warning"]);
}

#[test]
fn debug_switches_matter_where_something_serves() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "presenter/Dockerfile",
        "FROM debian:12-slim\nENV DEBUG=1\nUSER 10001\nENTRYPOINT [\"mdp\"]\n",
    );
    write(
        p,
        "web/Dockerfile",
        format!("FROM python:3.12-slim\nENV DEBUG=1\n{SERVER_TAIL}"),
    );
    assert_eq!(graded(p, "DF027"), ["web/Dockerfile:2:5 DF027 warning"]);
}

#[test]
fn front_end_public_variables_are_not_build_secrets() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "Dockerfile",
        format!(
            "FROM node:22-slim AS ui\nARG VITE_ANALYTICS_API_KEY\nARG NEXT_PUBLIC_MAPS_TOKEN\nARG NPM_TOKEN\nARG NEXT_PUBLIC_STRIPE_SECRET_KEY\nRUN npm ci && npm run build\n\nFROM python:3.12-slim\nCOPY --from=ui /dist /app/static\n{SERVER_TAIL}"
        ),
    );
    // A private token, and a secret shipped to every browser: reported.
    assert_eq!(
        graded(p, "DF014"),
        ["Dockerfile:4:5 DF014 error", "Dockerfile:5:5 DF014 error"]
    );
}

#[test]
fn a_legacy_compose_file_still_says_how_its_image_runs() {
    let d = dir();
    let p = d.path();
    // Version 1: no `services:`, each service at the top level. The VPN
    // is run privileged: root is its design there.
    write(
        p,
        "vpn/docker-compose.yml",
        "vpn:\n  image: acme/vpn\n  net: host\n  privileged: yes\n  restart: always\n",
    );
    write(
        p,
        "vpn/Dockerfile",
        "FROM alpine:3.20\nRUN apk add --no-cache openvpn\nENTRYPOINT [\"openvpn\"]\n",
    );
    // Nothing deploys this one.
    write(
        p,
        "relay/Dockerfile",
        "FROM alpine:3.20\nRUN apk add --no-cache stunnel\nCMD [\"stunnel\"]\n",
    );
    assert_eq!(
        graded(p, "DF001"),
        [
            "relay/Dockerfile:1:1 DF001 error",
            "vpn/Dockerfile:1:1 DF001 info",
        ]
    );
    // The file's own rules read only what Compose reads: DC016 says it
    // is a legacy file.
    assert_eq!(graded(p, "DC0"), ["vpn/docker-compose.yml:1:1 DC016 error"]);
}

#[test]
fn an_image_only_copied_from_never_runs() {
    let d = dir();
    let p = d.path();
    // The workflow publishes the prebuilt library's image; the app's
    // Dockerfile copies files out of it and ships another base.
    write(
        p,
        ".github/workflows/sqlite.yml",
        "on: workflow_dispatch\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75 # v6.9.0\n        with:\n          file: Dockerfile.sqlite\n          tags: acme/sqlite:3.50.4\n          push: true\n",
    );
    write(
        p,
        "Dockerfile.sqlite",
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\nCMD [\"bash\"]\n",
    );
    write(
        p,
        "Dockerfile",
        format!(
            "FROM acme/sqlite:3.50.4 AS sqlite\n\nFROM python:3.12-slim\nCOPY --from=sqlite /usr/local/lib/libsqlite3.so /usr/local/lib/\n{SERVER_TAIL}"
        ),
    );
    assert_eq!(graded(p, "DF001"), Vec::<String>::new());
    // Shipped as a base, it runs: reported.
    write(
        p,
        "Dockerfile",
        format!("FROM acme/sqlite:3.50.4\n{SERVER_TAIL}"),
    );
    assert_eq!(graded(p, "DF001"), ["Dockerfile.sqlite:1:1 DF001 info"]);
}

#[test]
fn a_privileged_kernel_tracer_deployed_with_the_hosts_headers_needs_root() {
    let d = dir();
    let p = d.path();
    write(
        p,
        "tracer/Dockerfile",
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends bpfcc-tools && rm -rf /var/lib/apt/lists/*\nEXPOSE 9100\nCMD [\"tracer-exporter\"]\n",
    );
    let compose = |source: &str| {
        format!(
            "services:\n  tracer:\n    build: .\n    privileged: true\n    restart: always\n    volumes:\n      - {source}:/usr/src:ro\n      - /lib/modules:/lib/modules:ro\n"
        )
    };
    // The host's kernel headers on the privileged run.
    write(p, "tracer/compose.yaml", compose("/usr/src"));
    assert_eq!(graded(p, "DF001"), Vec::<String>::new());
    // A folder of the checkout mounted there is not the kernel's tree.
    write(p, "tracer/compose.yaml", compose("./src"));
    assert_eq!(graded(p, "DF001"), ["tracer/Dockerfile:1:1 DF001 info"]);
}
