//! Writes the catalog's tables into OUT_DIR: the action table parsed, sorted and indexed as
//! Rust statics (`src/catalog/table.rs`), so a run starts without parsing it. The committed TSV
//! files stay the reviewable source of truth (and what `scripts/gen_catalog.py` writes).

use std::path::PathBuf;

#[path = "src/catalog/hash.rs"]
mod hash;
#[path = "src/catalog/table.rs"]
mod table;

const ACTIONS: &str = "data/catalog/actions.tsv";

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    println!("cargo::rerun-if-changed={ACTIONS}");
    println!("cargo::rerun-if-changed=src/catalog/table.rs");
    println!("cargo::rerun-if-changed=src/catalog/hash.rs");
    // Build scripts may fail loudly: these are the repository's own files.
    let tsv = std::fs::read_to_string(ACTIONS).unwrap_or_else(|e| panic!("cannot read {ACTIONS}: {e}"));
    let (rs, text) =
        table::emit(&table::parse(&tsv), "actions-text.txt").unwrap_or_else(|e| panic!("{ACTIONS}: {e}"));
    for (name, data) in [("actions.rs", rs), ("actions-text.txt", text)] {
        std::fs::write(out.join(name), data).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
    }
}
