//! Policies that are not attached to roles: resource policies (bucket, key, queue, topic,
//! repository, registry, secret, log and Lambda function policies), service control policies,
//! user/group/permission-set inline policies. Each instance of each resource is one place.

use crate::input::policy::KindHint;
use crate::input::terraform::attrs::reference;
use crate::input::terraform::eval::Eval;
use crate::input::terraform::iam::{Place, add_policy, each_instance, read_policy, when};
use crate::input::terraform::value::{Sv, V};
use crate::input::terraform::{Module, Res};
use crate::input::tree::{Member, Node, NodeKind};
use crate::model::{PolicyKind, PolicyQuota, Unit};
use crate::source::Span;

/// `(resource type, policy attribute, what the policy is called, attribute naming its target)`.
pub const RESOURCE_POLICIES: &[(&str, &str, &str, Option<&str>)] = &[
    ("aws_s3_bucket_policy", "policy", "bucket policy", Some("bucket")),
    ("aws_s3_bucket", "policy", "bucket policy", None),
    ("aws_kms_key", "policy", "key policy", None),
    ("aws_kms_replica_key", "policy", "key policy", None),
    ("aws_sqs_queue_policy", "policy", "queue policy", Some("queue_url")),
    ("aws_sqs_queue", "policy", "queue policy", None),
    ("aws_sns_topic_policy", "policy", "topic policy", Some("arn")),
    ("aws_sns_topic", "policy", "topic policy", None),
    ("aws_ecr_repository_policy", "policy", "repository policy", Some("repository")),
    ("aws_ecr_registry_policy", "policy", "registry policy", None),
    ("aws_secretsmanager_secret_policy", "policy", "secret policy", Some("secret_arn")),
    ("aws_secretsmanager_secret", "policy", "secret policy", None),
    ("aws_cloudwatch_log_resource_policy", "policy_document", "log resource policy", None),
];

/// `(resource type, policy attribute, kind, quota)` of the other standalone policies.
pub const OTHER_POLICIES: &[(&str, &str, PolicyKind, PolicyQuota)] = &[
    (
        "aws_ssoadmin_permission_set_inline_policy",
        "inline_policy",
        PolicyKind::Permission,
        PolicyQuota::Inline,
    ),
    ("aws_organizations_policy", "content", PolicyKind::ServiceControl, PolicyQuota::ServiceControl),
];

pub fn extract(ev: &mut Eval, unit: &mut Unit) {
    let module: &Module = ev.module;
    for res in &module.resources {
        let ty = res.ty.as_str();
        if let Some(&(_, attr, what, target)) = RESOURCE_POLICIES.iter().find(|r| r.0 == ty) {
            each_instance(ev, res, false, |ev, inst, address| {
                let Some(a) = res.block.body.get_attribute(attr) else { return };
                let owner = format!("{what} of {}", target_name(ev, res, target, &address));
                let pl = Place {
                    kind: KindHint::Is(PolicyKind::Resource),
                    quota: PolicyQuota::Resource,
                    subject: address,
                    role: None,
                    when: when(inst, res, false),
                    owner: Some(owner),
                };
                read_policy(ev, unit, a, res.src, pl);
            });
        } else if let Some(&(_, attr, kind, quota)) = OTHER_POLICIES.iter().find(|r| r.0 == ty) {
            if ty == "aws_organizations_policy" && !is_scp(ev, res) {
                continue;
            }
            each_instance(ev, res, false, |ev, inst, address| {
                let Some(a) = res.block.body.get_attribute(attr) else { return };
                let pl = Place {
                    kind: KindHint::Is(kind),
                    quota,
                    subject: address,
                    role: None,
                    when: when(inst, res, false),
                    owner: None,
                };
                read_policy(ev, unit, a, res.src, pl);
            });
        } else if ty == "aws_lambda_permission" {
            each_instance(ev, res, false, |ev, inst, address| {
                lambda_permission(ev, unit, res, inst, address)
            });
        }
    }
}

/// `type` defaults to `SERVICE_CONTROL_POLICY`; tag, backup and AI opt-out policies are not IAM
/// policy language.
fn is_scp(ev: &mut Eval, res: &Res) -> bool {
    match res.block.body.get_attribute("type") {
        None => true,
        Some(a) => ev.eval(&a.value, res.src).text().is_none_or(|t| t == "SERVICE_CONTROL_POLICY"),
    }
}

/// The resource a policy protects, as the user wrote it: `aws_s3_bucket.logs` for a reference,
/// the bucket name when it is literal, else the policy resource's own address.
fn target_name(ev: &mut Eval, res: &Res, target: Option<&str>, address: &str) -> String {
    let Some(a) = target.and_then(|t| res.block.body.get_attribute(t)) else { return address.to_string() };
    if let Some((ty, name, _)) = reference(&a.value)
        && ty != "var"
        && ty != "local"
        && ty != "data"
    {
        return format!("{ty}.{name}");
    }
    ev.eval(&a.value, res.src).text().unwrap_or_else(|| address.to_string())
}

fn node(span: Span, kind: NodeKind) -> Node {
    Node { span, kind }
}

fn member(key: &str, span: Span, value: Node) -> Member {
    Member { key: key.to_string(), key_span: span, value }
}

/// `aws_lambda_permission` is one statement of the function's resource policy: `principal` may
/// call `action` on the function, under `source_arn`, `source_account` and `principal_org_id`.
fn lambda_permission(
    ev: &mut Eval,
    unit: &mut Unit,
    res: &Res,
    inst: &crate::input::terraform::instances::Instance,
    address: String,
) {
    let body = &res.block.body;
    let get = |ev: &mut Eval, k: &str| body.get_attribute(k).map(|a| ev.eval(&a.value, res.src));
    let Some(principal) = get(ev, "principal") else { return };
    let span = res.span;
    let principal_node = match principal.text() {
        Some(p) if p == "*" => node(principal.span, NodeKind::Str(p)),
        Some(p) => {
            let kind = if p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") {
                "Service"
            } else {
                "AWS"
            };
            node(principal.span, NodeKind::Object(vec![member(kind, principal.span, principal.to_node())]))
        }
        None => node(principal.span, NodeKind::Unknown),
    };
    let mut st = vec![
        member("Effect", span, node(span, NodeKind::Str("Allow".into()))),
        member("Principal", principal.span, principal_node),
    ];
    if let Some(a) = get(ev, "action") {
        st.push(member("Action", a.span, a.to_node()));
    }
    // The function's ARN is rarely known statically, and an unknown `Resource` would make the
    // statement partial: the statement is about who may call, so it is left out.
    let mut cond: Vec<Member> = Vec::new();
    for (attr, op, key) in [
        ("source_arn", "ArnLike", "aws:SourceArn"),
        ("source_account", "StringEquals", "aws:SourceAccount"),
        ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
    ] {
        let Some(v) = get(ev, attr) else { continue };
        if matches!(v.v, V::Null) {
            continue;
        }
        let entry = member(key, v.span, v.to_node());
        match cond.iter_mut().find(|m| m.key == op) {
            Some(Member { value: Node { kind: NodeKind::Object(m), .. }, .. }) => m.push(entry),
            _ => cond.push(member(op, v.span, node(v.span, NodeKind::Object(vec![entry])))),
        }
    }
    if !cond.is_empty() {
        st.push(member("Condition", span, node(span, NodeKind::Object(cond))));
    }
    let statement = node(span, NodeKind::Object(st));
    let doc = node(
        span,
        NodeKind::Object(vec![
            member("Version", span, node(span, NodeKind::Str("2012-10-17".into()))),
            member("Statement", span, node(span, NodeKind::Array(vec![statement]))),
        ]),
    );
    let function = target_name(ev, res, Some("function_name"), &address);
    let pl = Place {
        kind: KindHint::Is(PolicyKind::Resource),
        quota: PolicyQuota::Resource,
        subject: address,
        role: None,
        when: when(inst, res, false),
        owner: Some(format!("function policy of {function}")),
    };
    add_policy(ev, unit, &Sv { span, v: V::Json(Box::new(doc)) }, pl, None);
}
