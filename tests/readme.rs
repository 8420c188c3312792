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
