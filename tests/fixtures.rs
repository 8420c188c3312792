//! `fixtures/<CODE>-<name>/bad/*` must each produce at least one finding of that rule, and
//! `good/*` none. A `.tf` file is checked on its own; a directory is a module (or a tree).

use std::path::{Path, PathBuf};

use trustlint::{CheckOptions, check};

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn codes(path: &Path) -> Vec<String> {
    let opts = CheckOptions { paths: vec![path.to_path_buf()], ..CheckOptions::default() };
    let report = check(&opts).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    report.findings.iter().map(|f| format!("{} {}", f.code, f.message)).collect()
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule_dir in entries(&root) {
        let Some(name) = rule_dir.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(code) = name.split('-').next() else { continue };
        let (bad, good) = (entries(&rule_dir.join("bad")), entries(&rule_dir.join("good")));
        if bad.is_empty() || good.is_empty() {
            failures.push(format!("{name}: needs at least one bad and one good fixture"));
        }
        for path in bad {
            checked += 1;
            let found = codes(&path);
            if !found.iter().any(|c| c.split(' ').next() == Some(code)) {
                failures.push(format!("{}: expected {code}, got {found:?}", path.display()));
            }
        }
        for path in good {
            checked += 1;
            let found = codes(&path);
            if found.iter().any(|c| c.split(' ').next() == Some(code)) {
                failures.push(format!("{}: unexpected {code}: {found:?}", path.display()));
            }
        }
    }
    assert!(checked > 0, "no fixtures found");
    assert!(failures.is_empty(), "fixture failures:\n{}", failures.join("\n"));
}
