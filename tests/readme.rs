//! The README's rule table is generated from the registry; this test fails when it is stale.
//! Regenerate with `TRUSTLINT_BLESS=1 cargo test --test readme`.

mod common;

use common::manifest_dir;

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

fn table() -> String {
    let mut rules = trustlint::rule_set(None).expect("rules load");
    rules.sort_by_key(|r| r.meta().code);
    let mut t = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for r in &rules {
        let m = r.meta();
        t.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            m.code,
            m.name,
            m.severity,
            m.summary.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_rule_table_is_current() {
    let path = manifest_dir().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} / {END} markers");
    };
    let current = &readme[start + START.len()..end];
    let wanted = format!("\n{}", table());
    if current != wanted {
        if std::env::var_os("TRUSTLINT_BLESS").is_some() {
            let updated = format!("{}{}{}{}", &readme[..start + START.len()], wanted, "", &readme[end..]);
            std::fs::write(&path, updated).expect("write README.md");
            return;
        }
        panic!("README rule table is stale: run TRUSTLINT_BLESS=1 cargo test --test readme");
    }
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
