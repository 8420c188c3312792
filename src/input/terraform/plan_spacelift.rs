//! Spacelift resources of a plan (`spacelift_aws_integration`, its attachments, the legacy
//! role resources), read into the same model as from HCL. An integration's role is the plan's
//! role whose ARN or name its `role_arn` gives, or the one its configuration references; an
//! attachment's integration is the one whose id it names, or the one its configuration
//! references (ids are only known after apply).

use crate::input::terraform::plan::PlanRes;
use crate::input::terraform::plan_config::references;
use crate::input::tree::{Node, NodeKind};
use crate::model::terraform::{SpaceliftAttachment, SpaceliftIntegration, SpaceliftLegacyRole};
use crate::model::{Unit, Value};

fn value(r: &PlanRes, key: &str) -> Option<Value> {
    let n = r.values.get(key)?;
    if matches!(n.kind, NodeKind::Null) {
        return None;
    }
    Some(match n.scalar_text() {
        Some(t) => Value::known(t, n.span),
        None => Value::unknown(n.span),
    })
}

/// `Some(b)` known; `default` when the plan leaves it out.
fn flag(r: &PlanRes, key: &str, default: bool) -> Option<bool> {
    match r.values.get(key).map(|n| &n.kind) {
        Some(NodeKind::Bool(b)) => Some(*b),
        Some(NodeKind::Null) | None => Some(default),
        Some(_) => None,
    }
}

pub fn spacelift(root: &Node, res: &[PlanRes], unit: &mut Unit) {
    let integrations: Vec<&PlanRes> = res.iter().filter(|r| r.ty == "spacelift_aws_integration").collect();
    for r in &integrations {
        let role_arn = value(r, "role_arn");
        let role =
            role_arn.as_ref().and_then(|v| v.as_str()).and_then(|arn| role_by_arn(unit, arn)).or_else(|| {
                let refs = references(root, &r.address, "role_arn");
                unit.roles.iter().position(|role| refs.iter().any(|a| names(a, &role.subject)))
            });
        let tag = value(r, "tag_assume_role");
        if let (Some(i), Some(t)) = (role, &tag)
            && t.as_str() == Some("true")
        {
            unit.roles[i].tag_session_required = Some(t.span);
        }
        unit.spacelift.integrations.push(SpaceliftIntegration {
            address: r.address.clone(),
            label: label(&r.address),
            span: r.span,
            name: value(r, "name"),
            role_arn,
            role,
            generate_credentials_in_worker: value(r, "generate_credentials_in_worker"),
            external_id: value(r, "external_id"),
            duration_seconds: value(r, "duration_seconds"),
            region: value(r, "region"),
            tag_assume_role: tag,
            repeated: false,
        });
    }
    for r in res.iter().filter(|r| r.ty == "spacelift_aws_integration_attachment") {
        let integration_id = value(r, "integration_id");
        let by_id = integration_id.as_ref().and_then(|v| v.as_str()).and_then(|id| {
            integrations.iter().position(|i| i.values.get("id").and_then(Node::as_str) == Some(id))
        });
        let integration = by_id.or_else(|| {
            let refs = references(root, &r.address, "integration_id");
            integrations.iter().position(|i| refs.iter().any(|a| names(a, &i.address)))
        });
        let read = flag(r, "read", true);
        let write = flag(r, "write", true);
        let span_of = |k: &str| r.values.get(k).map(|n| n.span);
        unit.spacelift.attachments.push(SpaceliftAttachment {
            address: r.address.clone(),
            span: r.span,
            is_external_id_source: false,
            integration_id,
            integration,
            stack_id: value(r, "stack_id"),
            module_id: value(r, "module_id"),
            read,
            write,
            read_span: span_of("read"),
            write_span: span_of("write"),
            repeated: false,
        });
    }
    for r in res.iter().filter(|r| r.ty == "spacelift_aws_role" || r.ty == "spacelift_stack_aws_role") {
        unit.spacelift.legacy_roles.push(SpaceliftLegacyRole {
            address: r.address.clone(),
            resource_type: r.ty.to_string(),
            span: r.span,
            role_arn: value(r, "role_arn"),
        });
    }
}

fn role_by_arn(unit: &Unit, arn: &str) -> Option<usize> {
    unit.roles.iter().position(|r| r.arn.as_deref() == Some(arn)).or_else(|| {
        let name = arn.rsplit_once(":role/")?.1.rsplit('/').next()?;
        unit.roles.iter().position(|r| r.name == name)
    })
}

/// Whether reference `r` (`aws_iam_role.r.arn`) is to the resource at `address`.
fn names(r: &str, address: &str) -> bool {
    let a = strip(address);
    r == a || r.strip_prefix(a.as_str()).is_some_and(|rest| rest.starts_with('.'))
}

/// The address without instance keys.
fn strip(address: &str) -> String {
    crate::input::terraform::plan_config::strip_address(address)
}

/// `spacelift_aws_integration.this` -> `this`.
fn label(address: &str) -> String {
    strip(address).rsplit('.').next().unwrap_or_default().to_string()
}
