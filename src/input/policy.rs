//! Builds the policy model from a spanned tree, whatever format the tree came from.

use crate::input::tree::{Member, Node, NodeKind};
use crate::model::{
    Condition, DuplicateKey, Effect, EffectValue, Malformed, Operator, Policy, PolicyKind, PolicyQuota,
    Principal, PrincipalEntry, Statement, Value, ValueList,
};
use crate::source::Span;

pub const POLICY_KEYS: &[&str] = &["Version", "Id", "Statement"];
pub const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// How the caller wants the kind decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindHint {
    Infer,
    Is(PolicyKind),
}

/// Builds a [`Policy`] from a document tree the caller keeps. Never fails: shape problems are
/// recorded in `malformed` so grammar rules report them with their location.
pub fn build_policy(root: &Node, hint: KindHint, quota: PolicyQuota) -> Policy {
    build_policy_from(root.clone(), hint, quota)
}

/// [`build_policy`] of a tree the caller is done with: its strings move into the model.
pub fn build_policy_from(root: Node, hint: KindHint, quota: PolicyQuota) -> Policy {
    let mut policy = Policy::new(root.span);
    policy.quota = quota;
    collect_duplicates(&root, &mut policy.duplicate_keys);
    let (span, type_name) = (root.span, root.type_name());
    match root.kind {
        NodeKind::Object(members) => {
            for m in members {
                match m.key.as_str() {
                    "Version" => policy.version = Some(scalar(m.value, &mut policy.malformed, "Version")),
                    "Id" => policy.id = Some(scalar(m.value, &mut policy.malformed, "Id")),
                    "Statement" => {
                        policy.statement_span = Some(m.value.span);
                        statements(m.value, &mut policy);
                    }
                    _ => policy.unknown_keys.push(Value::known(m.key, m.key_span)),
                }
            }
            if policy.statement_span.is_none() && !policy.partial {
                policy.malformed.push(Malformed {
                    span,
                    message: "the policy has no `Statement`: it says nothing, and IAM requires at least one statement".into(),
                });
            }
        }
        NodeKind::Unknown | NodeKind::Partial(_) => policy.partial = true,
        _ => policy
            .malformed
            .push(Malformed { span, message: format!("a policy must be a JSON object, found {type_name}") }),
    }
    policy.kind = match hint {
        KindHint::Is(kind) => {
            policy.kind_explicit = true;
            kind
        }
        KindHint::Infer => policy.infer_kind(),
    };
    policy
}

pub fn is_policy_key(key: &str) -> bool {
    POLICY_KEYS.contains(&key)
}

pub fn is_statement_key(key: &str) -> bool {
    STATEMENT_KEYS.contains(&key)
}

fn statements(node: Node, policy: &mut Policy) {
    match node.kind {
        NodeKind::Object(members) => {
            let st = statement(node.span, members, 0, &mut policy.malformed);
            policy.statements.push(st);
        }
        NodeKind::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                match item.kind {
                    NodeKind::Object(members) => {
                        let st = statement(item.span, members, i, &mut policy.malformed);
                        policy.statements.push(st);
                    }
                    NodeKind::Unknown | NodeKind::Partial(_) => policy.partial = true,
                    _ => policy.malformed.push(Malformed {
                        span: item.span,
                        message: format!("a statement must be an object, found {}", item.type_name()),
                    }),
                }
            }
        }
        NodeKind::Unknown | NodeKind::Partial(_) => policy.partial = true,
        _ => policy.malformed.push(Malformed {
            span: node.span,
            message: format!("`Statement` must be an object or an array, found {}", node.type_name()),
        }),
    }
}

fn statement(span: Span, members: Vec<Member>, index: usize, malformed: &mut Vec<Malformed>) -> Statement {
    let mut st = Statement::new(span, index);
    for m in members {
        let v = m.value;
        match m.key.as_str() {
            "Sid" => st.sid = Some(scalar(v, malformed, "Sid")),
            "Effect" => {
                let unknown = v.is_unknown();
                let value = scalar(v, malformed, "Effect");
                let kind = match value.as_str() {
                    Some("Allow") => Some(Effect::Allow),
                    Some("Deny") => Some(Effect::Deny),
                    _ => None,
                };
                if value.text.is_none() && unknown {
                    st.partial = true;
                }
                st.effect = Some(EffectValue { value, kind });
            }
            "Principal" => st.principal = Some(principal(v, malformed)),
            "NotPrincipal" => st.not_principal = Some(principal(v, malformed)),
            "Action" => st.action = Some(list(v, malformed, "Action")),
            "NotAction" => st.not_action = Some(list(v, malformed, "NotAction")),
            "Resource" => st.resource = Some(list(v, malformed, "Resource")),
            "NotResource" => st.not_resource = Some(list(v, malformed, "NotResource")),
            "Condition" => {
                st.condition_span = Some(v.span);
                conditions(v, &mut st, malformed);
            }
            _ => st.unknown_keys.push(Value::known(m.key, m.key_span)),
        }
    }
    st.partial |= [&st.action, &st.not_action, &st.resource, &st.not_resource]
        .iter()
        .any(|l| l.as_ref().is_some_and(|l| !l.is_fully_known()))
        || [&st.principal, &st.not_principal].iter().any(|p| p.as_ref().is_some_and(|p| p.partial));
    st
}

fn scalar(node: Node, malformed: &mut Vec<Malformed>, what: &str) -> Value {
    match node.kind {
        NodeKind::Str(s) => Value::known(s, node.span),
        NodeKind::Unknown => Value::unknown(node.span),
        NodeKind::Partial(shape) => Value::partial(shape, node.span),
        _ => {
            malformed.push(Malformed {
                span: node.span,
                message: format!("`{what}` must be a string, found {}", node.type_name()),
            });
            Value::known(node.scalar_text().unwrap_or_default(), node.span)
        }
    }
}

/// String-or-array elements (`Action`, `Resource`, principal values).
fn list(node: Node, malformed: &mut Vec<Malformed>, what: &str) -> ValueList {
    let mut out = ValueList::new(node.span);
    let names_actions = matches!(what, "Action" | "NotAction");
    let mut push = |item: Node, out: &mut ValueList| {
        let type_name = item.type_name();
        match item.kind {
            NodeKind::Str(s) if s.is_empty() && names_actions => malformed.push(Malformed {
                span: item.span,
                message: format!("`{what}` holds an empty string, which names no action"),
            }),
            NodeKind::Str(s) => out.items.push(Value::known(s, item.span)),
            NodeKind::Unknown => {
                out.partial = true;
                out.items.push(Value::unknown(item.span));
            }
            NodeKind::Partial(shape) => {
                out.partial = true;
                out.items.push(Value::partial(shape, item.span));
            }
            _ => malformed.push(Malformed {
                span: item.span,
                message: format!("`{what}` values must be strings, found {type_name}"),
            }),
        }
    };
    match node.kind {
        NodeKind::Array(items) => {
            out.items.reserve(items.len());
            for item in items {
                push(item, &mut out);
            }
        }
        kind => push(Node { span: node.span, kind }, &mut out),
    }
    out
}

fn principal(node: Node, malformed: &mut Vec<Malformed>) -> Principal {
    let mut p = Principal { span: node.span, wildcard: false, entries: Vec::new(), partial: false };
    match node.kind {
        NodeKind::Str(s) if s == "*" => p.wildcard = true,
        NodeKind::Object(members) => {
            for m in members {
                let values = list(m.value, malformed, &m.key);
                p.partial |= !values.is_fully_known();
                p.entries.push(PrincipalEntry { kind: Value::known(m.key, m.key_span), values });
            }
        }
        NodeKind::Unknown | NodeKind::Partial(_) => p.partial = true,
        kind => malformed.push(Malformed {
            span: node.span,
            message: format!(
                "`Principal` must be \"*\" or an object, found {}",
                describe(&Node { span: node.span, kind })
            ),
        }),
    }
    p
}

fn conditions(node: Node, st: &mut Statement, malformed: &mut Vec<Malformed>) {
    let (span, type_name, unknown) = (node.span, node.type_name(), node.is_unknown());
    let NodeKind::Object(ops) = node.kind else {
        if unknown {
            st.partial = true;
        } else {
            malformed.push(Malformed {
                span,
                message: format!("`Condition` must be an object, found {type_name}"),
            });
        }
        return;
    };
    for Member { key: op, key_span: op_span, value: keys } in ops {
        let operator = Operator::parse(&op);
        let (span, unknown) = (keys.span, keys.is_unknown());
        let NodeKind::Object(keys) = keys.kind else {
            if unknown {
                st.partial = true;
            } else {
                malformed.push(Malformed {
                    span,
                    message: format!("the block of `{op}` must be an object of condition keys"),
                });
            }
            continue;
        };
        for k in keys {
            let values = condition_values(k.value, malformed);
            st.partial |= values.partial;
            st.conditions.push(Condition {
                operator: operator.clone(),
                operator_span: op_span,
                key: Value::known(k.key, k.key_span),
                values,
            });
        }
    }
}

/// The values of one condition key: a scalar or an array of them.
fn condition_values(node: Node, malformed: &mut Vec<Malformed>) -> ValueList {
    let mut values = ValueList::new(node.span);
    let items = match node.kind {
        NodeKind::Array(items) => items,
        kind => vec![Node { span: node.span, kind }],
    };
    for item in items {
        let type_name = item.type_name();
        match item.kind {
            NodeKind::Str(text) | NodeKind::Number(text) => values.items.push(Value::known(text, item.span)),
            NodeKind::Bool(b) => values.items.push(Value::known(b.to_string(), item.span)),
            NodeKind::Unknown => {
                values.partial = true;
                values.items.push(Value::unknown(item.span));
            }
            NodeKind::Partial(shape) => {
                values.partial = true;
                values.items.push(Value::partial(shape, item.span));
            }
            _ => malformed.push(Malformed {
                span: item.span,
                message: format!("condition values must be strings, numbers or booleans, found {type_name}"),
            }),
        }
    }
    values
}

fn describe(node: &Node) -> String {
    match node.as_str() {
        Some(s) => format!("\"{s}\""),
        None => node.type_name().to_string(),
    }
}

/// Every object in the tree that repeats a key (TL011).
pub fn collect_duplicates(node: &Node, out: &mut Vec<DuplicateKey>) {
    match &node.kind {
        NodeKind::Object(members) if members.len() <= PAIRWISE_KEYS => pairwise_duplicates(members, out),
        NodeKind::Object(members) => hashed_duplicates(members, out),
        NodeKind::Array(items) => items.iter().for_each(|n| collect_duplicates(n, out)),
        _ => {}
    }
}

/// Up to this many keys, comparing every pair is cheaper than building a map (policy objects
/// have a handful of keys).
const PAIRWISE_KEYS: usize = 12;

/// [`hashed_duplicates`] without a map, for small objects: the same findings in the same order.
fn pairwise_duplicates(members: &[Member], out: &mut Vec<DuplicateKey>) {
    // By a key's first place: where its finding is in `out`, once it has one.
    let mut reported: [Option<usize>; PAIRWISE_KEYS] = [None; PAIRWISE_KEYS];
    for (i, m) in members.iter().enumerate() {
        if let Some(first) = members[..i].iter().position(|e| e.key == m.key) {
            match reported.get(first).copied().flatten() {
                Some(at) => out[at].count += 1,
                None => {
                    if let Some(r) = reported.get_mut(first) {
                        *r = Some(out.len());
                    }
                    let first = members[first].key_span;
                    out.push(DuplicateKey { key: m.key.clone(), span: m.key_span, first, count: 2 });
                }
            }
        }
        collect_duplicates(&m.value, out);
    }
}

/// One map per object: linear in the number of keys, and one entry per repeated key (100,000
/// copies of a key are one finding that counts them).
fn hashed_duplicates(members: &[Member], out: &mut Vec<DuplicateKey>) {
    let mut seen: std::collections::HashMap<&str, (Span, Option<usize>)> =
        std::collections::HashMap::with_capacity(members.len());
    for m in members {
        match seen.entry(m.key.as_str()) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let (first, reported) = *e.get();
                match reported {
                    Some(i) => out[i].count += 1,
                    None => {
                        e.insert((first, Some(out.len())));
                        out.push(DuplicateKey { key: m.key.clone(), span: m.key_span, first, count: 2 });
                    }
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((m.key_span, None));
            }
        }
        collect_duplicates(&m.value, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use proptest::prelude::*;

    fn object(keys: &[(u8, bool)], depth: usize) -> Node {
        let members = keys
            .iter()
            .enumerate()
            .map(|(i, &(k, nest))| Member {
                key: format!("k{}", k % 4),
                key_span: Span::new(SourceId(0), depth * 100 + i, depth * 100 + i + 1),
                value: match nest && depth < 2 {
                    true => object(keys, depth + 1),
                    false => Node { span: Span::new(SourceId(0), 0, 0), kind: NodeKind::Null },
                },
            })
            .collect();
        Node { span: Span::new(SourceId(0), 0, 0), kind: NodeKind::Object(members) }
    }

    proptest! {
        #[test]
        fn pairwise_and_hashed_duplicates_agree(keys in prop::collection::vec((any::<u8>(), any::<bool>()), 0..=PAIRWISE_KEYS)) {
            let root = object(&keys, 0);
            let (mut pairwise, mut hashed) = (Vec::new(), Vec::new());
            collect_duplicates(&root, &mut pairwise);
            hashed_duplicates(root.members().unwrap_or_default(), &mut hashed);
            prop_assert_eq!(pairwise, hashed);
        }
    }
}
