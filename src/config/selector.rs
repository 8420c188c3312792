//! Rule selectors (`TL101`, `missing-external-id`, `TL1`, `ALL`) as `--select`, `--ignore`,
//! `lint.select` and suppressions write them.

/// Does a `--select`/`--ignore` entry (code, name, code prefix, or `ALL`) match this rule?
pub fn selector_matches(code: &str, name: &str, selector: &str) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s.eq_ignore_ascii_case(name)
        || (!s.is_empty() && code.to_ascii_uppercase().starts_with(&s.to_ascii_uppercase()))
}
