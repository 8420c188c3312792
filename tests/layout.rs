//! The crate's layout stays one-way: no two modules import each other, directly or through
//! others, at any level (`config` and `rules`, `input::terraform::eval` and its data sources).
//!
//! Reads the `crate::` paths of every non-test source file under `src/`; comment lines and
//! `#[cfg(test)]` modules do not count. An edge `a -> b` is drawn between the children of the two
//! paths' common parent, so `crate::input::terraform::policy` used from
//! `input::terraform::eval` is `eval -> policy` inside `input::terraform`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::manifest_dir;

type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// `src/input/terraform/eval.rs` -> `["input", "terraform", "eval"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The text that is not tests and not comments.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]")
            && lines.peek().is_some_and(|l| l.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if !t.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Every `crate::a::b` path in `code`, with grouped imports (`crate::{a, b::c}`) split.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|p| p.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
            .take_while(|p| !p.is_empty())
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            out.extend(inner.split(',').map(|p| ident(p.trim())).filter(|p| !p.is_empty()));
        } else {
            out.push(ident(rest));
        }
    }
    out
}

fn graph() -> Graph {
    let src = manifest_dir().join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src readable").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs")
                && p.file_name().is_some_and(|n| n != "tests.rs")
            {
                files.push(p);
            }
        }
    }
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(&src, f)).collect();
    let is_module = |p: &[String]| modules.contains(p);
    let mut g = Graph::new();
    for f in &files {
        let from = module_path(&src, f);
        let code = code_of(&std::fs::read_to_string(f).unwrap_or_default());
        for path in crate_paths(&code) {
            // The longest prefix that is a module: `crate::rules::Severity` is `rules`.
            let Some(len) = (1..=path.len()).rev().find(|&n| is_module(&path[..n])) else { continue };
            let to = &path[..len];
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            if common >= from.len() || common >= to.len() {
                continue; // a module using its own parent or child
            }
            g.entry(from[..=common].to_vec()).or_default().insert(to[..=common].to_vec());
        }
    }
    g
}

/// A cycle through `start`, if there is one (depth-first search).
fn cycle_from(g: &Graph, start: &Vec<String>) -> Option<Vec<String>> {
    let mut stack = vec![(start.clone(), vec![start.join("::")])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in g.get(&node).into_iter().flatten() {
            if next == start {
                let mut p = path.clone();
                p.push(start.join("::"));
                return Some(p);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.join("::"));
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_import_cycle_in_src() {
    let g = graph();
    assert!(g.len() > 10, "the module graph looks empty: {g:?}");
    let cycles: BTreeSet<String> =
        g.keys().filter_map(|n| cycle_from(&g, n)).map(|c| c.join(" -> ")).collect();
    assert!(
        cycles.is_empty(),
        "import cycles in src/:\n{}",
        cycles.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let mut g = Graph::new();
    let m = |s: &str| vec![s.to_string()];
    g.entry(m("a")).or_default().insert(m("b"));
    g.entry(m("b")).or_default().insert(m("a"));
    assert!(cycle_from(&g, &m("a")).is_some());
    assert_eq!(
        crate_paths("use crate::{a::B, c};"),
        vec![vec!["a".to_string(), "B".to_string()], vec!["c".into()]]
    );
}

#[test]
fn model_and_aws_are_plain() {
    // Facts and plain data depend on nothing that reasons, parses or reports.
    let g = graph();
    for low in ["aws", "model", "source", "diagnostic"] {
        let deps = g.get(&vec![low.to_string()]).cloned().unwrap_or_default();
        for d in deps {
            assert!(
                !["analysis", "input", "rules", "report", "commands", "engine", "verify"]
                    .contains(&d[0].as_str()),
                "{low} imports {}",
                d.join("::")
            );
        }
    }
}
