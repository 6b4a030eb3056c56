//! Which bind mounts of a service put the project's source over the
//! image's code (`.:/app`, `./src:/app/src`): DC012 reports them, and a
//! service that builds an intermediate stage with one runs its checkout
//! with live editing — a development set-up, whatever file it is in.
//! (What a source folder is and where an image keeps its code are the
//! parser's: `crate::parse::source_mounts`.)

use crate::parse::compose::{Service, Volume};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::source_mounts::{code_and_data, data_folder, is_source_folder, within};

/// The bind mounts of a service that builds its image which put a folder
/// of the project over the image's code. Without the Dockerfile (not in
/// the run), every source folder counts.
pub fn over_code(s: &Service<'_>, dockerfile: Option<&Dockerfile>) -> Vec<Volume> {
    if s.get("build").is_none() {
        return Vec::new();
    }
    let target = s.build_target();
    let layout = dockerfile.map(|df| code_and_data(df, target));
    // An image that keeps no code of its own runs what is mounted from
    // the folder it is built from.
    let bare = layout.as_ref().is_some_and(|(code, _)| code.is_empty());
    s.volumes()
        .into_iter()
        .filter(|v| {
            let Some(source) = v.source.as_deref() else {
                return false;
            };
            if !v.bind || !is_source_folder(source) || data_folder(source) {
                return false;
            }
            let target = v.target.trim_end_matches('/');
            match &layout {
                // The Dockerfile says where its code is.
                Some((code, data)) => {
                    !data.iter().any(|d| within(target, d))
                        && (code.iter().any(|c| within(c, target) || within(target, c))
                            || (bare && crate::parse::source_mounts::is_build_context(s, source)))
                }
                None => true,
            }
        })
        .collect()
}

/// The service builds a stage of its Dockerfile that is not the last one
/// (`target: builder`) and mounts the checkout over that stage's code: it
/// runs the build stage with live editing, a development set-up. (A
/// production file that mounts the source over the image it ships is
/// what DC012 reports; the mount alone does not make it development.)
pub fn live_edited(s: &Service<'_>, dockerfile: Option<&Dockerfile>) -> bool {
    let Some(df) = dockerfile else {
        return false;
    };
    let Some(target) = s.build_target() else {
        return false;
    };
    let named = |st: &crate::parse::dockerfile::Stage| {
        st.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(target))
    };
    let intermediate = df.stages.iter().any(named) && !df.stages.last().is_some_and(named);
    intermediate && !over_code(s, dockerfile).is_empty()
}
