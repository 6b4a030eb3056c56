use super::*;

declare_rule! {
    /// ## What it checks
    /// A RUN of the final image installs compilers or development headers
    /// (`gcc`, `g++`, `make`, `build-essential`, `clang`, `cmake`,
    /// `build-base`, `*-dev`, `*-devel`) and the same RUN does not remove
    /// them again. One finding per RUN, at its first build tool, with the
    /// others as related locations. An image built on `buildpack-deps`
    /// (the base of the official images' full variants, which exists to
    /// carry compilers and headers) is not reported, nor is a base image
    /// (see DF001: its command a bare shell or interpreter, or none on a
    /// distribution's image or an official language image nothing in the
    /// repository runs, nothing exposed or served), a build
    /// environment for the images built `FROM` it or a toolbox run by hand,
    /// nor an image whose entrypoint script (copied from the repository)
    /// installs Python packages a variable names each time the container
    /// starts (`pip install $EXTRA_PIP_PACKAGES`; not `pip install
    /// --upgrade pip`, which the build could do): its compilers are
    /// what that start needs; nor an image that compiles while it runs:
    /// one its usage comment (`# docker run -v /usr/src:/usr/src …`) or
    /// a deployment gives the host's kernel headers (`/usr/src`: eBPF
    /// toolkits, kernel modules built against the running kernel;
    /// `/lib/modules` alone is `modprobe` loading one), or whose program
    /// compiles as its job (`bpftrace`, distcc's `distccd`). `make` alone, with no compiler or header
    /// beside it, is a task runner (FreeRADIUS makes its certificates
    /// with it): not reported.
    ///
    /// ## Why it matters in production
    /// Build tools add hundreds of megabytes to every pull, and a compiler
    /// in a running container is a gift to an attacker who got a shell.
    /// They are needed to build wheels, not to run them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    /// RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir /wheels/*
    /// ```
    ///
    /// ## Fix
    /// None: moving steps between stages needs a human.
    ///
    /// ## References
    /// - [Docker: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct BuildToolsInFinalStage {
        code: "DF005",
        name: "build-tools-in-final-stage",
        severity: Warning,
        fix: None,
        summary: "compilers or `-dev` packages are installed in the final image",
    }
}

const TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "cc",
    "make",
    "build-essential",
    "clang",
    "cmake",
    "build-base",
    "gfortran",
    "cargo",
    "rustc",
    "autoconf",
    "automake",
    "libtool",
];

/// A package's name without its version or architecture (`make=4.3-4`,
/// `make>4.3`, `gcc:amd64`).
fn package_name(pkg: &str) -> &str {
    let name = pkg.split(['=', '>', '<', '~']).next().unwrap_or(pkg);
    name.split(':').next().unwrap_or(name)
}

fn is_build_tool(pkg: &str) -> bool {
    let name = package_name(pkg);
    TOOLS.contains(&name)
        || name.starts_with("gcc-")
        || name.ends_with("-dev")
        || name.ends_with("-devel")
}

/// `a`, `b` and `c`; past three, `a`, `b`, `c` and N more.
fn named(pkgs: &[&Word]) -> String {
    let shown: Vec<String> = pkgs
        .iter()
        .take(3)
        .map(|p| format!("`{}`", p.text))
        .collect();
    let more = pkgs.len().saturating_sub(3);
    match (shown.split_last(), more) {
        (Some((last, init)), 0) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        (_, 0) => shown.join(""),
        _ => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The image's build tools are what it is for, not leftovers: asked only
/// of an image that installs some (the checks read other files and the
/// usage comment).
fn compiles_by_design(cx: &DockerContext<'_>) -> bool {
    // Built on `buildpack-deps`: compilers and headers are what the
    // base is for (the official images' full variants), not leftovers.
    if cx
        .dockerfile
        .final_chain()
        .first()
        .is_some_and(|s| s.image.short_name() == "buildpack-deps")
    {
        return true;
    }
    // A base image (its command a bare shell or interpreter, nothing
    // served) is a build environment for the images built FROM it, or
    // a toolbox run by hand: its compilers are what it is for.
    if image_role::role(cx) == image_role::Role::Base {
        return true;
    }
    // It compiles while it runs: against the host's kernel tree (its
    // usage or a deployment mounts its headers, `/usr/src`), or
    // as its job (bpftrace's probes, distcc's daemon).
    if image_role::builds_against_host_kernel(cx)
        || image_role::final_program(cx)
            .is_some_and(|p| crate::rules::known_images::program_compiles_at_run_time(&p))
    {
        return true;
    }
    // Its entrypoint script installs Python packages each time the
    // container starts (`pip install $EXTRA_PIP_PACKAGES`): the
    // compilers are what that start needs to build them.
    cx.project
        .entry_script(&cx.file.path)
        .is_some_and(|(_, f, _)| f.installs_packages.is_some())
}

impl Rule for BuildToolsInFinalStage {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let mut per_run: Vec<Vec<&Word>> = Vec::new();
        for run in final_runs(cx.dockerfile) {
            let removals = Removals::of(run);
            // One finding per RUN: its first build tool, the others as
            // related locations.
            let mut found: Vec<&Word> = Vec::new();
            for cmd in commands(run) {
                let Some(sub) = install_word(cmd) else {
                    continue;
                };
                // `apk add --virtual .build-deps gcc` followed by `apk del .build-deps`.
                let virtual_name = cmd
                    .args()
                    .windows(2)
                    .find(|w| w[0].text == "--virtual" || w[0].text == "-t")
                    .map(|w| w[1].text.clone());
                if virtual_name
                    .as_deref()
                    .is_some_and(|v| removals.removes_after(v, cmd.span.start))
                {
                    continue;
                }
                found.extend(packages(cmd, sub).filter(|pkg| {
                    is_build_tool(&pkg.text) && !removals.removes_after(&pkg.text, cmd.span.start)
                }));
            }
            per_run.push(found);
        }
        // `make` alone compiles nothing: without a compiler or headers
        // beside it, it is a task runner for the image's own scripts
        // (FreeRADIUS makes its certificates with it).
        if per_run
            .iter()
            .flatten()
            .all(|p| package_name(&p.text) == "make")
            || compiles_by_design(cx)
        {
            return;
        }
        for found in per_run {
            let Some((first, rest)) = found.split_first() else {
                continue;
            };
            let message = if rest.is_empty() {
                format!(
                    "`{}` is a build tool installed in the final image",
                    first.text
                )
            } else {
                format!(
                    "{} are build tools installed in the final image",
                    named(&found)
                )
            };
            let mut b = out
                .report(&Self::META, first.span, message)
                .help("build in a separate stage and copy only the artefacts (wheels, binaries) into the final one");
            for pkg in rest {
                b = b.related(pkg.span, format!("`{}` too", pkg.text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn offsets(text: &str) -> Vec<usize> {
        check_text(&BuildToolsInFinalStage, text)
            .into_iter()
            .map(|f| f.span.start)
            .collect()
    }

    #[test]
    fn a_buildpack_deps_base_carries_compilers_by_design() {
        let run = "RUN apt-get update && apt-get install -y --no-install-recommends libbz2-dev gcc && rm -rf /var/lib/apt/lists/*\n";
        assert!(offsets(&format!("FROM buildpack-deps:bookworm\n{run}")).is_empty());
        // `libbz2-dev`, in the RUN on line 2.
        let text = format!("FROM debian:bookworm\n{run}CMD [\"/srv/app\"]\n");
        assert_eq!(offsets(&text), [text.find("libbz2-dev").unwrap_or(0)]);
    }

    #[test]
    fn a_base_image_carries_compilers_for_what_is_built_on_it() {
        let run = "RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*\n";
        // A bare shell, or no command on a distribution's image.
        assert!(offsets(&format!("FROM debian:bookworm\n{run}CMD [\"bash\"]\n")).is_empty());
        assert!(offsets(&format!("FROM debian:bookworm\n{run}")).is_empty());
        // Serving, it ships them.
        assert_eq!(
            offsets(&format!(
                "FROM debian:bookworm\n{run}EXPOSE 8000\nCMD [\"bash\"]\n"
            ))
            .len(),
            1
        );
    }
}
