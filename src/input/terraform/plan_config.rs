//! What a plan holds besides resource values: `configuration.provider_config` (providers'
//! `assume_role` settings, as expressions: a constant value, or references whose value the plan
//! does not give) and the references between resources that link a Spacelift attachment to its
//! integration when the integration's id is only known after apply.

use crate::input::tree::{Node, NodeKind};
use crate::model::terraform::{AssumeOrigin, AssumeRoleConfig, SessionTags};
use crate::model::{PolicyKind, PolicyQuota, Unit, Value};
use crate::source::Source;

/// A provider config nested deeper than this is not read (hostile plans).
const MAX_DEPTH: usize = 64;

/// The value of a configuration expression: the constant when there is one, else unknown.
fn expression_value(e: &Node) -> Value {
    match e.get("constant_value") {
        Some(c) => match c.scalar_text() {
            Some(t) => Value::known(t, c.span),
            None => Value::unknown(c.span),
        },
        None => Value::unknown(e.span),
    }
}

fn field(block: &Node, key: &str) -> Option<Value> {
    block.get(key).map(expression_value)
}

/// The constant elements of a list expression (`policy_arns`); an unknown list is one unknown.
fn list_field(block: &Node, key: &str) -> Vec<Value> {
    let Some(e) = block.get(key) else { return Vec::new() };
    match e.get("constant_value").map(|c| &c.kind) {
        Some(NodeKind::Array(items)) => items
            .iter()
            .map(|i| match i.scalar_text() {
                Some(t) => Value::known(t, i.span),
                None => Value::unknown(i.span),
            })
            .collect(),
        _ => vec![Value::unknown(e.span)],
    }
}

/// `assume_role` blocks of every `aws` provider configuration of the plan (the root module's and
/// its modules', as `configuration.provider_config` lists them).
pub fn providers(root: &Node, source: &Source, unit: &mut Unit) {
    let Some(configs) = root.get("configuration").and_then(|c| c.get("provider_config")) else { return };
    let Some(members) = configs.members() else { return };
    for m in members.iter().take(1024) {
        let p = &m.value;
        if p.get("name").and_then(Node::as_str) != Some("aws") {
            continue;
        }
        let alias = p.get("alias").and_then(Node::as_str).map(str::to_string);
        let Some(expressions) = p.get("expressions") else { continue };
        for (key, web) in [("assume_role", false), ("assume_role_with_web_identity", true)] {
            let blocks: Vec<&Node> = match expressions.get(key).map(|b| &b.kind) {
                Some(NodeKind::Array(items)) => items.iter().collect(),
                Some(NodeKind::Object(_)) => expressions.get(key).into_iter().collect(),
                _ => Vec::new(),
            };
            for b in blocks {
                let origin = if web {
                    AssumeOrigin::ProviderWebIdentity { alias: alias.clone() }
                } else {
                    AssumeOrigin::Provider { alias: alias.clone() }
                };
                let c = assume_config(unit, source, origin, b);
                unit.assume_roles.push(c);
            }
        }
    }
}

fn assume_config(unit: &mut Unit, source: &Source, origin: AssumeOrigin, b: &Node) -> AssumeRoleConfig {
    let duration = match (b.get("duration"), b.get("duration_seconds")) {
        (Some(d), _) => Some(expression_value(d)),
        (None, Some(s)) => Some(match expression_value(s).text {
            Some(t) => Value::known(format!("{t}s"), s.span),
            None => Value::unknown(s.span),
        }),
        _ => None,
    };
    let subject = format!("{}.policy", origin.describe());
    let policy = b.get("policy").and_then(|e| e.get("constant_value")).and_then(|c| {
        super::plan::add_policy(
            unit,
            source,
            Some(c),
            PolicyKind::Permission,
            PolicyQuota::Inline,
            &subject,
            None,
        )
    });
    let tags = b.get("tags").map(|e| {
        let keys = e
            .get("constant_value")
            .and_then(Node::members)
            .map(|m| m.iter().map(|m| m.key.clone()).collect());
        SessionTags { span: e.span, keys }
    });
    AssumeRoleConfig {
        origin,
        span: b.span,
        role_arn: field(b, "role_arn"),
        external_id: field(b, "external_id"),
        session_name: field(b, "session_name"),
        source_identity: field(b, "source_identity"),
        duration,
        policy_arns: list_field(b, "policy_arns"),
        policy,
        tags,
        transitive_tag_keys: list_field(b, "transitive_tag_keys"),
    }
}

/// The configuration of the resource at `address` (`module.a.module.b.TYPE.NAME`, without
/// instance keys), found through `module_calls`.
pub fn resource_config<'n>(root: &'n Node, address: &str) -> Option<&'n Node> {
    let mut module = root.get("configuration")?.get("root_module")?;
    let stripped = strip_keys(address);
    let mut parts: Vec<&str> = stripped.split('.').collect();
    let mut depth = 0;
    while parts.first() == Some(&"module") && parts.len() > 3 && depth < MAX_DEPTH {
        module = module.get("module_calls")?.get(parts[1])?.get("module")?;
        parts.drain(..2);
        depth += 1;
    }
    let local = parts.join(".");
    let NodeKind::Array(items) = &module.get("resources")?.kind else { return None };
    items.iter().find(|r| r.get("address").and_then(Node::as_str) == Some(local.as_str()))
}

/// `module.a["x"].t.n[0]` is `module.a.t.n`, as configuration addresses are written.
pub fn strip_address(address: &str) -> String {
    strip_keys(address)
}

fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_str = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The resources an attribute's expression references (`spacelift_aws_integration.this`), in
/// the module of `address`, as absolute addresses without instance keys.
pub fn references(root: &Node, address: &str, attr: &str) -> Vec<String> {
    let stripped = strip_keys(address);
    let prefix = stripped.rsplitn(3, '.').nth(2).map(|p| format!("{p}.")).unwrap_or_default();
    local_references(root, address, attr).into_iter().map(|r| format!("{prefix}{r}")).collect()
}

/// The references of an attribute's expression as written in its module (`aws_s3_bucket.logs.id`).
pub fn local_references(root: &Node, address: &str, attr: &str) -> Vec<String> {
    let Some(cfg) = resource_config(root, address) else { return Vec::new() };
    let refs = cfg.get("expressions").and_then(|e| e.get(attr)).and_then(|e| e.get("references"));
    let Some(NodeKind::Array(refs)) = refs.map(|r| &r.kind) else { return Vec::new() };
    refs.iter().filter_map(Node::as_str).map(strip_keys).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_addresses_have_no_instance_keys() {
        assert_eq!(strip_keys(r#"module.a["x.y"].aws_iam_role.r[0]"#), "module.a.aws_iam_role.r");
        assert_eq!(strip_keys("aws_iam_role.r"), "aws_iam_role.r");
    }
}
