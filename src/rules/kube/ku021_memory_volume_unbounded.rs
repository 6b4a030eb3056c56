use super::*;

declare_rule! {
    /// ## What it checks
    /// An `emptyDir` volume with `medium: Memory` and no `sizeLimit`. A
    /// volume mounted only at `/dev/shm` by containers that all have a
    /// memory limit is information: the limit bounds it.
    ///
    /// ## Why it matters in production
    /// A memory-backed `emptyDir` is a tmpfs: what the pod writes there is
    /// RAM, charged to the pod's memory. Without a size limit a cache or
    /// upload folder grows until the container is OOM-killed — with a
    /// memory limit set, sooner than anyone expects, because the files
    /// count against it too — or, without one, until the node evicts pods.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: scratch
    ///     emptyDir: {medium: Memory}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///   - name: scratch
    ///     emptyDir: {medium: Memory, sizeLimit: 64Mi}
    /// ```
    ///
    /// ## Fix
    /// None: the size is yours to choose.
    ///
    /// ## References
    /// - [Kubernetes: emptyDir](https://kubernetes.io/docs/concepts/storage/volumes/#emptydir)
    pub struct MemoryVolumeUnbounded {
        code: "KU021",
        name: "memory-volume-unbounded",
        severity: Warning,
        fix: None,
        summary: "a memory-backed `emptyDir` has no `sizeLimit`",
    }
}

impl Rule for MemoryVolumeUnbounded {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads {
            let volumes = w
                .pod_spec
                .get("volumes")
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            // Per volume name: every mount is `/dev/shm` in a container with
            // a memory limit (one pass over the mounts, whatever their count).
            let mut shm: crate::hashing::FastMap<&str, bool> = crate::hashing::FastMap::default();
            for c in w.containers() {
                let limited = c
                    .get("resources")
                    .and_then(|r| r.get("limits"))
                    .and_then(|l| l.get("memory"))
                    .is_some();
                for m in c.get("volumeMounts").and_then(Node::as_seq).unwrap_or(&[]) {
                    let Some(name) = m.get("name").and_then(Node::as_str) else {
                        continue;
                    };
                    let ok =
                        limited && m.get("mountPath").and_then(Node::as_str) == Some("/dev/shm");
                    let e = shm.entry(name).or_insert(true);
                    *e = *e && ok;
                }
            }
            for v in volumes {
                let Some(dir) = v.get("emptyDir") else {
                    continue;
                };
                let Some(medium) = dir.get("medium") else {
                    continue;
                };
                if medium.as_str() != Some("Memory") || dir.get("sizeLimit").is_some() {
                    continue;
                }
                let name = v.get("name").and_then(Node::as_str).unwrap_or("?");
                if shm.get(name).copied().unwrap_or(false) {
                    out.report(
                        &Self::META,
                        medium.span,
                        format!(
                            "volume `{name}` of {} `{}` is RAM with no `sizeLimit`; the containers' memory limits bound it, so a full `/dev/shm` ends in an OOM kill rather than an eviction that names the volume",
                            w.kind(),
                            w.object.name_text()
                        ),
                    )
                    .severity(crate::diagnostic::Severity::Info)
                    .help("add `sizeLimit:` to the `emptyDir`");
                    continue;
                }
                out.report(
                    &Self::META,
                    medium.span,
                    format!(
                        "volume `{name}` of {} `{}` is RAM with no `sizeLimit`: what is written there counts as the pod's memory until it is killed",
                        w.kind(),
                        w.object.name_text()
                    ),
                )
                .help("add `sizeLimit:` to the `emptyDir`");
            }
        }
    }
}
