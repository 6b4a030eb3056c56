//! Files and processes meant for development, by name: a server started
//! from them is not the production one.

use crate::paths::FastPath;
use std::path::Path;

/// A file meant for development: `*.dev.*`, `*-local.*`, an override.
pub fn is_dev_file(path: &Path) -> bool {
    let name = path
        .fast_file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.split(['.', '-', '_'])
        .any(|part| matches!(part, "dev" | "development" | "local" | "override" | "debug"))
}

/// A Procfile process that is for development.
pub fn is_dev_process(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "dev" | "develop" | "development" | "local" | "debug"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_files() {
        assert!(is_dev_file(Path::new("gunicorn.dev.conf.py")));
        assert!(is_dev_file(Path::new("Procfile.dev")));
        assert!(is_dev_file(Path::new("docker-compose.override.yml")));
        assert!(!is_dev_file(Path::new("gunicorn.conf.py")));
        assert!(!is_dev_file(Path::new("devices.service")));
    }
}
