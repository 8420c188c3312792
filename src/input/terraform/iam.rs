//! IAM resources of a module into the model, one instance at a time: roles with their trust and
//! inline policies, managed and inline policies, attachments (linked to roles by address, name or
//! ARN), and `aws_iam_policy_document` data sources that nothing in the module uses.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Attribute, Body};

use crate::input::policy::{KindHint, build_policy_from};
use crate::input::terraform::eval::Eval;
use crate::input::terraform::eval::repeat::instances;
use crate::input::terraform::instances::Instance;
use crate::input::terraform::policy::policy_node;
use crate::input::terraform::types::Expected;
use crate::input::terraform::value::{Sv, V};
use crate::input::terraform::{Module, Res, dynamic, unknown};
use crate::model::{PolicyKind, PolicyQuota, Role, SessionLimit, Unit, UnreadPolicy, Value};
use crate::source::SourceId;

/// Roles and customer managed policies of the module, by instance address and by label.
#[derive(Default)]
pub struct Ctx {
    pub roles: HashMap<String, usize>,
    pub role_labels: HashMap<String, Vec<usize>>,
    policies: HashMap<String, usize>,
    policy_labels: HashMap<String, Vec<usize>>,
}

/// What one policy place is: the kind and quota of its document, its subject, and the role it
/// belongs to.
pub struct Place {
    pub kind: KindHint,
    pub quota: PolicyQuota,
    pub subject: String,
    pub role: Option<usize>,
    /// `aws_iam_role.r is created` for the one possible instance of an unknown `count`.
    pub when: Option<String>,
    pub owner: Option<String>,
}

/// Reads the policy an attribute holds into the unit; a value that is unknown is recorded as an
/// unread place with the reason. Returns the policy's index.
pub fn read_policy(
    ev: &mut Eval,
    unit: &mut Unit,
    attr: &Attribute,
    src: SourceId,
    place: Place,
) -> Option<usize> {
    let sv = ev.eval(&attr.value, src);
    // An object or a list where the provider takes a JSON string (a forgotten `jsonencode`):
    // Terraform rejects it, so it is a type error, not a policy to lint.
    let sv = ev.typed(sv, attr.key.as_str(), Expected::Json);
    add_policy(ev, unit, &sv, place, Some((&attr.value, src)))
}

/// Like [`read_policy`] for a value already evaluated (`expr` names why it is unknown).
pub fn add_policy(
    ev: &mut Eval,
    unit: &mut Unit,
    sv: &Sv,
    place: Place,
    expr: Option<(&Expression, SourceId)>,
) -> Option<usize> {
    let Some((node, text)) = policy_node(sv, &mut unit.parse_failures) else {
        let reason = match (&sv.v, expr) {
            (V::Null, _) => Some("null (no policy)".to_string()),
            (V::Unknown, Some((e, src))) => Some(unknown::reason(ev, e, src)),
            (V::Unknown, None) => Some("an unknown value".to_string()),
            // Not JSON: a syntax error is already reported.
            _ => None,
        };
        if let Some(reason) = reason {
            unit.unread_policies.push(UnreadPolicy { subject: place.subject, span: sv.span, reason });
        }
        return None;
    };
    let mut policy = build_policy_from(node, place.kind, place.quota);
    policy.text = text;
    policy.subject = Some(place.subject);
    policy.role = place.role;
    policy.when = place.when;
    policy.owner = place.owner;
    unit.policies.push(policy);
    Some(unit.policies.len() - 1)
}

/// Runs `f` once per instance of `res`, with its `count`/`each` bound and its address.
pub fn each_instance(ev: &mut Eval, res: &Res, data: bool, mut f: impl FnMut(&mut Eval, &Instance, String)) {
    for inst in instances(ev, &res.block.body, res.src, res.span) {
        ev.push_scope(inst.scope.clone());
        let address = inst.address(&res.address(data));
        f(ev, &inst, address);
        ev.pop_scope();
    }
}

/// "`aws_iam_role.r` is created" for the one possible instance of an unknown collection.
pub fn when(inst: &Instance, res: &Res, data: bool) -> Option<String> {
    inst.symbolic.then(|| format!("{} is created", res.address(data)))
}

fn place(
    kind: PolicyKind,
    quota: PolicyQuota,
    subject: String,
    role: Option<usize>,
    when: Option<String>,
) -> Place {
    Place { kind: KindHint::Is(kind), quota, subject, role, when, owner: None }
}

fn values(sv: &Sv) -> Vec<Value> {
    match &sv.v {
        V::List(items) => items.iter().map(Sv::to_value).collect(),
        _ => vec![Value::unknown(sv.span)],
    }
}

pub fn extract(ev: &mut Eval, unit: &mut Unit) -> Ctx {
    let module: &Module = ev.module;
    let mut cx = Ctx::default();
    // Roles first, so policies can link to them.
    for res in module.resources.iter().filter(|r| r.ty == "aws_iam_role") {
        each_instance(ev, res, false, |ev, inst, address| role(ev, unit, &mut cx, res, inst, address));
    }
    for res in module.resources.iter().filter(|r| r.ty == "aws_iam_policy") {
        each_instance(ev, res, false, |ev, inst, address| {
            let Some(a) = res.block.body.get_attribute("policy") else { return };
            let pl = place(
                PolicyKind::Permission,
                PolicyQuota::Managed,
                address.clone(),
                None,
                when(inst, res, false),
            );
            if let Some(p) = read_policy(ev, unit, a, res.src, pl) {
                cx.policies.insert(address, p);
                cx.policy_labels.entry(res.name.clone()).or_default().push(p);
            }
        });
    }
    for res in &module.resources {
        let (body, src) = (&res.block.body, res.src);
        match res.ty.as_str() {
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                each_instance(ev, res, false, |ev, inst, address| {
                    let role = if res.ty == "aws_iam_role_policy" {
                        body.get_attribute("role").and_then(|a| role_of_expr(ev, unit, &cx, &a.value, src))
                    } else {
                        None
                    };
                    let Some(a) = body.get_attribute("policy") else { return };
                    let pl = place(
                        PolicyKind::Permission,
                        PolicyQuota::Inline,
                        address,
                        role,
                        when(inst, res, false),
                    );
                    if let (Some(p), Some(r)) = (read_policy(ev, unit, a, src, pl), role) {
                        unit.roles[r].permissions.push(p);
                    }
                });
            }
            "aws_iam_role_policy_attachment" => each_instance(ev, res, false, |ev, _, _| {
                let role =
                    body.get_attribute("role").and_then(|a| role_of_expr(ev, unit, &cx, &a.value, src));
                attach(ev, unit, &cx, body, src, role.into_iter().collect());
            }),
            "aws_iam_policy_attachment" => each_instance(ev, res, false, |ev, _, _| {
                let roles = body.get_attribute("roles").map(|a| roles_of_list(ev, unit, &cx, &a.value, src));
                attach(ev, unit, &cx, body, src, roles.unwrap_or_default());
            }),
            _ => {}
        }
    }
    cx
}

fn role(ev: &mut Eval, unit: &mut Unit, cx: &mut Ctx, res: &Res, inst: &Instance, address: String) {
    let body = &res.block.body;
    let name = body.get_attribute("name").map(|a| ev.eval(&a.value, res.src)).and_then(|v| v.text());
    let idx = unit.roles.len();
    unit.roles.push(Role {
        name: name.unwrap_or_else(|| res.name.clone()),
        subject: address.clone(),
        span: res.span,
        arn: None,
        trust: None,
        permissions: Vec::new(),
        managed_policies: Vec::new(),
        access: None,
        tag_session_required: None,
        session_limit: None,
    });
    unit.roles[idx].session_limit = match body.get_attribute("max_session_duration") {
        None => Some(SessionLimit { secs: crate::aws::sts::DEFAULT_MAX_SESSION_SECS, span: None }),
        Some(a) => {
            let v = ev.eval(&a.value, res.src);
            v.text().and_then(|t| t.parse().ok()).map(|secs| SessionLimit { secs, span: Some(v.span) })
        }
    };
    cx.roles.insert(address.clone(), idx);
    cx.role_labels.entry(res.name.clone()).or_default().push(idx);
    let created = when(inst, res, false);
    if let Some(a) = body.get_attribute("assume_role_policy") {
        let pl = place(PolicyKind::Trust, PolicyQuota::Trust, address.clone(), Some(idx), created.clone());
        unit.roles[idx].trust = read_policy(ev, unit, a, res.src, pl);
    }
    let subject = format!("{address}.inline_policy");
    for_blocks(ev, body, res.src, "inline_policy", |ev, b| {
        let Some(a) = b.get_attribute("policy") else { return };
        let pl =
            place(PolicyKind::Permission, PolicyQuota::Inline, subject.clone(), Some(idx), created.clone());
        if let Some(p) = read_policy(ev, unit, a, res.src, pl) {
            unit.roles[idx].permissions.push(p);
        }
    });
    if let Some(a) = body.get_attribute("managed_policy_arns") {
        let sv = ev.eval(&a.value, res.src);
        unit.roles[idx].managed_policies.extend(values(&sv));
    }
}

/// Calls `f` on the body of every `name` block and of every instance of a `dynamic "name"`
/// block (its iterator bound, or unknown when its `for_each` is).
pub fn for_blocks(
    ev: &mut Eval,
    body: &Body,
    src: SourceId,
    name: &str,
    mut f: impl FnMut(&mut Eval, &Body),
) {
    dynamic::each_block(ev, body, src, name, |ev, b| f(ev, &b.body));
}

/// `aws_iam_role.r`, `aws_iam_role.r[each.key]`, `aws_iam_role.r["net"]` followed by `.name`,
/// `.id` or `.arn`: the address it names, when the index is known.
fn role_address(
    ev: &mut Eval,
    expr: &Expression,
    src: SourceId,
    ty: &str,
) -> Option<(String, Option<String>)> {
    let expr = match expr {
        Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
            [hcl_edit::template::Element::Interpolation(i)] => &i.expr,
            _ => return None,
        },
        e => e,
    };
    let Expression::Traversal(t) = expr else { return None };
    let Expression::Variable(root) = &t.expr else { return None };
    if root.as_str() != ty {
        return None;
    }
    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
    let TraversalOperator::GetAttr(label) = ops.first()? else { return None };
    let base = format!("{ty}.{}", label.as_str());
    match ops.get(1)? {
        TraversalOperator::GetAttr(_) => Some((base, None)),
        TraversalOperator::Index(e) => {
            let key = ev.eval(e, src);
            let suffix = match &key.v {
                V::Num(n) => format!("[{n}]"),
                V::Str(s) => format!("[{:?}]", s.text),
                _ => return Some((base.clone(), Some(base))),
            };
            Some((format!("{base}{suffix}"), Some(base)))
        }
        TraversalOperator::LegacyIndex(i) => Some((format!("{base}[{}]", i.value()), Some(base))),
        _ => None,
    }
}

fn label_of(base: &str) -> &str {
    base.rsplit('.').next().unwrap_or(base)
}

/// The role of this module an expression names: by reference (with its instance), by name, or
/// by an ARN whose last part is the role name.
pub fn role_of_expr(ev: &mut Eval, unit: &Unit, cx: &Ctx, expr: &Expression, src: SourceId) -> Option<usize> {
    if let Some((address, base)) = role_address(ev, expr, src, "aws_iam_role") {
        if let Some(&i) = cx.roles.get(&address) {
            return Some(i);
        }
        // A plain reference, or the one possible instance of an unknown collection.
        let label = label_of(base.as_deref().unwrap_or(&address));
        let label = label.split('[').next().unwrap_or(label);
        if let Some([i]) = cx.role_labels.get(label).map(Vec::as_slice) {
            return Some(*i);
        }
    }
    let name = match ev.eval(expr, src).text() {
        Some(text) if text.starts_with("arn:") && text.contains(":role/") => {
            text.rsplit('/').next().unwrap_or(&text).to_string()
        }
        Some(text) => text,
        None => arn_role_name(ev, expr, src)?,
    };
    unit.roles.iter().position(|r| r.name == name)
}

/// The role name at the end of an ARN template whose other parts are unknown:
/// `"arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${local.role_name}"` (how
/// the Spacelift docs avoid a dependency cycle) names role `local.role_name`.
fn arn_role_name(ev: &mut Eval, expr: &Expression, src: SourceId) -> Option<String> {
    use hcl_edit::template::Element;
    let Expression::StringTemplate(t) = expr else { return None };
    let elements: Vec<&Element> = t.iter().collect();
    let at =
        elements.iter().rposition(|e| matches!(e, Element::Literal(l) if l.value().contains(":role/")))?;
    let Element::Literal(l) = elements[at] else { return None };
    let mut name = l.value().rsplit(":role/").next().unwrap_or_default().to_string();
    for e in &elements[at + 1..] {
        match e {
            Element::Literal(l) => name.push_str(l.value()),
            Element::Interpolation(i) => name.push_str(&ev.eval(&i.expr, src).text()?),
            Element::Directive(_) => return None,
        }
    }
    // A path (`role/ci/deploy`): the name is the last part.
    let name = name.rsplit('/').next().unwrap_or(&name).to_string();
    (!name.is_empty()).then_some(name)
}

fn roles_of_list(ev: &mut Eval, unit: &Unit, cx: &Ctx, expr: &Expression, src: SourceId) -> Vec<usize> {
    if let Expression::Array(items) = expr {
        return items.iter().filter_map(|e| role_of_expr(ev, unit, cx, e, src)).collect();
    }
    let sv = ev.eval(expr, src);
    let V::List(items) = &sv.v else { return Vec::new() };
    items.iter().filter_map(Sv::text).filter_map(|n| unit.roles.iter().position(|r| r.name == n)).collect()
}

/// `policy_arn` of an attachment: a customer policy of this module, or a managed policy ARN.
fn attach(ev: &mut Eval, unit: &mut Unit, cx: &Ctx, body: &Body, src: SourceId, roles: Vec<usize>) {
    let Some(a) = body.get_attribute("policy_arn") else { return };
    let customer = role_address(ev, &a.value, src, "aws_iam_policy").and_then(|(address, base)| {
        cx.policies.get(&address).copied().or_else(|| {
            let label = label_of(base.as_deref().unwrap_or(&address));
            match cx.policy_labels.get(label.split('[').next().unwrap_or(label)).map(Vec::as_slice) {
                Some([p]) => Some(*p),
                _ => None,
            }
        })
    });
    if let Some(p) = customer {
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

/// `aws_iam_policy_document` data sources that no place of the module read: linted on their
/// own, their kind inferred from their statements.
pub fn standalone_documents(ev: &mut Eval, unit: &mut Unit) {
    let module: &Module = ev.module;
    for res in module.data.iter().filter(|r| r.ty == "aws_iam_policy_document") {
        let base = format!("{}.{}", res.ty, res.name);
        if ev.document_evaluated(&base) {
            continue;
        }
        each_instance(ev, res, true, |ev, inst, address| {
            let sv = ev.document(res, inst, res.span);
            let pl = Place {
                kind: KindHint::Infer,
                quota: PolicyQuota::Unspecified,
                subject: address,
                role: None,
                when: when(inst, res, true),
                owner: None,
            };
            add_policy(ev, unit, &sv, pl, None);
        });
    }
}
