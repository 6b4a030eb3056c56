use super::*;

declare_rule! {
    /// ## What it checks
    /// The final image runs as root: no `USER` in the final stage or the
    /// stages it is built `FROM`, or the last `USER` is `root`, `0` or
    /// `root:root` (after `ARG`/`ENV` substitution).
    ///
    /// The final stage inherits the `USER` of a base image built in the
    /// same repository (a workflow or compose file tags a Dockerfile of the
    /// repository with the name it is built `FROM`): a base that sets an
    /// unprivileged user answers the rule.
    ///
    /// Silent on images built on a base that already runs unprivileged (a
    /// `nonroot` or `rootless` tag such as distroless's or `docker:dind-rootless`,
    /// `nginxinc/nginx-unprivileged`, a `*-rootless` image), and on AWS
    /// Lambda's base images (`public.ecr.aws/lambda/python`,
    /// `amazon/aws-lambda-python`): Lambda runs a function's container as
    /// its own unprivileged user, whatever `USER` says.
    ///
    /// Silent on the image of a GitHub Docker action (an `action.yml` with
    /// `runs.using: docker` whose `runs.image` names this Dockerfile): the
    /// runner starts it as root and GitHub's Dockerfile support
    /// documentation says not to set `USER` there, or the action cannot
    /// write the workspace.
    ///
    /// Silent on a WebAssembly image (`FROM scratch` whose `ENTRYPOINT`
    /// or `CMD` is a `.wasm` module): a wasm runtime runs it with no Linux
    /// user to drop.
    ///
    /// On Windows images (`mcr.microsoft.com/windows/…`, `nanoserver`,
    /// `windowsservercore`), which have no root, the finding names the
    /// account they run as by default, `ContainerAdministrator`, and
    /// advises `USER ContainerUser`.
    ///
    /// An image that is a command-line tool (its `ENTRYPOINT` is a program
    /// that is not a server, its `CMD` passes only flags such as `--help`,
    /// nothing is exposed, no server starts and no deployment in the
    /// repository publishes a port; or, with no `ENTRYPOINT`, a `CMD` of
    /// such a program whose every `docker run` in the file's usage
    /// comment removes the container on exit (`--rm`) or attaches a
    /// terminal and publishes no port (`-it`), and none detaches it:
    /// `docker run --rm -it jess/htop`, `docker run -it tetris`; or a
    /// `CMD` of such a program reading its standard input, `CMD
    /// ["hadolint", "-"]`; or a `CMD` of such a program, someone else's,
    /// of which nothing says it serves or keeps running: no exposed port,
    /// no `VOLUME`, no `HEALTHCHECK`, no `worker` argument, no documented
    /// `docker run`, no deployment in the repository and nothing of the
    /// build context copied into the image, `CMD ["shellcheck"]` after
    /// installing it; or an `ENTRYPOINT` that is a bare interpreter
    /// or shell, `ENTRYPOINT ["python"]`, with no `CMD`, no documented
    /// `docker run` that detaches it and no deployment giving it a
    /// command: a prompt each run hands a script) is information, with
    /// that reason: it is not a long-lived target, and what root still
    /// costs is files it writes to mounted folders owned by root.
    ///
    /// A base image (no `ENTRYPOINT`, a `CMD` that opens a bare
    /// interpreter or shell such as `CMD ["python3"]`, or no command at
    /// all on a distribution's image or on Microsoft's PowerShell image,
    /// whose shell it inherits, or on an
    /// official language image nothing in the repository runs, whose
    /// prompt it inherits: `FROM debian:12`, `FROM python:3-alpine`;
    /// nothing exposed or served) is information too: the images built `FROM` it choose their
    /// own user.
    ///
    /// A desktop application (the `docker run` its usage comment documents
    /// hands it the host's X display: `-v /tmp/.X11-unix:/tmp/.X11-unix`,
    /// `-e DISPLAY`; nothing exposed or served) is information for the
    /// same reason as a command-line tool.
    ///
    /// A toolbox image whose default command only prints usage (`CMD
    /// ["--help"]` after an `ENTRYPOINT` such as `airflow` or `cfssl`,
    /// `CMD ["tool", "--help"]`, or a `CMD` that only echoes a note and
    /// runs nothing else, `CMD ["echo", "run convert or identify"]`) is
    /// information as well,
    /// exposed ports or not: each deployment chooses what it runs and can
    /// set its user there.
    ///
    /// Silent when the image's entrypoint script, copied from the
    /// repository, starts the server as another user (`exec gosu app
    /// "$@"`, `su-exec`, `setpriv`, `runuser`): the pattern of the official
    /// database images, where the entrypoint needs root only to fix the
    /// ownership of mounted folders.
    ///
    /// Silent when the image's own command starts its program as another
    /// user (`CMD gosu privoxy privoxy --no-daemon …`, `su-exec`,
    /// `setpriv`, `runuser`).
    ///
    /// Silent when the image starts a daemon that steps down from root by
    /// itself, by default, once it has opened what needs root (Mosquitto,
    /// sniproxy, ntopng, dnsmasq, Netdata, Unbound, chronyd, and FreeRADIUS'
    /// radiusd from the distribution's `freeradius` package: their own
    /// `user` setting; MySQL's and MariaDB's `mysqld` where a `RUN` of the
    /// final stage that edits its configuration (`my.cnf`, `/etc/mysql`,
    /// `[mysqld]`) writes a `user=` setting other than root), unless its command keeps it root (`--user=root`,
    /// `-u root`, ntopng's `--dont-change-user`). Behind an entrypoint
    /// script (`ENTRYPOINT ["/docker-entrypoint.sh"]`), the daemon is the
    /// `CMD` the script hands on.
    ///
    /// Information for a daemon that logs users in as themselves (`sshd`,
    /// `smbd`, `vsftpd`, `proftpd`, `pure-ftpd`, `dovecot`), started with
    /// no web server beside it: it must
    /// start as root to switch to each user who logs in, so a `USER`
    /// would stop it working; the finding says so and what to keep small
    /// instead (no other service in the image, no login as root itself,
    /// the fewest accounts).
    ///
    /// Silent too on a command-line tool whose job needs root's powers,
    /// where a `USER` would stop it working: tracing (`strace`, `ltrace`,
    /// `bpftrace`, `perf`), raw-socket probes and captures (`tcpdump`,
    /// `tshark`, `traceroute`, `arping`, `nmap`, `masscan`), the
    /// host's network configuration (`wg`, `ip`, `iptables`, `nft`,
    /// `ethtool`) and `debootstrap`.
    ///
    /// When the final stage puts `gosu` or `su-exec` in the image and
    /// starts an entrypoint script the repository does not hold (copied
    /// from elsewhere, or not checked), the finding is information: the
    /// script presumably steps down, but that cannot be confirmed.
    ///
    /// Information when every deployment of the image in the repository
    /// grants it privileges only root can use (compose `privileged: true`
    /// or a `cap_add:` beyond Docker's defaults other than `IPC_LOCK`,
    /// which daemons such as Vault hold unprivileged as a file capability;
    /// legacy version-1 compose files count; a container's `privileged:
    /// true` or such added capabilities): a VPN server given `NET_ADMIN`
    /// runs as root by design there. (The Docker socket is not one: a
    /// group can reach it, and DC006 reports it.) The same where nothing in the repository runs the
    /// image and the Dockerfile's own usage comment does, with
    /// `--privileged`, `--cap-add` or `--device` (`# docker run
    /// --device=/dev/sda …`): the author's stated deployment. Silent
    /// where each of those privileged runs also bind-mounts the host's
    /// kernel headers (`/usr/src` as the source): a kernel tracer or
    /// module builder such as bcc's tools, whose probes only root can
    /// load.
    ///
    /// Silent for an image that runs nowhere in the repository and that
    /// its other Dockerfiles use only as a stage they copy prebuilt files
    /// from (`FROM acme/sqlite:3.50 AS sqlite`, then `COPY --from=sqlite
    /// …`): it never runs, so no user of it does.
    ///
    /// Silent when every deployment of the image in the repository runs
    /// it as another user (each Kubernetes container that runs it sets a
    /// non-zero `runAsUser`, each compose service a `user:` other than
    /// root; images are matched to this Dockerfile through the workflows,
    /// compose files and skaffold configs that build them): the user the
    /// image would pick never runs. `runAsNonRoot: true` alone does not
    /// count: the kubelet then refuses to start an image that runs as root.
    ///
    /// ## Why it matters in production
    /// A process that escapes the app through a bug in it or a dependency
    /// owns the container as root, can rewrite the image's files and is one
    /// kernel bug away from the host. Kubernetes `runAsNonRoot` refuses
    /// such images outright.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["gunicorn", "app.main:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home --uid 10001 app
    /// COPY --chown=app . /app
    /// USER app
    /// CMD ["gunicorn", "app.main:app"]
    /// ```
    ///
    /// ## Fix
    /// None: the right user depends on the image.
    ///
    /// ## Differences from hadolint
    /// hadolint's DL3002 reports only an explicit last `USER root`; prodlint
    /// also reports a final stage with no `USER` at all (the default is
    /// root), follows `USER` through the stages and base images built in
    /// the repository, and lowers command-line tools to info.
    ///
    /// ## References
    /// - [GitHub: Dockerfile support for GitHub Actions (`USER`)](https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions#user)
    /// - [Dockerfile `USER`](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Kubernetes: run as non-root](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub struct FinalStageRunsAsRoot {
        code: "DF001",
        name: "final-stage-runs-as-root",
        severity: Error,
        tags: ["security"],
        security_severity: "7.0",
        fix: None,
        summary: "the final image runs as root",
    }
}

impl Rule for FinalStageRunsAsRoot {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        let Some(stage) = df.final_stage() else {
            return;
        };
        // GitHub runs a Docker action's container as root, and documents
        // that an action's Dockerfile must not set USER.
        if cx.project.built_by_action(&cx.file.path).is_some() {
            return;
        }
        // A WebAssembly module has no Linux user to drop.
        if image_role::wasm(df) {
            return;
        }
        // An image the repository only copies prebuilt files from (`FROM
        // acme/sqlite AS sqlite`, `COPY --from=sqlite …`) never runs: no
        // user of its runs as anything.
        if cx.project.only_copied_from(&cx.file.path) {
            return;
        }
        let root_image = df.final_chain().first().map(|s| s.image.clone());
        // Images built to run unprivileged (distroless `:nonroot`,
        // `:dind-rootless`, `nginxinc/nginx-unprivileged`) already set a
        // user; Lambda's bases run as Lambda's.
        // (A final `USER root` still says root.)
        if df.final_last(Keyword::User).is_none()
            && root_image.as_ref().is_some_and(|i| {
                i.tag
                    .as_deref()
                    .is_some_and(|t| t.contains("nonroot") || t.contains("rootless"))
                    || i.name.ends_with("-unprivileged")
                    || i.name.ends_with("-rootless")
                    // AWS Lambda's base images: Lambda runs the function as
                    // its own unprivileged user, whatever the image says.
                    || i.name.starts_with("public.ecr.aws/lambda/")
                    || i.name.starts_with("amazon/aws-lambda-")
            })
        {
            return;
        }
        match df.final_last(Keyword::User) {
            Some(user) => {
                let Some(word) = user.words().first() else {
                    return;
                };
                if word.dynamic {
                    return;
                }
                let name = word.text.split(':').next().unwrap_or("");
                if name == "root" || name == "0" {
                    out.report(&Self::META, word.span, format!("the final image runs as root (`USER {}`)", word.text))
                        .help("create an unprivileged user and switch to it after the last step that needs root");
                }
            }
            None => {
                // A base image built in this repository passes its USER on.
                if base_built_here(cx).is_some_and(|(_, b)| {
                    crate::rules::compose::image_user_is_non_root(&b.dockerfile)
                }) {
                    return;
                }
                // Every deployment of the image sets the user itself.
                if image_role::user_set_everywhere(cx) {
                    return;
                }
                // The entrypoint script steps down to another user before
                // it starts the server (`exec gosu app "$@"`), as the
                // official database images do.
                if cx
                    .project
                    .entry_script(&cx.file.path)
                    .is_some_and(|(_, f, _)| f.drops_root.is_some())
                {
                    return;
                }
                // Its own command does it (`CMD gosu app server`).
                if image_role::command_steps_down(cx) {
                    return;
                }
                // The daemon it starts steps down from root itself.
                if image_role::starts_self_demoting_daemon(cx) {
                    return;
                }
                let program = image_role::final_program(cx);
                let from = &df.instructions[stage.from];
                let span = from.keyword_span.cover(stage.image.span);
                // Every deployment hands it privileges a non-root user could
                // not use (a VPN's NET_ADMIN, a privileged NFS server): root
                // is its design there.
                let privileged = if image_role::privileged_everywhere(cx) {
                    Some(
                        "every deployment of the image in the repository grants it privileges only root can use (`privileged`, or capabilities beyond Docker's defaults)",
                    )
                } else if !image_role::runs_somewhere(cx)
                    && image_role::usage_grants_privileges(&cx.file.text)
                {
                    Some(
                        "the `docker run` its usage comment documents grants it privileges only root can use (`--privileged`, `--cap-add` or `--device`)",
                    )
                } else {
                    None
                };
                // Privileged and given the host's kernel headers: a kernel
                // tracer or module builder (bcc's tools), which only root
                // can load into the kernel.
                if privileged.is_some() && image_role::privileged_with_kernel_tree(cx) {
                    return;
                }
                if let Some(why) = privileged {
                    out.report(&Self::META, span, format!("no USER in the final stage: it runs as root, and {why}"))
                        .severity(Severity::Info)
                        .help("check that each privilege is needed; where the server can drop root after it starts (its own `user` setting), let it");
                    return;
                }
                // sshd, smbd, an FTP server: they must start as root to
                // become each user who logs in.
                if let Some(daemon) = image_role::starts_login_daemon(cx) {
                    out.report(&Self::META, span, format!("no USER in the final stage: it runs as root, as `{daemon}` must to switch to each user who logs in"))
                        .severity(Severity::Info)
                        .help("keep root for the login daemon alone: no other service in the image, no login as root itself, and the fewest accounts it may log in");
                    return;
                }
                // It puts `gosu`/`su-exec` in the image and starts a script
                // the repository does not hold: the official images'
                // pattern, but the step down cannot be confirmed.
                if cx.project.entry_script(&cx.file.path).is_none()
                    && crate::project::facts::entrypoint::named_in(df).is_some()
                    && let Some(tool) = crate::project::facts::entrypoint::step_down_tool(df)
                {
                    out.report(&Self::META, span, format!("no USER in the final stage: the container starts as root; the image gets `{}` for its entrypoint script to step down to another user, but that script is not in the repository to confirm it", tool.text.rsplit('/').next().unwrap_or(&tool.text)))
                        .severity(Severity::Info)
                        .related(tool.span, "the step-down tool is put in the image here")
                        .help("make sure the entrypoint script ends with `exec gosu <user> \"$@\"`, or set USER");
                    return;
                }
                // A tool run per invocation is not a long-lived target; what
                // root still costs is files owned by root in mounted folders.
                match image_role::role(cx) {
                    // A tool whose job needs root (strace, tcpdump, wg):
                    // a USER would stop it working.
                    image_role::Role::Tool
                        if program
                            .as_deref()
                            .is_some_and(crate::rules::known_images::program_needs_root) =>
                    {
                        return;
                    }
                    image_role::Role::Tool => {
                        let (who, help) = if image_role::windows(df) {
                            ("`ContainerAdministrator`", "add `USER ContainerUser`")
                        } else {
                            (
                                "root",
                                "add an unprivileged USER, or document `docker run --user $(id -u)`",
                            )
                        };
                        out.report(&Self::META, span, format!("no USER in the final stage of this command-line tool (no port, no server): it runs as {who}, and files it writes to mounted folders belong to {who}"))
                            .severity(Severity::Info)
                            .help(help);
                        return;
                    }
                    // A window on the user's own display, started by hand.
                    image_role::Role::Desktop => {
                        out.report(&Self::META, span, "no USER in the final stage of this desktop application (its documented `docker run` gives it the host's X display; no port, no server): it runs as root, and files it saves to mounted folders belong to root")
                            .severity(Severity::Info)
                            .help("add an unprivileged USER, or document `docker run --user $(id -u)`");
                        return;
                    }
                    // The deployment picks the command; it can pick the
                    // user as well, but the image's default is still root.
                    image_role::Role::Chosen => {
                        out.report(&Self::META, span, "no USER in the final stage of this toolbox image (its default command prints usage; each deployment chooses what runs): whatever it runs starts as root unless the deployment sets a user")
                            .severity(Severity::Info)
                            .help("add an unprivileged USER, or set the user where each command is deployed (`user:`, `runAsUser`)");
                        return;
                    }
                    // Images built on it choose their own user; the note
                    // is for whoever runs the prompt itself.
                    image_role::Role::Base => {
                        let who = if image_role::windows(df) {
                            "`ContainerAdministrator`"
                        } else {
                            "root"
                        };
                        out.report(&Self::META, span, format!("no USER in the final stage of this base image (its command is a bare interpreter or shell, nothing is served): the images built FROM it run as {who} unless they set USER"))
                            .severity(Severity::Info)
                            .help("set USER in the images built on it, or add an unprivileged user here for them to switch to");
                        return;
                    }
                    _ => {}
                }
                // Windows has no root: its images run as the administrator
                // account, and `ContainerUser` is the unprivileged one.
                if image_role::windows(df) {
                    out.report(&Self::META, span, "no USER in the final stage: the container runs as `ContainerAdministrator`, Windows' administrator account")
                        .help("add `USER ContainerUser` after the steps that need administrator rights");
                    return;
                }
                out.report(&Self::META, span, "no USER in the final stage: the container runs as root")
                    .help("add `RUN useradd --uid 10001 app` and `USER app` after the steps that need root");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn found(text: &str) -> Vec<(Severity, usize)> {
        check_text(&FinalStageRunsAsRoot, text)
            .into_iter()
            .map(|f| (f.severity, f.related.len()))
            .collect()
    }

    #[test]
    fn a_step_down_tool_for_an_unseen_script_is_information() {
        let text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nEXPOSE 5432\nCMD [\"postgres\"]\n";
        assert_eq!(found(text), [(Severity::Info, 1)]);
        let su_exec = text.replace(
            "apt-get install -y --no-install-recommends gosu",
            "apk add --no-cache su-exec",
        );
        assert_eq!(found(&su_exec), [(Severity::Info, 1)]);
        // Without the tool, nothing says the script steps down.
        let plain = text.replace(" gosu", " curl");
        assert_eq!(found(&plain), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_desktop_application_on_the_hosts_display_is_information() {
        let text = "# docker run -v /tmp/.X11-unix:/tmp/.X11-unix \\\n#\t-e DISPLAY=unix$DISPLAY editor\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends editor && rm -rf /var/lib/apt/lists/*\nENTRYPOINT [\"editor\", \"--foreground\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // Without the display in its usage, `--foreground` reads as a daemon.
        let daemon = text
            .replace("-v /tmp/.X11-unix:/tmp/.X11-unix", "")
            .replace("-e DISPLAY=unix$DISPLAY ", "");
        assert_eq!(found(&daemon), [(Severity::Error, 0)]);
        // A published port makes it a server whatever its usage says.
        let served = text.replace("ENTRYPOINT", "EXPOSE 8080\nENTRYPOINT");
        assert_eq!(found(&served), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_toolbox_whose_default_prints_usage_is_information() {
        let text = "FROM python:3.12-alpine\nRUN pip install --no-cache-dir apache-airflow\nEXPOSE 8080\nENTRYPOINT [\"airflow\"]\nCMD [\"--help\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        let through_script = "FROM ubuntu:24.04\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]\nCMD [\"ykpersonalize\", \"--help\"]\n";
        assert_eq!(found(through_script), [(Severity::Info, 0)]);
        // A default that serves is a server, whatever follows.
        let serves = text.replace("[\"--help\"]", "[\"webserver\"]");
        assert_eq!(found(&serves), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_privileged_kernel_tracer_needs_root() {
        let text = "# docker run --rm -it \\\n#\t--privileged \\\n#\t-v /lib/modules:/lib/modules:ro \\\n#\t-v /usr/src:/usr/src:ro \\\n#\tacme/tracer\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends bpfcc-tools && rm -rf /var/lib/apt/lists/*\nEXPOSE 9100\nCMD [\"tracer-exporter\"]\n";
        assert_eq!(found(text), []);
        // Privileged without the kernel's headers: root by design, said.
        let no_headers = text.replace("#\t-v /usr/src:/usr/src:ro \\\n", "");
        assert_eq!(found(&no_headers), [(Severity::Info, 0)]);
        // A folder mounted at /usr/src is not the host's kernel tree.
        let other = text.replace("-v /usr/src:/usr/src:ro", "-v ./src:/usr/src");
        assert_eq!(found(&other), [(Severity::Info, 0)]);
    }

    #[test]
    fn packaged_freeradius_switches_to_its_user() {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache freeradius\nEXPOSE 1812/udp\nCMD [\"radiusd\", \"-f\"]\n";
        assert_eq!(found(text), []);
        // Built from source, nothing configures the switch.
        let built = text.replace("apk add --no-cache freeradius", "make install");
        assert_eq!(found(&built), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_distribution_image_without_a_command_is_a_base() {
        let text = "FROM debian:12\nCOPY --from=build /out/convert /usr/local/bin/\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // Serving something makes it a server again.
        assert_eq!(
            found(&format!("{text}EXPOSE 8080\n")),
            [(Severity::Error, 0)]
        );
    }

    #[test]
    fn unprivileged_bases_already_set_a_user() {
        for base in [
            "gcr.io/distroless/python3-debian12:nonroot",
            "nginxinc/nginx-unprivileged:1.27-alpine",
            "docker:27-dind-rootless",
            "public.ecr.aws/lambda/python:3.13",
            "amazon/aws-lambda-python:3.12",
        ] {
            let text = format!("FROM {base}\nEXPOSE 8080\n");
            assert!(found(&text).is_empty(), "{base}");
        }
        assert_eq!(found("FROM nginx:1.27-alpine\nEXPOSE 8080\n").len(), 1);
    }

    #[test]
    fn a_usage_comment_that_grants_privileges_makes_root_the_design() {
        let text = "# Usage:\n#   docker run --rm -it \\\n#     --device /dev/bus/usb \\\n#     acme/keytool\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ykman && rm -rf /var/lib/apt/lists/*\nEXPOSE 8080\nCMD [\"keytoold\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // A usage without privileges says nothing about root.
        let plain = text.replace("--device /dev/bus/usb", "-v $HOME/keys:/keys");
        assert_eq!(found(&plain), [(Severity::Error, 0)]);
        // Nor does a privilege flag outside the `docker run` it documents.
        let apart = "# docker run --rm acme/keytool\n# needs --privileged on old kernels? no.\nFROM debian:12-slim\nEXPOSE 8080\nCMD [\"keytoold\"]\n";
        assert_eq!(found(apart), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_windows_command_line_tool_names_the_administrator_account() {
        let text = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY tool.exe C:/tools/\nENTRYPOINT [\"C:/tools/tool.exe\"]\n";
        let found = check_text(&FinalStageRunsAsRoot, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(
            found[0]
                .message
                .contains("runs as `ContainerAdministrator`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_webassembly_module_has_no_user_to_drop() {
        let text = "FROM rust:1.80 AS build\nRUN cargo build --target wasm32-wasip1 --release\nFROM scratch\nCOPY --from=build /src/target/wasm32-wasip1/release/svc.wasm /svc.wasm\nENTRYPOINT [\"svc.wasm\"]\n";
        assert_eq!(found(text), []);
        // A static binary on scratch still runs as root (a command-line
        // tool here: nothing exposed or served).
        let binary = text.replace("[\"svc.wasm\"]", "[\"/svc\"]");
        assert_eq!(found(&binary), [(Severity::Info, 0)]);
    }

    #[test]
    fn a_tool_whose_name_ends_in_d_is_no_daemon() {
        let text = "FROM python:3.12-alpine\nRUN pip install --no-cache-dir gcloud-cli\nENTRYPOINT [\"gcloud\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // Nor a password-file tool or a CAD program.
        for tool in ["htpasswd", "openscad", "kicad"] {
            let other = text.replace("[\"gcloud\"]", &format!("[\"{tool}\"]"));
            assert_eq!(found(&other), [(Severity::Info, 0)], "{tool}");
        }
        // `httpd` is one.
        let httpd = text.replace("[\"gcloud\"]", "[\"/usr/sbin/httpd\", \"-DFOREGROUND\"]");
        assert_eq!(found(&httpd), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_program_nothing_shows_to_serve_is_a_tool() {
        let text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends shellcheck && rm -rf /var/lib/apt/lists/*\nCMD [\"shellcheck\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // A volume for its state says it keeps running.
        let volume = text.replace("CMD", "VOLUME /data\nCMD");
        assert_eq!(found(&volume), [(Severity::Error, 0)]);
        // So does a daemon's name.
        let daemon = text.replace("[\"shellcheck\"]", "[\"shellcheckd\"]");
        assert_eq!(found(&daemon), [(Severity::Error, 0)]);
        // A worker, or the repository's own program: deployed elsewhere.
        let worker = "FROM python:3.12-slim\nRUN pip install --no-cache-dir celery\nCMD [\"celery\", \"-A\", \"tasks\", \"worker\"]\n";
        assert_eq!(found(worker), [(Severity::Error, 0)]);
        let own = "FROM golang:1.23 AS build\nCOPY . /src\nRUN cd /src && go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /usr/local/bin/app\nCMD [\"app\"]\n";
        assert_eq!(found(own), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_daemon_that_logs_users_in_needs_root_by_design() {
        let text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*\nEXPOSE 22\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // smbd started after nmbd in a shell-form command.
        let samba =
            "FROM alpine:3.20\nRUN apk add --no-cache samba\nEXPOSE 445\nCMD nmbd -D && smbd -FS\n";
        assert_eq!(found(samba), [(Severity::Info, 0)]);
        // Beside a web server, root serves the web too.
        let both =
            "FROM python:3.12-slim\nEXPOSE 8000 2222\nCMD /usr/sbin/sshd && gunicorn app:app\n";
        assert_eq!(found(both), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_command_that_steps_down_itself_needs_no_user() {
        let text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gosu privoxy && rm -rf /var/lib/apt/lists/*\nEXPOSE 8118\nCMD gosu privoxy privoxy --no-daemon /etc/privoxy/config\n";
        assert_eq!(found(text), []);
        let exec = "FROM alpine:3.20\nRUN apk add --no-cache su-exec redis\nEXPOSE 6379\nCMD [\"su-exec\", \"redis\", \"redis-server\"]\n";
        assert_eq!(found(exec), []);
        // Stepping "down" to root keeps root.
        assert_eq!(
            found(&exec.replace("\"su-exec\", \"redis\"", "\"su-exec\", \"root\"")),
            [(Severity::Error, 0)]
        );
    }

    #[test]
    fn mysql_configured_to_switch_users_needs_no_user() {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache mariadb \\\n && sed -i 's/^\\[mysqld\\]$/&\\nuser=mysql/' /etc/mysql/my.cnf\nCOPY docker-entrypoint.sh /\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nEXPOSE 3306\nCMD [\"mysqld\"]\n";
        assert_eq!(found(text), []);
        assert_eq!(
            found(&text.replace("user=mysql", "skip-name-resolve")),
            [(Severity::Error, 0)]
        );
        // An option of another command is no setting of MySQL's.
        let option = "FROM python:3.12-slim\nRUN pip install --user=app mysql-connector && echo ok > /etc/mysql/note\nCOPY docker-entrypoint.sh /\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"mysqld\"]\n";
        assert_eq!(found(option), [(Severity::Error, 0)]);
    }

    #[test]
    fn an_echoed_note_as_the_command_is_a_toolbox() {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache imagemagick\nCMD [\"echo\", \"run convert, identify or mogrify\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // An echo before the program is no toolbox.
        let start = "FROM python:3.12-slim\nEXPOSE 8000\nCMD echo starting && python main.py\n";
        assert_eq!(found(start), [(Severity::Error, 0)]);
    }

    #[test]
    fn a_powershell_image_without_a_command_is_a_base() {
        let text = "FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04\nRUN pwsh -c 'Install-Module dbatools -Force'\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
    }

    #[test]
    fn a_command_only_image_run_once_by_its_usage_is_a_tool() {
        let text = "# docker run --rm -it --pid host jess/htop\nFROM alpine:3.20\nRUN apk add --no-cache htop\nCMD [\"htop\"]\n";
        assert_eq!(found(text), [(Severity::Info, 0)]);
        // Run detached, it is a long-lived container.
        assert_eq!(found(&text.replace("-it", "-d")), [(Severity::Error, 0)]);
        // At a terminal, publishing nothing: a person plays it.
        let game =
            "# docker run -it tetris\nFROM alpine:3.20\nCMD [\"emacs\", \"-f\", \"tetris\"]\n";
        assert_eq!(found(game), [(Severity::Info, 0)]);
        // Published, it serves someone else.
        assert_eq!(
            found(&game.replace("-it", "-it -p 80:80")),
            [(Severity::Error, 0)]
        );
        // A filter of its standard input.
        let filter =
            "FROM alpine:3.20\nCOPY hadolint /bin/hadolint\nCMD [\"/bin/hadolint\", \"-\"]\n";
        assert_eq!(found(filter), [(Severity::Info, 0)]);
        // Without `-`, and run detached by its usage: a service.
        assert_eq!(
            found(&format!(
                "# docker run -d acme/lint\n{}",
                filter.replace(", \"-\"", "")
            )),
            [(Severity::Error, 0)]
        );
    }

    #[test]
    fn a_daemon_that_steps_down_itself_needs_no_user() {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache mosquitto\nEXPOSE 1883\nENTRYPOINT [\"mosquitto\"]\nCMD [\"-c\", \"/etc/mosquitto/mosquitto.conf\"]\n";
        assert_eq!(found(text), []);
        assert_eq!(
            found(&text.replace("mosquitto\"]", "mosquitto-relay\"]")),
            [(Severity::Error, 0)]
        );
        // Told to stay root, it does.
        assert_eq!(
            found(&text.replace("\"-c\",", "\"-u\", \"root\", \"-c\",")),
            [(Severity::Error, 0)]
        );
    }

    #[test]
    fn a_tool_whose_job_needs_root_needs_no_user() {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache strace\nENTRYPOINT [\"strace\"]\n";
        assert_eq!(found(text), []);
        assert_eq!(
            found(&text.replace("[\"strace\"]", "[\"curl\"]")),
            [(Severity::Info, 0)]
        );
    }

    #[test]
    fn windows_images_run_as_the_administrator_account() {
        let text = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"app\"]\n";
        let found = check_text(&FinalStageRunsAsRoot, text);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("`ContainerAdministrator`"),
            "{}",
            found[0].message
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("add `USER ContainerUser` after the steps that need administrator rights")
        );
    }
}
