//! Variable type constraints, for the one conversion that changes what a module's expressions
//! see: the `optional()` attributes of an object type. A value given without such an attribute
//! gets it, null or the default written in the type, as Terraform does; so
//! `statement.value.not_actions` of a `dynamic "statement"` over such objects is null (not set)
//! rather than a missing attribute, which would be unknown.
//!
//! Other conversions (a number to a string, a tuple to a list) do not change a policy's meaning
//! as trustlint reads it, and extra attributes Terraform would drop are never read, so both are
//! left as they are.

use hcl_edit::expr::{Expression, ObjectKey};

/// A type constraint, as far as optional attributes are concerned.
#[derive(Debug)]
pub enum Constraint<'a> {
    /// A primitive type, `any`, or something not understood: the value stays as it is.
    Leaf,
    /// `object({ name = TYPE, ... })`.
    Object(Vec<Attribute<'a>>),
    /// `list(T)`, `set(T)`, `map(T)`: every element has type `T`.
    Each(Box<Constraint<'a>>),
    /// `tuple([T1, T2, ...])`.
    Tuple(Vec<Constraint<'a>>),
}

#[derive(Debug)]
pub struct Attribute<'a> {
    pub name: String,
    pub ty: Constraint<'a>,
    /// `optional(TYPE)` or `optional(TYPE, DEFAULT)`.
    pub optional: bool,
    pub default: Option<&'a Expression>,
}

impl Constraint<'_> {
    /// Whether converting to this type can add an attribute (else the value is left alone).
    pub fn fills(&self) -> bool {
        match self {
            Constraint::Leaf => false,
            Constraint::Object(attrs) => attrs.iter().any(|a| a.optional || a.ty.fills()),
            Constraint::Each(t) => t.fills(),
            Constraint::Tuple(ts) => ts.iter().any(Constraint::fills),
        }
    }
}

/// Reads a `type = ...` expression. Depth is bounded by the parser's own nesting limit.
pub fn parse(expr: &Expression) -> Constraint<'_> {
    let Expression::FuncCall(f) = expr else { return Constraint::Leaf };
    if f.name.is_namespaced() {
        return Constraint::Leaf;
    }
    let args: Vec<&Expression> = f.args.iter().collect();
    match (f.name.name.as_str(), args.as_slice()) {
        ("list" | "set" | "map", [t]) => Constraint::Each(Box::new(parse(t))),
        ("tuple", [Expression::Array(items)]) => Constraint::Tuple(items.iter().map(parse).collect()),
        ("object", [Expression::Object(o)]) => {
            let attrs = o
                .iter()
                .filter_map(|(k, v)| {
                    let name = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                        ObjectKey::Expression(_) => return None,
                    };
                    Some(attribute(name, v.expr()))
                })
                .collect();
            Constraint::Object(attrs)
        }
        _ => Constraint::Leaf,
    }
}

fn attribute(name: String, expr: &Expression) -> Attribute<'_> {
    if let Expression::FuncCall(f) = expr
        && !f.name.is_namespaced()
        && f.name.name.as_str() == "optional"
    {
        let args: Vec<&Expression> = f.args.iter().collect();
        if let Some(ty) = args.first() {
            return Attribute { name, ty: parse(ty), optional: true, default: args.get(1).copied() };
        }
    }
    Attribute { name, ty: parse(expr), optional: false, default: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraint(text: &str) -> String {
        let e = hcl_edit::parser::parse_expr(text).expect("parses");
        format!("{:?}", parse(&e))
    }

    #[test]
    fn reads_optional_attributes_at_any_depth() {
        let t = constraint(
            "list(object({ sid = optional(string), actions = list(string), x = optional(bool, true) }))",
        );
        assert!(t.starts_with("Each(Object(["), "{t}");
        assert!(t.contains("name: \"sid\", ty: Leaf, optional: true, default: None"), "{t}");
        assert!(t.contains("name: \"actions\", ty: Each(Leaf), optional: false"), "{t}");
        assert!(t.contains("name: \"x\", ty: Leaf, optional: true, default: Some("), "{t}");
        let e = hcl_edit::parser::parse_expr("map(object({ a = optional(string) }))").expect("parses");
        assert!(parse(&e).fills());
        let e = hcl_edit::parser::parse_expr("list(string)").expect("parses");
        assert!(!parse(&e).fills());
    }
}
