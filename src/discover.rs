//! Finding the files to lint: named files always, directories walked with .gitignore honoured.

use std::path::{Path, PathBuf};

use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileClass {
    /// `*.json`: a policy, a plan or an authorization-details dump (decided by content).
    Json,
    /// `*.tf`
    Terraform,
    /// `*.tf.json`
    TerraformJson,
    /// An AWS shared config or credentials file (`config`, `credentials`, `*.aws-config`, or any
    /// file in `.aws/`); read only if its content is one (or it was named).
    AwsConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Discovered {
    /// As the user would write it: relative paths stay relative.
    pub display: String,
    pub path: PathBuf,
    pub class: FileClass,
    /// Named on the command line (so it is read even if it does not look like ours).
    pub explicit: bool,
}

pub fn classify(path: &Path) -> Option<FileClass> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".tf.json") {
        Some(FileClass::TerraformJson)
    } else if name.ends_with(".tf") {
        Some(FileClass::Terraform)
    } else if name.ends_with(".json") {
        Some(FileClass::Json)
    } else if name == "config"
        || name == "credentials"
        || name.ends_with(".aws-config")
        || path.parent().and_then(Path::file_name).is_some_and(|d| d == ".aws")
    {
        Some(FileClass::AwsConfig)
    } else {
        None
    }
}

/// Hidden files and directories are skipped when walking, except `.aws/` (shared config files
/// committed into a repository are what TL605 is for).
fn walked(entry: &ignore::DirEntry) -> bool {
    entry.depth() == 0 || entry.file_name() == ".aws" || !entry.file_name().to_string_lossy().starts_with('.')
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// A path that could not be listed during a walk (an unreadable directory, a vanished entry):
/// reported as a finding, and the walk goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub display: String,
    pub path: PathBuf,
    pub message: String,
}

/// What a walk found: the files to read and the paths it could not list.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    pub problems: Vec<Problem>,
}

/// Files to lint under `paths`. Only a named path that does not exist is an error (a usage
/// mistake); anything unreadable below it is a [`Problem`].
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, Error> {
    discover_open(paths, &|_| false)
}

/// [`discover`], for an editor: a named path that is not on disk but `open` (an unsaved buffer)
/// is a named file, and a Terraform one brings its module's files.
pub fn discover_open(paths: &[PathBuf], open: &dyn Fn(&Path) -> bool) -> Result<Discovery, Error> {
    let mut found = Discovery::default();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Err(_) if open(root) => None,
            meta => Some(meta.map_err(|e| Error::Path { path: root.clone(), source: e })?),
        };
        if !meta.as_ref().is_some_and(|m| m.is_dir()) {
            // A named file is read whatever its extension (JSON is the fallback), and so is a
            // FIFO, a character device or `/dev/stdin`: the user asked for it.
            let class = classify(root).unwrap_or(FileClass::Json);
            found.files.push(Discovered {
                display: display(root),
                path: root.clone(),
                class,
                explicit: true,
            });
            let file = meta.as_ref().is_none_or(|m| m.is_file());
            if file && matches!(class, FileClass::Terraform | FileClass::TerraformJson) {
                // A Terraform file is only meaningful with its module: read the whole directory
                // (pre-commit passes just the changed files).
                module_siblings(root, &mut found);
            }
            continue;
        }
        walk(root, &mut found);
    }
    let out = &mut found.files;
    out.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    // Keep one entry per file; a file named on the command line stays explicit.
    out.dedup_by(|a, b| a.path == b.path);
    out.sort();
    found.problems.sort();
    found.problems.dedup();
    Ok(found)
}

/// Walks a directory (a directory named `x.json` too) with `.gitignore` honoured. Only regular
/// files are read: a FIFO or device met during a walk would block or never end. Symbolic links
/// are not followed, so a walk never leaves its root.
fn walk(root: &Path, found: &mut Discovery) {
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .hidden(false)
        .filter_entry(walked)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.problems.push(walk_problem(root, &e));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if let Some(class) = classify(path) {
            found.files.push(Discovered {
                display: display(path),
                path: path.to_path_buf(),
                class,
                explicit: false,
            });
        }
    }
}

/// The path and OS error inside an `ignore` error (which nests them in several ways).
fn walk_problem(root: &Path, e: &ignore::Error) -> Problem {
    let mut err = e;
    let mut path = None;
    loop {
        match err {
            ignore::Error::WithPath { path: p, err: inner } => {
                path.get_or_insert_with(|| p.clone());
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => {
                err = inner;
            }
            _ => break,
        }
    }
    let path = path.unwrap_or_else(|| root.to_path_buf());
    let message = match err {
        ignore::Error::Io(io) => format!("cannot read the directory: {io}"),
        ignore::Error::Loop { child, .. } => format!("file system loop at {}", child.display()),
        other => format!("cannot walk the directory: {other}"),
    };
    Problem { display: display(&path), path, message }
}

/// Every `*.tf` / `*.tf.json` in the directory of the named Terraform file `file`.
fn module_siblings(file: &Path, found: &mut Discovery) {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            let message = format!("cannot read the directory: {e}");
            found.problems.push(Problem { display: display(&dir), path: dir, message });
            return;
        }
    };
    let mut siblings: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    siblings.sort();
    for path in siblings {
        // `read_dir` on `.` yields `./x.tf`; name it as the user named the directory.
        let path = if file.parent().is_none_or(|p| p.as_os_str().is_empty()) {
            path.strip_prefix(".").map(Path::to_path_buf).unwrap_or(path)
        } else {
            path
        };
        let class = classify(&path);
        // Regular files only, links not followed: as in a walk, the module never reaches out.
        let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        if matches!(class, Some(FileClass::Terraform | FileClass::TerraformJson)) && regular {
            found.files.push(Discovered {
                display: display(&path),
                path,
                class: class.unwrap_or(FileClass::Terraform),
                explicit: false,
            });
        }
    }
}

/// The Terraform module directories among discovered files (each read as one unit), sorted.
pub fn terraform_modules(found: &[Discovered]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = found
        .iter()
        .filter(|d| matches!(d.class, FileClass::Terraform | FileClass::TerraformJson))
        .map(|d| d.path.parent().map(Path::to_path_buf).unwrap_or_default())
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_reads_dot_aws_and_skips_other_hidden_directories() {
        let dir = tempfile::tempdir().unwrap();
        for d in [".aws", ".git", "team"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        for f in [".aws/config", ".aws/credentials", ".git/config", "team/dev.aws-config", ".hidden.json"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let found = discover(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> = found
            .files
            .iter()
            .map(|d| d.path.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [".aws/config", ".aws/credentials", "team/dev.aws-config"]);
        assert!(found.files.iter().all(|d| d.class == FileClass::AwsConfig));
    }

    #[test]
    fn named_tf_file_brings_its_module() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("mod");
        std::fs::create_dir(&m).unwrap();
        for f in ["main.tf", "iam.tf", "vars.tf.json", "policy.json"] {
            std::fs::write(m.join(f), "").unwrap();
        }
        let found = discover(&[m.join("main.tf"), m.join("iam.tf"), m.join("policy.json")]).unwrap().files;
        let names: Vec<(String, bool)> = found
            .iter()
            .map(|d| (d.path.file_name().unwrap().to_string_lossy().into_owned(), d.explicit))
            .collect();
        assert_eq!(
            names,
            [
                ("iam.tf".to_string(), true),
                ("main.tf".to_string(), true),
                ("policy.json".to_string(), true),
                ("vars.tf.json".to_string(), false),
            ]
        );
        assert_eq!(terraform_modules(&found), [m]);
    }
}
