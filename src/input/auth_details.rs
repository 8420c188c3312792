//! `aws iam get-account-authorization-details` output: every role with its trust policy, inline
//! policies, attached customer managed policies (resolved from `Policies[]`, default version)
//! and attached managed policy ARNs; the inline policies of users and groups.
//!
//! Policy documents are JSON objects (what the AWS CLI prints) or URL-encoded JSON strings (what
//! the raw API returns). Object documents keep their real spans in the dump; a decoded string's
//! every element points at the string literal (the decoded text has no place in the file).

use std::collections::HashMap;

use crate::input::policy::{KindHint, build_policy_from};
use crate::input::tree::{Node, NodeKind, parse_json};
use crate::model::{ParseFailure, Policy, PolicyKind, PolicyQuota, Role, Unit, User, Value};
use crate::source::{Source, Span};

const WHAT: &str = "authorization details";

/// Customer managed policies of one dump, and which roles they are attached to.
struct Customer<'a> {
    /// By ARN: (name, default-version document).
    by_arn: HashMap<&'a str, (&'a str, Option<&'a Node>)>,
    /// ARNs in dump order.
    in_dump: Vec<&'a str>,
    /// ARN -> (policy index once parsed, roles attached to it); parsed lazily, once.
    parsed: HashMap<&'a str, (Option<usize>, Vec<usize>)>,
    order: Vec<&'a str>,
}

/// Adds the roles and policies of the dump `root` (of `source`) to `unit`.
pub fn read(root: &Node, source: &Source, unit: &mut Unit) {
    let mut customer =
        Customer { by_arn: HashMap::new(), in_dump: Vec::new(), parsed: HashMap::new(), order: Vec::new() };
    if let Some(NodeKind::Array(policies)) = root.get("Policies").map(|n| &n.kind) {
        for p in policies {
            let (Some(arn), Some(name)) = (str_of(p, "Arn"), str_of(p, "PolicyName")) else { continue };
            if customer.by_arn.insert(arn, (name, default_document(p))).is_none() {
                customer.in_dump.push(arn);
            }
        }
    }
    let users = principal_inline(root, source, unit, "UserDetailList", "UserName", "UserPolicyList", "user");
    let groups =
        principal_inline(root, source, unit, "GroupDetailList", "GroupName", "GroupPolicyList", "group");
    read_users(root, unit, &users, &groups);
    if let Some(NodeKind::Array(roles)) = root.get("RoleDetailList").map(|n| &n.kind) {
        for r in roles {
            read_role(r, source, unit, &mut customer);
        }
    }
    name_customer_policies(&customer, unit);
    lint_unattached(&customer, source, unit);
}

fn read_role<'a>(r: &'a Node, source: &Source, unit: &mut Unit, customer: &mut Customer<'a>) {
    let Some(name) = str_of(r, "RoleName") else { return };
    let subject = format!("role/{name}");
    let ri = unit.roles.len();
    let mut role = Role {
        name: name.to_string(),
        subject: subject.clone(),
        span: r.span,
        arn: str_of(r, "Arn").map(String::from),
        trust: None,
        permissions: Vec::new(),
        managed_policies: Vec::new(),
        access: None,
        tag_session_required: None,
        session_limit: session_limit(r.get("MaxSessionDuration")),
    };
    if let Some(doc) = r.get("AssumeRolePolicyDocument")
        && let Some(mut p) = document(doc, source, unit, PolicyKind::Trust, PolicyQuota::Trust, &subject)
    {
        p.role = Some(ri);
        role.trust = Some(unit.policies.len());
        unit.policies.push(p);
    }
    if let Some(NodeKind::Array(inline)) = r.get("RolePolicyList").map(|n| &n.kind) {
        for ip in inline {
            let Some(doc) = ip.get("PolicyDocument") else { continue };
            let Some(mut p) =
                document(doc, source, unit, PolicyKind::Permission, PolicyQuota::Inline, &subject)
            else {
                continue;
            };
            p.role = Some(ri);
            role.permissions.push(unit.policies.len());
            unit.policies.push(p);
        }
    }
    if let Some(NodeKind::Array(attached)) = r.get("AttachedManagedPolicies").map(|n| &n.kind) {
        for a in attached {
            attach(a, ri, &mut role, source, unit, customer);
        }
    }
    unit.roles.push(role);
}

/// One `AttachedManagedPolicies[]` entry of role `ri`: a customer policy of the dump is parsed
/// (once) and counts as the role's permissions; anything else is a managed policy ARN.
fn attach<'a>(
    a: &'a Node,
    ri: usize,
    role: &mut Role,
    source: &Source,
    unit: &mut Unit,
    customer: &mut Customer<'a>,
) {
    let Some(arn_node) = a.get("PolicyArn") else { return };
    let Some(arn) = arn_node.as_str() else { return };
    let Some(&(pname, doc)) = customer.by_arn.get(arn).filter(|_| !is_aws_managed(arn)) else {
        role.managed_policies.push(Value::known(arn, arn_node.span));
        return;
    };
    let order = &mut customer.order;
    let entry = customer.parsed.entry(arn).or_insert_with(|| {
        order.push(arn);
        let subject = format!("policy/{pname}");
        let policy = doc
            .and_then(|d| document(d, source, unit, PolicyKind::Permission, PolicyQuota::Managed, &subject));
        let index = policy.map(|p| {
            unit.policies.push(p);
            unit.policies.len() - 1
        });
        (index, Vec::new())
    });
    entry.1.push(ri);
    match entry.0 {
        Some(pi) => role.permissions.push(pi),
        // No readable default version: the role's access stays unknown.
        None => role.managed_policies.push(Value::known(arn, arn_node.span)),
    }
}

/// A customer policy attached to one role belongs to it; a shared one names all its roles.
fn name_customer_policies(customer: &Customer, unit: &mut Unit) {
    for arn in &customer.order {
        let Some((Some(pi), roles)) = customer.parsed.get(arn) else { continue };
        let names: Vec<&str> =
            roles.iter().filter_map(|&i| unit.roles.get(i)).map(|r| r.subject.as_str()).collect();
        let subject = names.join(", ");
        if let Some(p) = unit.policies.get_mut(*pi) {
            if let [only] = roles.as_slice() {
                p.role = Some(*only);
            }
            p.subject = Some(subject);
        }
    }
}

/// Customer managed policies attached to no role are still linted.
fn lint_unattached(customer: &Customer, source: &Source, unit: &mut Unit) {
    for arn in &customer.in_dump {
        let Some(&(name, Some(doc))) = customer.by_arn.get(arn) else { continue };
        if customer.parsed.contains_key(arn) || is_aws_managed(arn) {
            continue;
        }
        let subject = format!("policy/{name}");
        if let Some(p) = document(doc, source, unit, PolicyKind::Permission, PolicyQuota::Managed, &subject) {
            unit.policies.push(p);
        }
    }
}

/// Inline policies of users (`UserDetailList[].UserPolicyList[]`) or groups
/// (`GroupDetailList[].GroupPolicyList[]`), linted as permission policies with subject
/// `user/<name>` / `group/<name>`. Their attached managed policies need nothing here: customer
/// managed ones are linted once from `Policies[]`, AWS managed ones are catalogued.
fn principal_inline(
    root: &Node,
    source: &Source,
    unit: &mut Unit,
    list: &str,
    name_key: &str,
    policies: &str,
    kind: &str,
) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    let Some(NodeKind::Array(items)) = root.get(list).map(|n| &n.kind) else { return out };
    for item in items {
        let Some(name) = str_of(item, name_key) else { continue };
        let subject = format!("{kind}/{name}");
        let Some(NodeKind::Array(inline)) = item.get(policies).map(|n| &n.kind) else { continue };
        for ip in inline {
            let Some(doc) = ip.get("PolicyDocument") else { continue };
            if let Some(p) =
                document(doc, source, unit, PolicyKind::Permission, PolicyQuota::Inline, &subject)
            {
                out.entry(name.to_string()).or_default().push(unit.policies.len());
                unit.policies.push(p);
            }
        }
    }
    out
}

/// Users as callers: their own and their groups' (`GroupList`) inline policies, and their
/// attached managed policy ARNs.
fn read_users(
    root: &Node,
    unit: &mut Unit,
    inline: &HashMap<String, Vec<usize>>,
    groups: &HashMap<String, Vec<usize>>,
) {
    let Some(NodeKind::Array(items)) = root.get("UserDetailList").map(|n| &n.kind) else { return };
    for item in items {
        let Some(name) = str_of(item, "UserName") else { continue };
        let mut permissions = inline.get(name).cloned().unwrap_or_default();
        if let Some(NodeKind::Array(gl)) = item.get("GroupList").map(|n| &n.kind) {
            for g in gl.iter().filter_map(Node::as_str) {
                permissions.extend(groups.get(g).into_iter().flatten().copied());
            }
        }
        let managed = match item.get("AttachedManagedPolicies").map(|n| &n.kind) {
            Some(NodeKind::Array(a)) => a
                .iter()
                .filter_map(|a| a.get("PolicyArn"))
                .filter_map(|n| n.as_str().map(|s| Value::known(s, n.span)))
                .collect(),
            _ => Vec::new(),
        };
        unit.users.push(User {
            name: name.to_string(),
            subject: format!("user/{name}"),
            span: item.span,
            arn: str_of(item, "Arn").map(String::from),
            permissions,
            managed_policies: managed,
        });
    }
}

fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// `MaxSessionDuration` (seconds) where a dump carries it (`get-role` output does; the account
/// authorization details do not, and then the limit is unknown).
pub(crate) fn session_limit(node: Option<&Node>) -> Option<crate::model::SessionLimit> {
    let node = node?;
    let secs = node.scalar_text()?.parse().ok()?;
    Some(crate::model::SessionLimit { secs, span: Some(node.span) })
}

fn str_of<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

/// The `Document` of the default version (`IsDefaultVersion`, else `DefaultVersionId`).
fn default_document(policy: &Node) -> Option<&Node> {
    let Some(NodeKind::Array(versions)) = policy.get("PolicyVersionList").map(|n| &n.kind) else {
        return None;
    };
    let default_id = str_of(policy, "DefaultVersionId");
    versions
        .iter()
        .find(|v| matches!(v.get("IsDefaultVersion").map(|n| &n.kind), Some(NodeKind::Bool(true))))
        .or_else(|| versions.iter().find(|v| default_id.is_some() && str_of(v, "VersionId") == default_id))
        .or_else(|| if versions.len() == 1 { versions.first() } else { None })
        .and_then(|v| v.get("Document"))
}

/// Builds a policy from a document node (object or URL-encoded string); a string that does not
/// decode to JSON becomes a TL001 parse failure at the string literal.
fn document(
    doc: &Node,
    source: &Source,
    unit: &mut Unit,
    kind: PolicyKind,
    quota: PolicyQuota,
    subject: &str,
) -> Option<Policy> {
    let (tree, text) = match &doc.kind {
        NodeKind::Object(_) => (doc.clone(), source.text.get(doc.span.start..doc.span.end).map(String::from)),
        NodeKind::Str(encoded) => {
            let decoded = decode_document(encoded);
            match parse_json(&decoded, doc.span.src, 0) {
                Ok(mut tree) => {
                    pin_spans(&mut tree, doc.span);
                    (tree, Some(decoded))
                }
                Err(e) => {
                    unit.parse_failures.push(ParseFailure {
                        span: doc.span,
                        message: format!(
                            "the policy document of {subject} is not JSON after URL-decoding: {}",
                            e.message
                        ),
                        what: WHAT,
                    });
                    return None;
                }
            }
        }
        _ => return None,
    };
    let mut policy = build_policy_from(tree, KindHint::Is(kind), quota);
    policy.text = text;
    policy.subject = Some(subject.to_string());
    Some(policy)
}

/// URL-decodes a document string; plain JSON strings (starting with `{`) are kept as they are.
pub fn decode_document(s: &str) -> String {
    if s.trim_start().starts_with('{') { s.to_string() } else { percent_decode(s) }
}

/// Decodes `%XX` escapes (invalid escapes are kept literally; invalid UTF-8 is replaced).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(hex) = b.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every span of a tree decoded from a string literal points at that literal.
fn pin_spans(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.kind {
        NodeKind::Array(items) => items.iter_mut().for_each(|n| pin_spans(n, span)),
        NodeKind::Object(members) => {
            for m in members {
                m.key_span = span;
                pin_spans(&mut m.value, span);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(decode_document("{\"a\":\"50%25\"}"), "{\"a\":\"50%25\"}");
    }
}
