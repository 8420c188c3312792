//! Resources of a module into the model: roles and their policies, provider and backend
//! assume-role settings, credentials, and Spacelift integrations.

use std::collections::HashMap;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Body;

use crate::input::policy::{KindHint, build_policy};
use crate::input::terraform::attrs::{attrs, find, flag, value, values};
use crate::input::terraform::eval::Eval;
use crate::input::terraform::module::Module;
use crate::input::terraform::policy::policy_node;
use crate::input::terraform::value::{Sv, V};
use crate::model::terraform::{
    AssumeOrigin, AssumeRoleConfig, ProviderCreds, SpaceliftAttachment, SpaceliftIntegration,
    SpaceliftLegacyRole,
};
use crate::model::{PolicyKind, PolicyQuota, Role, Unit, Value};
use crate::source::{SourceId, Span};

/// `TYPE.NAME.ATTR` written directly (not through locals): the resource an attribute points at.
/// `"${TYPE.NAME.ATTR}"` (how `.tf.json` writes it) is the same reference.
pub fn reference(expr: &Expression) -> Option<(String, String, String)> {
    if let Expression::StringTemplate(t) = expr
        && let [hcl_edit::template::Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice()
    {
        return reference(&i.expr);
    }
    let Expression::Traversal(t) = expr else { return None };
    let Expression::Variable(root) = &t.expr else { return None };
    let attrs: Vec<&str> = t
        .operators
        .iter()
        .map_while(|o| match o.value() {
            TraversalOperator::GetAttr(a) => Some(a.as_str()),
            _ => None,
        })
        .collect();
    match attrs.as_slice() {
        [name, attr, ..] => Some((root.as_str().to_string(), name.to_string(), attr.to_string())),
        _ => None,
    }
}

struct Ctx {
    /// `aws_iam_role` label -> index in `unit.roles`.
    roles: HashMap<String, usize>,
    /// `aws_iam_policy` label -> index in `unit.policies`.
    policies: HashMap<String, usize>,
}

fn add_policy(
    unit: &mut Unit,
    sv: &Sv,
    kind: PolicyKind,
    quota: PolicyQuota,
    subject: String,
    role: Option<usize>,
) -> Option<usize> {
    let (node, text) = policy_node(sv, &mut unit.parse_failures)?;
    let mut policy = build_policy(&node, KindHint::Is(kind), quota);
    policy.text = text;
    policy.subject = Some(subject);
    policy.role = role;
    unit.policies.push(policy);
    Some(unit.policies.len() - 1)
}

pub fn extract(ev: &mut Eval, unit: &mut Unit) {
    let module: &Module = ev.module;
    let mut cx = Ctx { roles: HashMap::new(), policies: HashMap::new() };
    // Roles first, so policies can link to them.
    for res in module.resources.iter().filter(|r| r.ty == "aws_iam_role") {
        let address = res.address(false);
        let body = &res.block.body;
        let name = body
            .get_attribute("name")
            .map(|a| ev.eval(&a.value, res.src))
            .and_then(|v| v.text())
            .unwrap_or_else(|| res.name.clone());
        let idx = unit.roles.len();
        unit.roles.push(Role {
            name,
            subject: address.clone(),
            span: res.span,
            arn: None,
            trust: None,
            permissions: Vec::new(),
            managed_policies: Vec::new(),
            access: None,
            tag_session_required: None,
        });
        cx.roles.insert(res.name.clone(), idx);
        if let Some(a) = body.get_attribute("assume_role_policy") {
            let sv = ev.eval(&a.value, res.src);
            let p = add_policy(unit, &sv, PolicyKind::Trust, PolicyQuota::Trust, address.clone(), Some(idx));
            unit.roles[idx].trust = p;
        }
        for b in body.blocks().filter(|b| b.ident.as_str() == "inline_policy") {
            if let Some(a) = b.body.get_attribute("policy") {
                let sv = ev.eval(&a.value, res.src);
                let subject = format!("{address}.inline_policy");
                if let Some(p) =
                    add_policy(unit, &sv, PolicyKind::Permission, PolicyQuota::Inline, subject, Some(idx))
                {
                    unit.roles[idx].permissions.push(p);
                }
            }
        }
        if let Some(a) = body.get_attribute("managed_policy_arns") {
            let sv = ev.eval(&a.value, res.src);
            unit.roles[idx].managed_policies.extend(values(&sv));
        }
    }
    for res in module.resources.iter().filter(|r| r.ty == "aws_iam_policy") {
        if let Some(a) = res.block.body.get_attribute("policy") {
            let sv = ev.eval(&a.value, res.src);
            let subject = res.address(false);
            if let Some(p) =
                add_policy(unit, &sv, PolicyKind::Permission, PolicyQuota::Managed, subject, None)
            {
                cx.policies.insert(res.name.clone(), p);
            }
        }
    }
    for res in &module.resources {
        let body = &res.block.body;
        let src = res.src;
        match res.ty.as_str() {
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let role = if res.ty == "aws_iam_role_policy" {
                    role_index(ev, unit, &cx, body, src, "role")
                } else {
                    None
                };
                if let Some(a) = body.get_attribute("policy") {
                    let sv = ev.eval(&a.value, src);
                    let p = add_policy(
                        unit,
                        &sv,
                        PolicyKind::Permission,
                        PolicyQuota::Inline,
                        res.address(false),
                        role,
                    );
                    if let (Some(p), Some(r)) = (p, role) {
                        unit.roles[r].permissions.push(p);
                    }
                }
            }
            "aws_iam_role_policy_attachment" => {
                let role = role_index(ev, unit, &cx, body, src, "role");
                attach(ev, unit, &cx, body, src, role.into_iter().collect());
            }
            "aws_iam_policy_attachment" => {
                let mut roles = Vec::new();
                if let Some(a) = body.get_attribute("roles")
                    && let Expression::Array(items) = &a.value
                {
                    for e in items.iter() {
                        roles.extend(role_of_expr(ev, unit, &cx, e, src));
                    }
                }
                attach(ev, unit, &cx, body, src, roles);
            }
            _ => {}
        }
    }
    providers(ev, unit, module);
    backends(ev, unit, module);
    spacelift(ev, unit, module, &cx);
}

fn role_of_expr(ev: &mut Eval, unit: &Unit, cx: &Ctx, expr: &Expression, src: SourceId) -> Option<usize> {
    if let Some((ty, name, attr)) = reference(expr)
        && ty == "aws_iam_role"
        && (attr == "name" || attr == "id" || attr == "arn")
    {
        return cx.roles.get(&name).copied();
    }
    let text = ev.eval(expr, src).text()?;
    unit.roles.iter().position(|r| r.name == text)
}

fn role_index(ev: &mut Eval, unit: &Unit, cx: &Ctx, body: &Body, src: SourceId, key: &str) -> Option<usize> {
    let a = body.get_attribute(key)?;
    role_of_expr(ev, unit, cx, &a.value, src)
}

/// `policy_arn` of an attachment: a customer policy of this module, or a managed policy ARN.
fn attach(ev: &mut Eval, unit: &mut Unit, cx: &Ctx, body: &Body, src: SourceId, roles: Vec<usize>) {
    let Some(a) = body.get_attribute("policy_arn") else { return };
    if let Some((ty, name, attr)) = reference(&a.value)
        && ty == "aws_iam_policy"
        && (attr == "arn" || attr == "id")
        && let Some(&p) = cx.policies.get(&name)
    {
        for r in roles {
            unit.roles[r].permissions.push(p);
            unit.policies[p].role.get_or_insert(r);
        }
        return;
    }
    let v = ev.eval(&a.value, src).to_value();
    for r in roles {
        unit.roles[r].managed_policies.push(v.clone());
    }
}

fn assume_config(
    unit: &mut Unit,
    origin: AssumeOrigin,
    span: Span,
    list: &[(String, Sv)],
) -> AssumeRoleConfig {
    let duration = match (find(list, "duration"), find(list, "duration_seconds")) {
        (Some(d), _) => Some(d.to_value()),
        (None, Some(s)) => Some(match s.text() {
            Some(t) => Value::known(format!("{t}s"), s.span),
            None => Value::unknown(s.span),
        }),
        _ => None,
    };
    let policy = find(list, "policy").cloned().and_then(|sv| {
        let subject = format!("{}.policy", origin.describe());
        add_policy(unit, &sv, PolicyKind::Permission, PolicyQuota::Inline, subject, None)
    });
    AssumeRoleConfig {
        origin,
        span,
        role_arn: value(list, "role_arn"),
        external_id: value(list, "external_id"),
        session_name: value(list, "session_name"),
        source_identity: value(list, "source_identity"),
        duration,
        policy_arns: find(list, "policy_arns").map(values).unwrap_or_default(),
        policy,
    }
}

fn creds(origin: String, span: Span, list: &[(String, Sv)]) -> Option<ProviderCreds> {
    let c = ProviderCreds {
        origin,
        span,
        access_key: value(list, "access_key"),
        secret_key: value(list, "secret_key"),
        token: value(list, "token"),
        skip_metadata_api_check: value(list, "skip_metadata_api_check"),
    };
    (c.access_key.is_some()
        || c.secret_key.is_some()
        || c.token.is_some()
        || c.skip_metadata_api_check.is_some())
    .then_some(c)
}

fn providers(ev: &mut Eval, unit: &mut Unit, module: &Module) {
    for (src, block) in &module.providers {
        if block.labels.first().map(|l| l.as_str()) != Some("aws") {
            continue;
        }
        let src = *src;
        let span = ev.module.hspan(src, block.span(), Span::new(src, 0, 0));
        let top = attrs(ev, &block.body, src);
        let alias = find(&top, "alias").and_then(Sv::text);
        let origin = match &alias {
            Some(a) => format!("provider \"aws\" (alias {a})"),
            None => "provider \"aws\"".to_string(),
        };
        unit.provider_creds.extend(creds(origin, span, &top));
        for b in block.body.blocks() {
            let o = match b.ident.as_str() {
                "assume_role" => AssumeOrigin::Provider { alias: alias.clone() },
                "assume_role_with_web_identity" => AssumeOrigin::ProviderWebIdentity { alias: alias.clone() },
                _ => continue,
            };
            let list = attrs(ev, &b.body, src);
            let bspan = ev.module.hspan(src, b.span(), span);
            let c = assume_config(unit, o, bspan, &list);
            unit.assume_roles.push(c);
        }
    }
}

fn backends(ev: &mut Eval, unit: &mut Unit, module: &Module) {
    for (src, block) in &module.terraform {
        let src = *src;
        for b in block.body.blocks() {
            if b.ident.as_str() != "backend" || b.labels.first().map(|l| l.as_str()) != Some("s3") {
                continue;
            }
            let span = ev.module.hspan(src, b.span(), Span::new(src, 0, 0));
            let top = attrs(ev, &b.body, src);
            unit.provider_creds.extend(creds("backend \"s3\"".into(), span, &top));
            if let Some(ar) = find(&top, "assume_role") {
                let objs: Vec<&Sv> = match &ar.v {
                    V::List(items) => items.iter().collect(),
                    _ => vec![ar],
                };
                for o in objs {
                    if let V::Obj(m) = &o.v {
                        let list: Vec<(String, Sv)> =
                            m.iter().map(|(k, _, v)| (k.clone(), v.clone())).collect();
                        let c = assume_config(unit, AssumeOrigin::Backend, o.span, &list);
                        unit.assume_roles.push(c);
                    }
                }
            } else if find(&top, "role_arn").is_some() {
                // The pre-1.6 top-level form.
                let mut list: Vec<(String, Sv)> = top
                    .iter()
                    .filter(|(k, _)| ["role_arn", "external_id", "session_name"].contains(&k.as_str()))
                    .cloned()
                    .collect();
                if let Some(d) = find(&top, "assume_role_duration_seconds") {
                    list.push(("duration_seconds".into(), d.clone()));
                }
                if let Some(p) = find(&top, "assume_role_policy_arns") {
                    list.push(("policy_arns".into(), p.clone()));
                }
                if let Some(p) = find(&top, "assume_role_policy") {
                    list.push(("policy".into(), p.clone()));
                }
                let c = assume_config(unit, AssumeOrigin::Backend, span, &list);
                unit.assume_roles.push(c);
            }
        }
    }
}

fn integration_ref(module: &Module, expr: &Expression) -> Option<usize> {
    let (ty, name, _) = reference(expr)?;
    if ty != "spacelift_aws_integration" {
        return None;
    }
    module.resources.iter().filter(|r| r.ty == "spacelift_aws_integration").position(|r| r.name == name)
}

fn spacelift(ev: &mut Eval, unit: &mut Unit, module: &Module, cx: &Ctx) {
    for res in module.resources.iter().filter(|r| r.ty == "spacelift_aws_integration") {
        let list = attrs(ev, &res.block.body, res.src);
        let role = res
            .block
            .body
            .get_attribute("role_arn")
            .and_then(|a| reference(&a.value))
            .filter(|(ty, _, _)| ty == "aws_iam_role")
            .and_then(|(_, name, _)| cx.roles.get(&name).copied());
        let tag = find(&list, "tag_assume_role");
        if let (Some(r), Some(t)) = (role, tag)
            && t.as_bool() == Some(true)
        {
            unit.roles[r].tag_session_required = Some(t.span);
        }
        unit.spacelift.integrations.push(SpaceliftIntegration {
            address: res.address(false),
            label: res.name.clone(),
            span: res.span,
            name: value(&list, "name"),
            role_arn: value(&list, "role_arn"),
            role,
            generate_credentials_in_worker: value(&list, "generate_credentials_in_worker"),
            external_id: value(&list, "external_id"),
            duration_seconds: value(&list, "duration_seconds"),
            region: value(&list, "region"),
            tag_assume_role: value(&list, "tag_assume_role"),
            repeated: res.repeated(),
        });
    }
    let attachments = module
        .resources
        .iter()
        .filter(|r| r.ty == "spacelift_aws_integration_attachment")
        .map(|r| (r, false))
        .chain(
            module
                .data
                .iter()
                .filter(|r| r.ty == "spacelift_aws_integration_attachment_external_id")
                .map(|r| (r, true)),
        );
    for (res, is_data) in attachments {
        let list = attrs(ev, &res.block.body, res.src);
        let (read, read_span) = flag(&list, "read", true);
        let (write, write_span) = flag(&list, "write", true);
        unit.spacelift.attachments.push(SpaceliftAttachment {
            address: res.address(is_data),
            span: res.span,
            is_external_id_source: is_data,
            integration_id: value(&list, "integration_id"),
            integration: res
                .block
                .body
                .get_attribute("integration_id")
                .and_then(|a| integration_ref(module, &a.value)),
            stack_id: value(&list, "stack_id"),
            module_id: value(&list, "module_id"),
            read,
            write,
            read_span,
            write_span,
            repeated: res.repeated(),
        });
    }
    for res in
        module.resources.iter().filter(|r| r.ty == "spacelift_aws_role" || r.ty == "spacelift_stack_aws_role")
    {
        let list = attrs(ev, &res.block.body, res.src);
        unit.spacelift.legacy_roles.push(SpaceliftLegacyRole {
            address: res.address(false),
            resource_type: res.ty.clone(),
            span: res.span,
            role_arn: value(&list, "role_arn"),
        });
    }
}
