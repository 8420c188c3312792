//! PATH (or a fetched policy text) -> one unit, and the role or trust policy in it that the
//! simulation asks about.

use std::path::{Path, PathBuf};

use crate::config::Settings;
use crate::discover::{self, FileClass};
use crate::input::{self, InputOptions};
use crate::model::{PolicyKind, Unit};
use crate::source::SourceMap;

/// One parsed input with the sources its spans point into.
pub struct Loaded {
    pub sources: SourceMap,
    pub unit: Unit,
}

/// The trust policy asked about.
#[derive(Debug, Clone)]
pub struct Target {
    /// Index into `unit.policies`.
    pub policy: usize,
    /// Index into `unit.roles`, when the policy belongs to a role.
    pub role: Option<usize>,
    /// `aws_iam_role.spacelift`, `role/name`, or the file name for a lone policy.
    pub subject: String,
}

/// How many candidates an error message lists before "...".
const LIST_MAX: usize = 10;

/// Reads PATH: one JSON file, or one Terraform module (a directory or a file of it).
pub fn load_path(path: &Path, settings: &Settings) -> Result<Loaded, String> {
    let found = discover::discover(&[path.to_path_buf()]).map_err(|e| e.to_string())?;
    let json: Vec<_> = found.files.iter().filter(|d| d.class == FileClass::Json).collect();
    let mut dirs: Vec<PathBuf> = found
        .files
        .iter()
        .filter(|d| d.class != FileClass::Json)
        .map(|d| d.path.parent().map(PathBuf::from).unwrap_or_default())
        .collect();
    dirs.dedup();
    let named_json = json.iter().find(|d| d.explicit);
    let sources = SourceMap::new();
    let input = input_options(path, settings);
    let unit = if let Some(d) = named_json {
        let text = read_text(&d.path)?;
        let source = sources.add(d.display.clone(), d.path.clone(), text);
        input::json::parse_file(&source, &input, true)
            .ok_or_else(|| format!("{}: not a document trustlint reads", d.display))?
    } else if dirs.len() == 1 && json.is_empty() {
        let files: Vec<_> = found.files.iter().filter(|d| d.class != FileClass::Json).collect();
        let mut loaded = Vec::with_capacity(files.len());
        for f in &files {
            loaded.push(sources.add(f.display.clone(), f.path.clone(), read_text(&f.path)?));
        }
        let display = path.to_string_lossy().into_owned();
        input::terraform::parse_module(&display, dirs[0].clone(), &loaded, &sources, &input)
    } else if found.files.is_empty() {
        return Err(format!("{}: no policy JSON or Terraform files", path.display()));
    } else {
        let n = json.len() + dirs.len();
        return Err(format!(
            "{}: holds {n} inputs (JSON files and Terraform modules); name one file or module directory",
            path.display()
        ));
    };
    first_parse_failure(&sources, &unit)?;
    Ok(Loaded { sources, unit })
}

/// Reads a trust policy text fetched from IAM, reported under `name`.
pub fn load_text(name: &str, text: &str, settings: &Settings) -> Result<Loaded, String> {
    let sources = SourceMap::new();
    let source = sources.add(name.to_owned(), PathBuf::from(name), text.to_owned());
    let input = InputOptions { policy_kind: Some(PolicyKind::Trust), ..crate::input_options(settings) };
    let unit = input::json::parse_file(&source, &input, true)
        .ok_or_else(|| format!("{name}: not a policy document"))?;
    first_parse_failure(&sources, &unit)?;
    Ok(Loaded { sources, unit })
}

/// What the readers need; `file()` in Terraform may read inside PATH's directory, as in `check`.
fn input_options(path: &Path, settings: &Settings) -> InputOptions {
    let root = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(PathBuf::from).filter(|d| !d.as_os_str().is_empty()).unwrap_or_else(|| ".".into())
    };
    InputOptions {
        roots: input::terraform::files::canonical_roots(&[root]),
        ..crate::input_options(settings)
    }
}

/// A file that does not parse cannot be simulated: its first error, with file and position.
fn first_parse_failure(sources: &SourceMap, unit: &Unit) -> Result<(), String> {
    let Some(f) = unit.parse_failures.first() else { return Ok(()) };
    let at = match sources.get(f.span.src) {
        Some(src) => {
            let lc = src.line_col(f.span.start);
            format!("{}:{}:{}", src.name, lc.line, lc.column)
        }
        None => unit.name.clone(),
    };
    Err(format!("{at}: cannot parse {}: {}", f.what, f.message))
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The role named by `--role` (Terraform address, `role/<name>`, or the role name), else the
/// only role, else the only trust policy.
pub fn select(unit: &Unit, role: Option<&str>) -> Result<Target, String> {
    let subjects = || -> String {
        let mut list: Vec<&str> = unit.roles.iter().take(LIST_MAX).map(|r| r.subject.as_str()).collect();
        if unit.roles.len() > LIST_MAX {
            list.push("...");
        }
        list.join(", ")
    };
    let index = match role {
        Some(want) => {
            let found = unit.roles.iter().position(|r| {
                r.subject == want || r.name == want || want.strip_prefix("role/") == Some(r.name.as_str())
            });
            match found {
                Some(i) => Some(i),
                None if unit.roles.is_empty() => {
                    return Err(format!("--role {want}: {} defines no roles", unit.name));
                }
                None => {
                    return Err(format!(
                        "--role {want}: no such role in {} (roles: {})",
                        unit.name,
                        subjects()
                    ));
                }
            }
        }
        None if unit.roles.len() == 1 => Some(0),
        None if unit.roles.len() > 1 => {
            return Err(format!(
                "{} defines {} roles; pick one with --role (roles: {})",
                unit.name,
                unit.roles.len(),
                subjects()
            ));
        }
        None => None,
    };
    if let Some(i) = index {
        let r = &unit.roles[i];
        let policy = r
            .trust
            .filter(|&p| p < unit.policies.len())
            .ok_or_else(|| format!("role {} has no trust policy that trustlint can read", r.subject))?;
        return Ok(Target { policy, role: Some(i), subject: r.subject.clone() });
    }
    let trust: Vec<usize> =
        (0..unit.policies.len()).filter(|&i| unit.policies[i].kind == PolicyKind::Trust).collect();
    match trust.as_slice() {
        [p] => Ok(Target { policy: *p, role: None, subject: unit.name.clone() }),
        [] => Err(format!(
            "{}: no trust policy (a policy with `Principal` and an sts:AssumeRole action)",
            unit.name
        )),
        _ => Err(format!("{}: holds {} trust policies; name the role with --role", unit.name, trust.len())),
    }
}
