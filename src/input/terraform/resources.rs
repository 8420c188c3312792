//! Resources of a module into the model: roles and their policies, provider and backend
//! assume-role settings, credentials, and Spacelift integrations.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;

use crate::input::policy::KindHint;
pub use crate::input::terraform::attrs::reference;
use crate::input::terraform::attrs::{attrs, find, flag, value, values};
use crate::input::terraform::dynamic;
use crate::input::terraform::eval::Eval;
use crate::input::terraform::iam::{self, Ctx, Place};
use crate::input::terraform::module::Module;
use crate::input::terraform::resource_policies;
use crate::input::terraform::value::{Sv, V};
use crate::model::terraform::{
    AssumeOrigin, AssumeRoleConfig, ProviderCreds, SessionTags, SpaceliftAttachment, SpaceliftIntegration,
    SpaceliftLegacyRole,
};
use crate::model::{PolicyKind, PolicyQuota, Unit, Value};
use crate::source::Span;

pub fn extract(ev: &mut Eval, unit: &mut Unit) {
    let module: &Module = ev.module;
    let cx = iam::extract(ev, unit);
    resource_policies::extract(ev, unit);
    providers(ev, unit, module);
    backends(ev, unit, module);
    spacelift(ev, unit, module, &cx);
    // Last: documents read by any place above are linted there.
    iam::standalone_documents(ev, unit);
}

fn assume_config(
    ev: &mut Eval,
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
        let place = Place {
            kind: KindHint::Is(PolicyKind::Permission),
            quota: PolicyQuota::Inline,
            subject,
            role: None,
            when: None,
            owner: None,
        };
        iam::add_policy(ev, unit, &sv, place, None)
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
        tags: find(list, "tags").map(session_tags),
        transitive_tag_keys: find(list, "transitive_tag_keys").map(values).unwrap_or_default(),
    }
}

fn session_tags(sv: &Sv) -> SessionTags {
    let keys = match &sv.v {
        V::Obj(m) => Some(m.iter().map(|(k, _, _)| k.clone()).collect()),
        _ => None,
    };
    SessionTags { span: sv.span, keys }
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
        for name in ["assume_role", "assume_role_with_web_identity"] {
            dynamic::each_block(ev, &block.body, src, name, |ev, b| {
                let o = match name {
                    "assume_role" => AssumeOrigin::Provider { alias: alias.clone() },
                    _ => AssumeOrigin::ProviderWebIdentity { alias: alias.clone() },
                };
                let list = attrs(ev, &b.body, src);
                let bspan = ev.module.hspan(src, b.span(), span);
                let c = assume_config(ev, unit, o, bspan, &list);
                unit.assume_roles.push(c);
            });
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
                        let c = assume_config(ev, unit, AssumeOrigin::Backend, o.span, &list);
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
                let c = assume_config(ev, unit, AssumeOrigin::Backend, span, &list);
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
        // A reference, a name, or an ARN with holes (`arn:aws:iam::${account}:role/${local.name}`).
        let role = res
            .block
            .body
            .get_attribute("role_arn")
            .and_then(|a| iam::role_of_expr(ev, unit, cx, &a.value, res.src));
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
