//! Repository-relative report paths. Findings carry paths as the user named them (relative to the
//! current directory, maybe `../x`); code scanning, GitHub annotations and GitLab resolve paths
//! against the repository root, so those formats rebase them onto `--root` or the git work tree.

use std::path::{Component, Path, PathBuf};

/// The directory report paths are made relative to, and the directory they are relative to now.
#[derive(Debug, Clone)]
pub struct Rebase {
    pub root: PathBuf,
    pub cwd: PathBuf,
}

impl Rebase {
    /// `--root` when given (relative to the current directory), else the nearest directory upward
    /// holding `.git` (a directory, or a file in worktrees and submodules), else the current one.
    pub fn detect(root: Option<&Path>) -> Rebase {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = match root {
            Some(r) => normalise(&cwd.join(r)),
            None => git_root(&cwd).unwrap_or_else(|| cwd.clone()),
        };
        Rebase { root, cwd }
    }

    /// The report path relative to the root with `/` separators, or `None` when it lies outside
    /// the root (or is not a file path, such as `-`).
    pub fn relative(&self, path: &str) -> Option<String> {
        if path.is_empty() || path == "-" {
            return None;
        }
        let abs = normalise(&self.cwd.join(path.replace('\\', "/")));
        let rel = abs.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// The root-relative path where there is one, else the path as reported.
    pub fn display(&self, path: &str) -> String {
        self.relative(path).unwrap_or_else(|| path.to_string())
    }
}

fn git_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// Resolves `.` and `..` lexically: report paths need not exist (standard input names) and
/// symlinks should keep the name the user sees.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebase(root: &str, cwd: &str) -> Rebase {
        Rebase { root: PathBuf::from(root), cwd: PathBuf::from(cwd) }
    }

    #[test]
    fn paths_from_a_subdirectory_are_rebased_onto_the_root() {
        let r = rebase("/repo", "/repo/infra");
        assert_eq!(r.relative("../examples/a.json").as_deref(), Some("examples/a.json"));
        assert_eq!(r.relative("./main.tf").as_deref(), Some("infra/main.tf"));
        assert_eq!(r.relative("/repo/x/y.tf").as_deref(), Some("x/y.tf"));
    }

    #[test]
    fn paths_outside_the_root_and_stdin_have_no_relative_form() {
        let r = rebase("/repo", "/repo");
        assert_eq!(r.relative("../other/a.json"), None);
        assert_eq!(r.relative("-"), None);
        assert_eq!(r.display("-"), "-");
    }
}
