//! Compresses the two large catalog tables into OUT_DIR so the binary embeds ~150 KB instead of
//! ~770 KB; `src/catalog` inflates each once, on first use. The committed TSV files stay the
//! reviewable source of truth (and what `scripts/gen_catalog.py` writes).

use std::path::PathBuf;

const TABLES: &[(&str, &str)] = &[
    ("data/catalog/actions.tsv", "actions.tsv.deflate"),
    ("data/catalog/managed-policies.tsv", "managed-policies.tsv.deflate"),
];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    for (src, dst) in TABLES {
        println!("cargo::rerun-if-changed={src}");
        // Build scripts may fail loudly: these are the repository's own files.
        let data = std::fs::read(src).unwrap_or_else(|e| panic!("cannot read {src}: {e}"));
        let packed = miniz_oxide::deflate::compress_to_vec(&data, 9);
        std::fs::write(out.join(dst), packed).unwrap_or_else(|e| panic!("cannot write {dst}: {e}"));
    }
}
