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
    } else {
        None
    }
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

pub fn discover(paths: &[PathBuf]) -> Result<Vec<Discovered>, Error> {
    let mut out = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| Error::Path { path: root.clone(), source: e })?;
        if meta.is_file() {
            // A named file is read whatever its extension; JSON is the fallback.
            let class = classify(root).unwrap_or(FileClass::Json);
            out.push(Discovered { display: display(root), path: root.clone(), class, explicit: true });
            continue;
        }
        let walker =
            ignore::WalkBuilder::new(root).require_git(false).sort_by_file_name(|a, b| a.cmp(b)).build();
        for entry in walker {
            let entry = entry.map_err(|e| Error::Walk { path: root.clone(), message: e.to_string() })?;
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.path();
            if let Some(class) = classify(path) {
                out.push(Discovered {
                    display: display(path),
                    path: path.to_path_buf(),
                    class,
                    explicit: false,
                });
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}
