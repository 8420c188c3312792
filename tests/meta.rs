//! The rule catalog checks itself: codes and names, docs, fixtures, message style.

mod common;

use std::collections::HashSet;

use common::{fixture_dirs, fixture_settings, manifest_dir};
use trustlint::{CheckOptions, check, rule_set};

const SECTIONS: &[&str] =
    &["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"];

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let rules = rule_set(None).expect("rules load");
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in &rules {
        let m = r.meta();
        assert!(codes.insert(m.code), "duplicate code {}", m.code);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(
            m.code.len() == 5 && m.code.starts_with("TL") && m.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "bad code {}",
            m.code
        );
        assert!(
            m.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "name {} is not kebab-case",
            m.name
        );
    }
}

#[test]
fn every_rule_has_its_doc_sections_in_order() {
    for r in rule_set(None).expect("rules load") {
        let m = r.meta();
        let docs = m.docs_text();
        let mut last = 0;
        for s in SECTIONS {
            let pos = docs.find(s).unwrap_or_else(|| panic!("{} docs lack `{s}`", m.code));
            assert!(pos >= last, "{} docs: `{s}` out of order", m.code);
            last = pos;
        }
        assert!(docs.contains("https://"), "{} references no public page", m.code);
    }
}

#[test]
fn every_rule_has_good_and_bad_fixtures() {
    let fixtures = fixture_dirs();
    for r in rule_set(None).expect("rules load") {
        let m = r.meta();
        let fx = fixtures
            .iter()
            .find(|f| f.code == m.code)
            .unwrap_or_else(|| panic!("no fixtures/{}-{}/", m.code, m.name));
        assert_eq!(fx.name, m.name, "fixture directory of {} is named after another rule", m.code);
        assert!(!fx.bad.is_empty(), "{} has no bad fixture", m.code);
        assert!(!fx.good.is_empty(), "{} has no good fixture", m.code);
    }
}

#[test]
fn messages_follow_the_style() {
    for fx in fixture_dirs() {
        let settings = fixture_settings(&fx.dir);
        for entry in &fx.bad {
            let opts =
                CheckOptions { paths: vec![entry.clone()], settings: settings.clone(), ..Default::default() };
            let report = check(&opts).expect("check runs");
            for f in &report.findings {
                let first = f.message.chars().next().unwrap_or(' ');
                assert!(!first.is_uppercase(), "{}: message starts uppercase: {}", f.code, f.message);
                assert!(!f.message.ends_with('.'), "{}: message ends with a period: {}", f.code, f.message);
                assert!(f.help.is_some(), "{}: finding without help: {}", f.code, f.message);
            }
        }
    }
}

#[test]
fn every_shipped_declarative_rule_is_embedded() {
    let mut on_disk: Vec<String> = std::fs::read_dir(manifest_dir().join("rules"))
        .expect("rules/ exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> =
        trustlint::declarative::EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "rules/*.toml and declarative::EMBEDDED differ");
}

/// Every `declare_rule!` in `src/rules/` is in the registry: a rule file that is written but not
/// listed would never run, and nothing else would notice.
#[test]
fn every_rule_file_is_registered() {
    let registered: HashSet<&str> =
        rule_set(None).expect("rules load").iter().map(|r| r.meta().code).collect();
    let mut stack = vec![manifest_dir().join("src/rules")];
    let mut declared = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/rules readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let Some(at) = text.find("declare_rule! {") else { continue };
            let code = text[at..]
                .split("code: \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("{}: declare_rule! without a code", path.display()));
            declared += 1;
            assert!(
                registered.contains(code),
                "{} declares {code}, which src/rules/registry.rs does not list",
                path.display()
            );
        }
    }
    assert!(declared >= 40, "found only {declared} rule files");
}
