//! No input may panic: random and mutated documents go through the whole `check` pipeline
//! (parsers, every rule, every reporter). Mutations start from the shipped fixtures, so they reach
//! deep into the policy, Terraform and dump readers rather than failing at the first byte.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;
use trustlint::report::human::{HumanOptions, render_findings};
use trustlint::{CheckOptions, StdinInput, check};

fn seeds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for fx in common::fixture_dirs() {
        for entry in fx.bad.iter().chain(&fx.good) {
            let path = common::manifest_dir().join(entry);
            let files: Vec<PathBuf> = if path.is_dir() {
                std::fs::read_dir(&path)
                    .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                    .unwrap_or_default()
            } else {
                vec![path]
            };
            for f in files {
                if let Ok(text) = std::fs::read_to_string(&f) {
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("x.json").to_string();
                    out.push((name, text));
                }
            }
        }
    }
    out
}

/// Runs the pipeline on one in-memory file and renders the result; panics are the failure.
fn run(name: &str, text: &str) {
    let opts = CheckOptions {
        stdin: Some(StdinInput { name: name.to_string(), text: text.to_string() }),
        ..Default::default()
    };
    let report = check(&opts).expect("check never fails on file content");
    let mut out = Vec::new();
    render_findings(
        &mut out,
        &report.findings,
        &report.sources,
        &HumanOptions { color: false, width: 80, summary: false },
    )
    .expect("render");
    let _ = trustlint::report::json::render(&report.findings, &report.sources, report.files, report.policies);
    for f in &report.findings {
        assert!(f.span.start <= f.span.end, "{}: inverted span", f.code);
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match e {
            Edit::Delete(at, len) => {
                let at = at % n;
                let end = (at + len % 16).min(chars.len());
                chars.drain(at.min(chars.len())..end);
            }
            Edit::Insert(at, s) => {
                let at = (at % n).min(chars.len());
                for (i, c) in s.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
            Edit::Duplicate(at, len) => {
                let at = (at % n).min(chars.len());
                let end = (at + len % 32).min(chars.len());
                let piece: Vec<char> = chars[at..end].to_vec();
                for (i, c) in piece.into_iter().enumerate() {
                    chars.insert(end + i, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just("*".to_string()),
        Just("${".to_string()),
        Just("@".to_string()),
        Just("é☕".to_string()),
        Just("\\u0000".to_string()),
        Just("<<EOF\n".to_string()),
        "[a-zA-Z:@*?]{0,6}",
    ];
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Delete(a, l)),
        (any::<usize>(), token).prop_map(|(a, s)| Edit::Insert(a, s)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Duplicate(a, l)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(seed in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let (name, text) = &seeds[seed.index(seeds.len())];
        run(name, &apply(text, &edits));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", ext in prop_oneof![Just("a.json"), Just("main.tf"), Just("main.tf.json")]) {
        run(ext, &text);
    }
}
