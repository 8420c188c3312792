//! Findings that a Terraform variable's default decided say so: "with the default of
//! var.x" (a caller, tfvars or `--var` may set another value), or "when var.x is left unset"
//! for a `default = null`.

use crate::diagnostic::Finding;
use crate::model::Unit;
use crate::model::terraform::{DefaultOrigin, DefaultUse};
use crate::source::Span;

/// Rules whose findings hold for every value of the variable's type (a type error): a default
/// does not decide them.
const TYPE_ONLY: &[&str] = &["TL406"];

/// Variables named in one message at most; the rest are counted.
const MAX_NAMED: usize = 3;

/// Appends to each finding the defaults its value came from.
pub fn note_defaults(unit: &Unit, findings: &mut [Finding]) {
    if unit.defaults.is_empty() {
        return;
    }
    let statements: Vec<Span> =
        unit.policies.iter().flat_map(|p| p.statements.iter().map(|s| s.span)).collect();
    for f in findings.iter_mut().filter(|f| !TYPE_ONLY.contains(&f.code)) {
        let uses: Vec<&DefaultUse> =
            unit.defaults.iter().filter(|u| of_instance(u, f.subject.as_deref())).collect();
        let origins = deciding(&uses, &statements, f.span);
        if let Some(words) = describe(&origins) {
            f.message = format!("{}, {words}", f.message).into();
        }
    }
}

/// The words for the defaults that decided the values at `spans` ("with the default of
/// var.x"), for a rule whose message names a value its finding does not point at.
pub fn words_for(unit: &Unit, spans: &[Span]) -> Option<String> {
    let mut origins: Vec<&DefaultOrigin> = Vec::new();
    for at in spans {
        for o in deciding(&unit.defaults.iter().collect::<Vec<_>>(), &[], *at) {
            if !origins.contains(&o) {
                origins.push(o);
            }
        }
    }
    describe(&origins)
}

/// A use recorded in module instance `within` decides only findings of that instance.
fn of_instance(u: &DefaultUse, subject: Option<&str>) -> bool {
    match subject {
        Some(subject) if !u.within.is_empty() => {
            subject.strip_prefix(u.within.as_str()).is_some_and(|rest| rest.starts_with('.'))
        }
        _ => true,
    }
}

/// `inner` lies inside `outer`. An empty `inner` (a finding at a point, such as the empty
/// document of `default = ""`) counts only strictly inside, so a span that stands for "nowhere"
/// (`0..0`) is inside nothing.
fn contains(outer: Span, inner: Span) -> bool {
    let nonempty = inner.end > inner.start || inner.start > outer.start;
    outer.src == inner.src && outer.start <= inner.start && inner.end <= outer.end && nonempty
}

/// The defaults that decided the value a finding points at. A finding on a whole statement or
/// document is about its structure, not about the values written inside it.
fn deciding<'u>(uses: &[&'u DefaultUse], statements: &[Span], at: Span) -> Vec<&'u DefaultOrigin> {
    let structural = statements.iter().any(|s| contains(at, *s));
    let mut out: Vec<&DefaultOrigin> = Vec::new();
    for u in uses {
        let hit = if u.scope { contains(u.span, at) } else { !structural && contains(at, u.span) };
        if hit && !out.contains(&&u.origin) {
            out.push(&u.origin);
        }
    }
    out
}

/// "with the default of var.a", "with the defaults of var.a and var.b", "when var.c is left
/// unset"; `None` when no default decided the finding.
fn describe(origins: &[&DefaultOrigin]) -> Option<String> {
    let defaults: Vec<&str> = origins.iter().filter(|o| !o.unset).map(|o| o.variable.as_str()).collect();
    let unset: Vec<&str> = origins.iter().filter(|o| o.unset).map(|o| o.variable.as_str()).collect();
    let mut parts = Vec::new();
    if !defaults.is_empty() {
        let noun = if defaults.len() == 1 { "default" } else { "defaults" };
        parts.push(format!("with the {noun} of {}", list(&defaults)));
    }
    if !unset.is_empty() {
        let verb = if unset.len() == 1 { "is" } else { "are" };
        parts.push(format!("when {} {verb} left unset", list(&unset)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `a`, `a and b`, `a, b and c`, `a, b, c and 2 more`.
fn list(names: &[&str]) -> String {
    match names {
        [one] => (*one).to_string(),
        _ if names.len() > MAX_NAMED => {
            format!("{} and {} more", names[..MAX_NAMED].join(", "), names.len() - MAX_NAMED)
        }
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn origin(v: &str, unset: bool) -> DefaultOrigin {
        DefaultOrigin { variable: v.into(), unset }
    }

    #[test]
    fn names_defaults_and_unset_inputs() {
        let (a, b, c) = (origin("var.a", false), origin("var.b", false), origin("var.c", true));
        assert_eq!(describe(&[&a]).as_deref(), Some("with the default of var.a"));
        assert_eq!(describe(&[&a, &b]).as_deref(), Some("with the defaults of var.a and var.b"));
        assert_eq!(
            describe(&[&a, &c]).as_deref(),
            Some("with the default of var.a, when var.c is left unset")
        );
        assert_eq!(describe(&[]), None);
        assert_eq!(list(&["a", "b", "c", "d", "e"]), "a, b, c and 2 more");
    }

    #[test]
    fn a_value_inside_the_finding_decides_it_a_statement_does_not() {
        let s = |a, b| Span::new(SourceId(1), a, b);
        let within = String::new();
        let used = DefaultUse { span: s(10, 15), origin: origin("var.a", false), scope: false, within };
        let uses = vec![&used];
        assert_eq!(deciding(&uses, &[], s(5, 20)).len(), 1);
        assert!(deciding(&uses, &[], s(16, 20)).is_empty());
        // The finding is on the whole statement holding the value: about its structure.
        assert!(deciding(&uses, &[s(0, 30)], s(0, 30)).is_empty());
        let within = String::new();
        let scoped = DefaultUse { span: s(0, 40), origin: origin("var.b", true), scope: true, within };
        assert_eq!(deciding(&[&scoped], &[s(0, 30)], s(5, 8)).len(), 1);
        // A finding at a point inside the default (`default = ""` is an empty document).
        assert_eq!(deciding(&[&scoped], &[], s(5, 5)).len(), 1);
        assert!(deciding(&[&scoped], &[], s(0, 0)).is_empty());
    }

    #[test]
    fn a_use_in_one_module_instance_decides_only_its_findings() {
        let span = Span::new(SourceId(1), 0, 4);
        let u = DefaultUse { span, origin: origin("var.a", false), scope: false, within: "module.a".into() };
        assert!(of_instance(&u, Some("module.a.aws_iam_role.r")));
        assert!(!of_instance(&u, Some("module.ab.aws_iam_role.r")));
        assert!(!of_instance(&u, Some("module.b.aws_iam_role.r")));
        assert!(of_instance(&u, None));
    }
}
