//! The README's rule table is generated from the registry; this test fails when it is stale.
//! Regenerate with `TRUSTLINT_BLESS=1 cargo test --test readme`.

mod common;

use common::manifest_dir;

fn sorted_rules() -> Vec<Box<dyn trustlint::rules::Rule>> {
    let mut rules = trustlint::rule_set(None).expect("rules load");
    rules.sort_by_key(|r| r.meta().code);
    rules
}

fn table() -> String {
    let mut t = String::from("| code | name | severity | fix | summary |\n|---|---|---|---|---|\n");
    for r in &sorted_rules() {
        let m = r.meta();
        t.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            m.code,
            m.name,
            m.severity,
            m.fix.map_or("", |a| a.name()),
            m.summary.replace('|', "\\|")
        ));
    }
    t
}

/// The "Fixes" table: every fixable rule, its safety, and what its fix does (the first
/// paragraph of the rule's `## Fix` section).
fn fixes_table() -> String {
    let mut t = String::from("| code | name | safety | fix |\n|---|---|---|---|\n");
    for r in &sorted_rules() {
        let m = r.meta();
        let Some(a) = m.fix else { continue };
        let docs = m.docs_text();
        let section = docs.split("## Fix\n").nth(1).unwrap_or("");
        let what: Vec<&str> =
            section.lines().take_while(|l| !l.trim().is_empty() && !l.starts_with("## ")).collect();
        let what = what.join(" ");
        let what = what.strip_prefix("Safe: ").or_else(|| what.strip_prefix("Unsafe: ")).unwrap_or(&what);
        let mut chars = what.chars();
        let what: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
        t.push_str(&format!("| {} | `{}` | {a} | {} |\n", m.code, m.name, what.replace('|', "\\|")));
    }
    t
}

/// Checks (or with `TRUSTLINT_BLESS`, rewrites) the README text between two markers.
fn generated_block(start_marker: &str, end_marker: &str, wanted: &str) {
    let path = manifest_dir().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(start_marker), readme.find(end_marker)) else {
        panic!("README.md lacks the {start_marker} / {end_marker} markers");
    };
    let current = &readme[start + start_marker.len()..end];
    let wanted = format!("\n{wanted}");
    if current != wanted {
        if std::env::var_os("TRUSTLINT_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..start + start_marker.len()], wanted, &readme[end..]);
            std::fs::write(&path, updated).expect("write README.md");
            return;
        }
        panic!("README {start_marker} block is stale: run TRUSTLINT_BLESS=1 cargo test --test readme");
    }
}

/// One test for both tables: blessing rewrites README.md, which two parallel tests would race on.
#[test]
fn readme_rule_and_fix_tables_are_current() {
    generated_block("<!-- rules:start -->", "<!-- rules:end -->", &table());
    generated_block("<!-- fixes:start -->", "<!-- fixes:end -->", &fixes_table());
}

/// One page per rule under `docs/rules/`, the target of SARIF's `helpUri`.
#[test]
fn rule_pages_are_current() {
    let dir = manifest_dir().join("docs/rules");
    let bless = std::env::var_os("TRUSTLINT_BLESS").is_some();
    let rules = trustlint::rule_set(None).expect("rules load");
    let mut stale = Vec::new();
    let mut wanted_files = Vec::new();
    for r in &rules {
        let m = r.meta();
        let file = format!("{}.md", m.code);
        let path = dir.join(&file);
        let page = m.page();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).expect("mkdir docs/rules");
                std::fs::write(&path, &page).expect("write rule page");
            } else {
                stale.push(file.clone());
            }
        }
        wanted_files.push(file);
    }
    let on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    let extra: Vec<&String> =
        on_disk.iter().filter(|f| f.ends_with(".md") && !wanted_files.contains(f)).collect();
    assert!(extra.is_empty(), "docs/rules has pages of no rule: {extra:?}");
    assert!(
        stale.is_empty(),
        "docs/rules is stale ({stale:?}): run TRUSTLINT_BLESS=1 cargo test --test readme"
    );
}
