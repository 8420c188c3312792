//! The analysis hot paths (`cargo bench`; figures are printed, never asserted). "cold" forgets
//! the answers and expansions remembered across rules and files before each iteration, so it
//! measures the searches themselves; "warm" is what every later rule and file pays.

use divan::{Bencher, black_box};
use trustlint::analysis::external_id::{Grammar, analyse};
use trustlint::analysis::reason::{Lang, PatternKind, VarMode, forget_answers};
use trustlint::catalog::catalog;
use trustlint::config::Settings;
use trustlint::{RuleSet, lint_text};

fn main() {
    divan::main();
}

fn grammar() -> Grammar {
    Grammar::spacelift().expect("the documented grammar builds")
}

fn like(values: &[String]) -> Lang {
    Lang::patterns(PatternKind::Like, values, VarMode::Literal).expect("valid patterns")
}

#[divan::bench(args = ["acme@*@app@*", "acme@*", "*@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-?@read"])]
fn external_id_analyse_cold(bencher: Bencher, pattern: &str) {
    let g = grammar();
    let lang = like(&[pattern.to_string()]);
    bencher.bench_local(|| {
        forget_answers();
        black_box(analyse(&lang, &g).is_ok())
    });
}

#[divan::bench]
fn external_id_analyse_warm(bencher: Bencher) {
    let g = grammar();
    let lang = like(&["acme@*@app@*".to_string()]);
    bencher.bench_local(|| black_box(analyse(&lang, &g).is_ok()));
}

/// A product of one condition's 20 wildcard values with the current id format.
#[divan::bench]
fn product_search_20_values(bencher: Bencher) {
    let g = grammar();
    let values: Vec<String> = (0..20).map(|j| format!("acme@*@stack-{j}@*")).collect();
    let lang = like(&values);
    let current = lang.and(g.language(trustlint::analysis::external_id::Format::Current));
    bencher.bench_local(|| {
        forget_answers();
        black_box(current.shortest_witness().is_ok())
    });
}

#[divan::bench(args = ["s3:Get*", "ec2:Describe*", "*"])]
fn catalog_expand_cold(bencher: Bencher, pattern: &str) {
    bencher.bench_local(|| {
        catalog().forget_expansions();
        black_box(catalog().expanded(pattern).len())
    });
}

const TRUST: &str = include_str!("../examples/spacelift-trust.json");

#[divan::bench(args = [false, true])]
fn one_trust_policy_end_to_end(bencher: Bencher, warm: bool) {
    let rules = RuleSet::load(None).expect("built-in rules load");
    let settings = Settings::default();
    bencher.bench_local(|| {
        if !warm {
            forget_answers();
        }
        black_box(lint_text("trust.json", TRUST, &settings, &rules).0.len())
    });
}
