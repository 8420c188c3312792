//! Terraform plan JSON (`terraform show -json`): resolved resource values under
//! `planned_values.root_module` (and its `child_modules`), with policies as JSON strings whose
//! spans are mapped into the string literals of the plan file.

use crate::input::policy::{KindHint, build_policy_from};
use crate::input::terraform::spanned::{SpStr, align, parse_json_str};
use crate::input::tree::{Node, NodeKind};
use crate::model::{ParseFailure, PolicyKind, PolicyQuota, Role, Unit, Value};
use crate::source::Source;

pub struct PlanRes<'a> {
    pub address: String,
    pub ty: &'a str,
    pub values: &'a Node,
    pub span: crate::source::Span,
}

fn collect<'a>(module: &'a Node, out: &mut Vec<PlanRes<'a>>, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some(NodeKind::Array(items)) = module.get("resources").map(|n| &n.kind) {
        for r in items {
            if r.get("mode").and_then(Node::as_str) == Some("data") {
                continue;
            }
            let (Some(ty), Some(values)) = (r.get("type").and_then(Node::as_str), r.get("values")) else {
                continue;
            };
            let address = r.get("address").and_then(Node::as_str).unwrap_or(ty).to_string();
            out.push(PlanRes { address, ty, values, span: r.span });
        }
    }
    if let Some(NodeKind::Array(children)) = module.get("child_modules").map(|n| &n.kind) {
        for c in children {
            collect(c, out, depth + 1);
        }
    }
}

/// A JSON string value of the plan as a string whose bytes map into the plan file.
fn spanned(source: &Source, node: &Node) -> Option<SpStr> {
    let text = node.as_str()?;
    let raw = source.slice(node.span);
    let (raw, start) = if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        (&raw[1..raw.len() - 1], node.span.start + 1)
    } else {
        (raw, node.span.start)
    };
    Some(SpStr { text: text.to_string(), src: source.id, offs: Some(align(raw, start, text)) })
}

pub fn add_policy(
    unit: &mut Unit,
    source: &Source,
    node: Option<&Node>,
    kind: PolicyKind,
    quota: PolicyQuota,
    subject: &str,
    role: Option<usize>,
) -> Option<usize> {
    let node = node?;
    let s = spanned(source, node)?;
    if s.text.trim().is_empty() {
        return None;
    }
    match parse_json_str(&s, node.span) {
        Ok(doc) => {
            let mut p = build_policy_from(doc, KindHint::Is(kind), quota);
            p.text = Some(s.text.clone());
            p.subject = Some(subject.to_string());
            p.role = role;
            unit.policies.push(p);
            Some(unit.policies.len() - 1)
        }
        Err((span, message)) => {
            unit.parse_failures.push(ParseFailure { span, message, what: "policy JSON" });
            None
        }
    }
}

pub fn parse_plan(root: &Node, source: &Source) -> Unit {
    let mut unit = Unit { name: source.name.clone(), sources: vec![source.id], ..Unit::default() };
    let mut res = Vec::new();
    if let Some(rm) = root.get("planned_values").and_then(|p| p.get("root_module")) {
        collect(rm, &mut res, 0);
    }
    let mut policy_arns: Vec<(String, usize)> = Vec::new();
    for r in res.iter().filter(|r| r.ty == "aws_iam_role") {
        plan_role(&mut unit, source, r);
    }
    for r in res.iter().filter(|r| r.ty == "aws_iam_policy") {
        let p = r.values.get("policy");
        if let Some(p) =
            add_policy(&mut unit, source, p, PolicyKind::Permission, PolicyQuota::Managed, &r.address, None)
            && let Some(arn) = r.values.get("arn").and_then(Node::as_str)
        {
            policy_arns.push((arn.to_string(), p));
        }
    }
    for r in &res {
        plan_resource(&mut unit, (root, source), r, &policy_arns);
    }
    super::plan_spacelift::spacelift(root, &res, &mut unit);
    super::plan_config::providers(root, source, &mut unit);
    unit
}

/// The policy attribute, kind and quota of a resource that holds a standalone policy (resource
/// policies, SCPs, permission set inline policies), and what a resource policy is called.
fn standalone(ty: &str) -> Option<(&'static str, PolicyKind, PolicyQuota, Option<&'static str>)> {
    use crate::input::terraform::resource_policies::{OTHER_POLICIES, RESOURCE_POLICIES};
    if let Some(&(_, attr, what, _)) = RESOURCE_POLICIES.iter().find(|r| r.0 == ty) {
        return Some((attr, PolicyKind::Resource, PolicyQuota::Resource, Some(what)));
    }
    OTHER_POLICIES.iter().find(|r| r.0 == ty).map(|&(_, attr, kind, quota)| (attr, kind, quota, None))
}

/// The role of a plan with its trust, inline policies and managed policy ARNs.
fn plan_role(unit: &mut Unit, source: &Source, r: &PlanRes) {
    let idx = unit.roles.len();
    let name = r.values.get("name").and_then(Node::as_str).unwrap_or(&r.address).to_string();
    unit.roles.push(Role {
        name,
        subject: r.address.clone(),
        span: r.span,
        arn: r.values.get("arn").and_then(Node::as_str).map(str::to_string),
        trust: None,
        permissions: Vec::new(),
        managed_policies: Vec::new(),
        access: None,
        tag_session_required: None,
        session_limit: crate::input::auth_details::session_limit(r.values.get("max_session_duration")),
    });
    let trust = r.values.get("assume_role_policy");
    unit.roles[idx].trust =
        add_policy(unit, source, trust, PolicyKind::Trust, PolicyQuota::Trust, &r.address, Some(idx));
    if let Some(NodeKind::Array(items)) = r.values.get("inline_policy").map(|n| &n.kind) {
        for item in items {
            let subject = format!("{}.inline_policy", r.address);
            let p = item.get("policy");
            if let Some(p) =
                add_policy(unit, source, p, PolicyKind::Permission, PolicyQuota::Inline, &subject, Some(idx))
            {
                unit.roles[idx].permissions.push(p);
            }
        }
    }
    if let Some(NodeKind::Array(items)) = r.values.get("managed_policy_arns").map(|n| &n.kind) {
        for i in items {
            if let Some(t) = i.as_str() {
                unit.roles[idx].managed_policies.push(Value::known(t, i.span));
            }
        }
    }
}

/// What a resource policy is the policy of, named as in HCL: the resource its target attribute
/// references (`aws_s3_bucket.logs`), else the target's value (`bucket = "logs"`), else the
/// policy resource's own address.
fn target_name(root: &Node, r: &PlanRes) -> String {
    use crate::input::terraform::resource_policies::RESOURCE_POLICIES;
    let Some(target) = RESOURCE_POLICIES.iter().find(|p| p.0 == r.ty).and_then(|p| p.3) else {
        return r.address.clone();
    };
    let referenced = crate::input::terraform::plan_config::local_references(root, &r.address, target)
        .into_iter()
        .find(|a| !a.starts_with("var.") && !a.starts_with("local.") && !a.starts_with("data."));
    if let Some(a) = referenced {
        return a.split('.').take(2).collect::<Vec<_>>().join(".");
    }
    r.values.get(target).and_then(Node::as_str).map(str::to_string).unwrap_or_else(|| r.address.clone())
}

/// The role (by name) a plan resource names in `attr`.
fn role_by_name(unit: &Unit, n: Option<&Node>) -> Option<usize> {
    let name = n.and_then(Node::as_str)?;
    unit.roles.iter().position(|r| r.name == name)
}

/// Role policies, attachments, user/group policies and standalone policies of a plan.
fn plan_resource(
    unit: &mut Unit,
    (root, source): (&Node, &Source),
    r: &PlanRes,
    policy_arns: &[(String, usize)],
) {
    match r.ty {
        "aws_iam_role_policy" => {
            let role = role_by_name(unit, r.values.get("role"));
            let p = r.values.get("policy");
            if let Some(p) =
                add_policy(unit, source, p, PolicyKind::Permission, PolicyQuota::Inline, &r.address, role)
                && let Some(role) = role
            {
                unit.roles[role].permissions.push(p);
            }
        }
        "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let p = r.values.get("policy");
            add_policy(unit, source, p, PolicyKind::Permission, PolicyQuota::Inline, &r.address, None);
        }
        ty if standalone(ty).is_some() => {
            let Some((attr, kind, quota, what)) = standalone(ty) else { return };
            if ty == "aws_organizations_policy"
                && r.values.get("type").and_then(Node::as_str).is_some_and(|t| t != "SERVICE_CONTROL_POLICY")
            {
                return;
            }
            if let Some(p) = add_policy(unit, source, r.values.get(attr), kind, quota, &r.address, None)
                && let Some(what) = what
            {
                unit.policies[p].owner = Some(format!("{what} of {}", target_name(root, r)));
            }
        }
        "aws_iam_role_policy_attachment" => {
            let Some(role) = role_by_name(unit, r.values.get("role")) else { return };
            let Some(arn) = r.values.get("policy_arn") else { return };
            let Some(text) = arn.as_str() else { return };
            match policy_arns.iter().find(|(a, _)| a == text) {
                Some(&(_, p)) => unit.roles[role].permissions.push(p),
                None => unit.roles[role].managed_policies.push(Value::known(text, arn.span)),
            }
        }
        _ => {}
    }
}
