//! Why a policy-valued expression is unknown: the first part of it that the evaluator could not
//! resolve, named the way a user wrote it (`var.policy (no default)`, `module.x.json`). Feeds
//! `check --policy-places` and the coverage script; never a finding.

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::template::Element;

use crate::input::terraform::eval::Eval;
use crate::source::SourceId;

/// A short reason for an expression that evaluates to unknown.
pub fn reason(ev: &mut Eval, expr: &Expression, src: SourceId) -> String {
    first_unknown(ev, expr, src, 0).unwrap_or_else(|| "an expression trustlint does not evaluate".into())
}

fn first_unknown(ev: &mut Eval, expr: &Expression, src: SourceId, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let d = depth + 1;
    match expr {
        Expression::Traversal(t) => {
            if let Expression::Variable(_) = &t.expr {
                return ev.eval(expr, src).is_unknown().then(|| describe(ev, t));
            }
            first_unknown(ev, &t.expr, src, d)
        }
        Expression::Variable(v) => Some(format!("`{}` (not a value trustlint knows here)", v.as_str())),
        Expression::FuncCall(f) => {
            for a in f.args.iter() {
                if let Some(r) = first_unknown(ev, a, src, d) {
                    return Some(r);
                }
            }
            ev.eval(expr, src).is_unknown().then(|| format!("function {}()", f.name.name.as_str()))
        }
        Expression::Conditional(c) => first_unknown(ev, &c.cond_expr, src, d)
            .or_else(|| first_unknown(ev, &c.true_expr, src, d))
            .or_else(|| first_unknown(ev, &c.false_expr, src, d)),
        Expression::Parenthesis(p) => first_unknown(ev, p.inner(), src, d),
        Expression::StringTemplate(t) => template(ev, t.iter(), src, d),
        Expression::HeredocTemplate(h) => template(ev, h.template.iter(), src, d),
        Expression::Array(items) => items.iter().find_map(|e| first_unknown(ev, e, src, d)),
        Expression::Object(o) => o.iter().find_map(|(_, v)| first_unknown(ev, v.expr(), src, d)),
        Expression::ForExpr(_) => Some("a `for` expression".into()),
        _ => None,
    }
}

fn template<'t>(
    ev: &mut Eval,
    elements: impl Iterator<Item = &'t Element>,
    src: SourceId,
    depth: usize,
) -> Option<String> {
    for el in elements {
        match el {
            Element::Interpolation(i) => {
                if let Some(r) = first_unknown(ev, &i.expr, src, depth) {
                    return Some(r);
                }
            }
            Element::Directive(_) => return Some("a template directive (`%{...}`)".into()),
            Element::Literal(_) => {}
        }
    }
    None
}

/// `var.x (no default)`, `module.m.out (module output)`, `aws_x.y.arn (known after apply)`.
fn describe(ev: &Eval, t: &hcl_edit::expr::Traversal) -> String {
    let Expression::Variable(root) = &t.expr else { return "an expression".into() };
    let mut parts = vec![root.as_str().to_string()];
    for op in t.operators.iter() {
        match op.value() {
            TraversalOperator::GetAttr(a) => parts.push(a.as_str().to_string()),
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => parts.push("[..]".into()),
            _ => parts.push("*".into()),
        }
    }
    let text = parts.join(".").replace(".[..]", "[..]");
    let module = ev.module;
    let why = match parts[0].as_str() {
        // No default, or `default = null` (an optional input): the caller decides.
        "var"
            if parts.len() > 1
                && module.variable_value(&parts[1]).is_none_or(|(_, e)| matches!(e, Expression::Null(_))) =>
        {
            "input variable without a default"
        }
        "var" => "input variable",
        "local" => "local value",
        "module" => "module output",
        "data" if parts.get(1).is_some_and(|t| t == "aws_iam_policy_document") => "policy document not built",
        "data" => "data source attribute known to the provider",
        "each" | "count" => "repetition key",
        "path" | "terraform" | "self" => "Terraform context",
        ty if module.resources.iter().any(|r| r.ty == ty) => "resource attribute known after apply",
        _ => "iterator of a dynamic block or `for` expression",
    };
    format!("{text} ({why})")
}
