//! Policies in Terraform: JSON strings (quoted, heredoc, `file()`), `jsonencode({...})`, and
//! `aws_iam_policy_document` data sources, all turned into the one spanned tree.

use hcl_edit::Span as _;
use hcl_edit::structure::{Block, Body};

use crate::input::terraform::dynamic;
use crate::input::terraform::eval::Eval;
use crate::input::terraform::module::Res;
use crate::input::terraform::spanned::parse_json_str;
use crate::input::terraform::types::Expected;
use crate::input::terraform::value::{Sv, V, has_unknown, jsonencode_text, mark_holes};
use crate::input::tree::{Member, Node, NodeKind};
use crate::model::ParseFailure;
use crate::source::{SourceId, Span};

/// The document tree of a policy-valued expression, and its exact text when known (for size
/// quotas). `None` when the value is unknown or not JSON (a syntax error is added to `failures`).
pub fn policy_node(sv: &Sv, failures: &mut Vec<ParseFailure>) -> Option<(Node, Option<String>)> {
    match &sv.v {
        V::Json(n) => {
            let text = (!has_unknown(n)).then(|| jsonencode_text(n));
            Some(((**n).clone(), text))
        }
        // A document with unknown holes (a template, a heredoc): the holes are unknown leaves.
        // When it does not parse, a hole may be what breaks it: unknown, not an error.
        V::Partial(s, holes) => {
            let mut node = parse_json_str(s, sv.span).ok()?;
            mark_holes(&mut node, holes);
            Some((node, None))
        }
        V::Str(s) => match parse_json_str(s, sv.span) {
            Ok(n) => Some((n, Some(s.text.clone()))),
            Err((span, message)) => {
                failures.push(ParseFailure { span, message, what: "policy JSON" });
                None
            }
        },
        _ => None,
    }
}

fn str_node(text: &str, span: Span) -> Node {
    Node { span, kind: NodeKind::Str(text.to_string()) }
}

fn member(key: &str, key_span: Span, value: Node) -> Member {
    Member { key: key.to_string(), key_span, value }
}

/// `&{aws:username}` is how a policy document writes the IAM variable `${aws:username}`.
fn policy_vars(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Str(s) if s.contains("&{") => *s = s.replace("&{", "${"),
        NodeKind::Array(items) => items.iter_mut().for_each(policy_vars),
        NodeKind::Object(m) => m.iter_mut().for_each(|m| policy_vars(&mut m.value)),
        _ => {}
    }
}

fn attr_member(
    ev: &mut Eval,
    body: &Body,
    src: SourceId,
    hcl: &str,
    json: &str,
    fallback: Span,
) -> Option<Member> {
    let a = body.get_attribute(hcl)?;
    let ks = ev.module.hspan(src, a.key.span(), fallback);
    let expected = match hcl {
        "actions" | "not_actions" | "resources" | "not_resources" => Expected::StringSet,
        _ => Expected::String,
    };
    let v = ev.eval(&a.value, src);
    // A null argument is an argument not set, as in Terraform (`sid = try(s.sid, null)`).
    if matches!(v.v, V::Null) {
        return None;
    }
    Some(member(json, ks, ev.typed(v, hcl, expected).to_node()))
}

/// Statements of another document (`source_policy_documents` items).
fn doc_statements(sv: &Sv) -> Vec<Node> {
    let V::Json(n) = &sv.v else { return vec![Node { span: sv.span, kind: NodeKind::Unknown }] };
    match n.get("Statement") {
        Some(Node { kind: NodeKind::Array(items), .. }) => items.clone(),
        Some(st @ Node { kind: NodeKind::Object(_), .. }) => vec![st.clone()],
        _ => vec![Node { span: sv.span, kind: NodeKind::Unknown }],
    }
}

fn sid_of(n: &Node) -> Option<&str> {
    n.get("Sid").and_then(Node::as_str).filter(|s| !s.is_empty())
}

fn merge_by_sid(into: &mut Vec<Node>, st: Node) {
    if let Some(sid) = sid_of(&st)
        && let Some(slot) = into.iter_mut().position(|x| sid_of(x) == Some(sid))
    {
        into[slot] = st;
        return;
    }
    into.push(st);
}

fn docs_list(ev: &mut Eval, body: &Body, src: SourceId, key: &str, fallback: Span) -> Vec<Vec<Node>> {
    let Some(a) = body.get_attribute(key) else { return Vec::new() };
    let sv = ev.eval(&a.value, src);
    match &sv.v {
        V::List(items) => items.iter().map(doc_statements).collect(),
        _ => {
            vec![vec![Node { span: ev.module.hspan(src, a.value.span(), fallback), kind: NodeKind::Unknown }]]
        }
    }
}

/// Builds the JSON document an `aws_iam_policy_document` data source produces, with the spans of
/// the HCL that wrote each part. Unknown parts (dynamic blocks, unresolved values) stay unknown.
pub fn policy_document(ev: &mut Eval, res: &Res) -> Option<Node> {
    let (src, body, span) = (res.src, &res.block.body, res.span);
    let head = ev.module.hspan(src, res.block.ident.span(), span);
    let mut members = Vec::new();
    match attr_member(ev, body, src, "version", "Version", span) {
        Some(m) => members.push(m),
        None => members.push(member("Version", head, str_node("2012-10-17", head))),
    }
    members.extend(attr_member(ev, body, src, "policy_id", "Id", span));

    let mut statements: Vec<Node> = Vec::new();
    for doc in docs_list(ev, body, src, "source_policy_documents", span) {
        for st in doc {
            merge_by_sid(&mut statements, st);
        }
    }
    dynamic::each_block(ev, body, src, "statement", |ev, block| {
        let st = statement(ev, block, src, span);
        merge_by_sid(&mut statements, st);
    });
    for doc in docs_list(ev, body, src, "override_policy_documents", span) {
        for st in doc {
            merge_by_sid(&mut statements, st);
        }
    }
    let st_span = statements.iter().map(|s| s.span).reduce(Span::to).unwrap_or(span);
    members.push(member("Statement", head, Node { span: st_span, kind: NodeKind::Array(statements) }));
    Some(Node { span, kind: NodeKind::Object(members) })
}

fn statement(ev: &mut Eval, block: &Block, src: SourceId, fallback: Span) -> Node {
    let span = ev.module.hspan(src, block.span(), fallback);
    let head = ev.module.hspan(src, block.ident.span(), span);
    let body = &block.body;
    let mut m = Vec::new();
    m.extend(attr_member(ev, body, src, "sid", "Sid", span));
    match attr_member(ev, body, src, "effect", "Effect", span) {
        Some(e) => m.push(e),
        None => m.push(member("Effect", head, str_node("Allow", head))),
    }
    for (hcl, json) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        m.extend(attr_member(ev, body, src, hcl, json, span));
    }
    for (hcl, json) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
        if let Some(p) = principals(ev, body, src, hcl, span) {
            m.push(member(json, p.0, p.1));
        }
    }
    if let Some((ks, c)) = conditions(ev, body, src, span) {
        m.push(member("Condition", ks, c));
    }
    let mut node = Node { span, kind: NodeKind::Object(m) };
    policy_vars(&mut node);
    node
}

/// The span of the keyword of the first `name` block (or `dynamic "name"`), and of them all.
fn blocks_span(ev: &Eval, body: &Body, src: SourceId, name: &str, fallback: Span) -> Option<(Span, Span)> {
    let blocks: Vec<&Block> =
        body.blocks().filter(|b| b.ident.as_str() == name || dynamic::is_dynamic(b, name)).collect();
    let first = blocks.first()?;
    let ks = ev.module.hspan(src, first.ident.span(), fallback);
    let span =
        blocks.iter().map(|b| ev.module.hspan(src, b.span(), fallback)).reduce(Span::to).unwrap_or(fallback);
    Some((ks, span))
}

fn principals(ev: &mut Eval, body: &Body, src: SourceId, name: &str, fallback: Span) -> Option<(Span, Node)> {
    let (ks, span) = blocks_span(ev, body, src, name, fallback)?;
    let mut entries: Vec<Member> = Vec::new();
    let mut unknown = false;
    let mut anyone: Option<Span> = None;
    let mut blocks = 0usize;
    dynamic::each_block(ev, body, src, name, |ev, b| {
        blocks += 1;
        let ty = b.body.get_attribute("type").map(|a| {
            let v = ev.eval(&a.value, src);
            ev.typed(v, "type", Expected::String)
        });
        let ids = b.body.get_attribute("identifiers").map(|a| {
            let v = ev.eval(&a.value, src);
            ev.typed(v, "identifiers", Expected::StringSet)
        });
        let (Some(ty), Some(ids)) = (ty, ids) else { return };
        let Some(type_text) = ty.text() else {
            unknown = true;
            return;
        };
        let items = match ids.to_node() {
            Node { kind: NodeKind::Array(items), .. } => items,
            other => vec![other],
        };
        if type_text == "*" {
            // `type = "*"`, `identifiers = ["*"]` is the bare `"Principal": "*"`.
            anyone.get_or_insert(ids.span);
            return;
        }
        match entries.iter_mut().find(|e| e.key == type_text) {
            Some(e) => {
                if let NodeKind::Array(v) = &mut e.value.kind {
                    v.extend(items);
                }
            }
            None => entries.push(Member {
                key: type_text,
                key_span: ty.span,
                value: Node { span: ids.span, kind: NodeKind::Array(items) },
            }),
        }
    });
    if blocks == 0 {
        // Only `dynamic "principals"` blocks over an empty collection: no element at all, as
        // in the document Terraform renders.
        return None;
    }
    if let Some(at) = anyone {
        return Some((ks, Node { span: at, kind: NodeKind::Str("*".into()) }));
    }
    if unknown {
        return Some((ks, Node { span, kind: NodeKind::Unknown }));
    }
    Some((ks, Node { span, kind: NodeKind::Object(entries) }))
}

fn conditions(ev: &mut Eval, body: &Body, src: SourceId, fallback: Span) -> Option<(Span, Node)> {
    let (ks, span) = blocks_span(ev, body, src, "condition", fallback)?;
    let mut ops: Vec<Member> = Vec::new();
    let mut unknown = false;
    dynamic::each_block(ev, body, src, "condition", |ev, b| {
        let get = |k: &str| b.body.get_attribute(k);
        let (Some(t), Some(var), Some(vals)) = (get("test"), get("variable"), get("values")) else {
            return;
        };
        let (t, var, vals) = (ev.eval(&t.value, src), ev.eval(&var.value, src), ev.eval(&vals.value, src));
        let t = ev.typed(t, "test", Expected::String);
        let var = ev.typed(var, "variable", Expected::String);
        let vals = ev.typed(vals, "values", Expected::StringList);
        let (Some(test), Some(variable)) = (t.text(), var.text()) else {
            unknown = true;
            return;
        };
        add_condition(&mut ops, test, t.span, variable, var.span, vals.to_node());
    });
    if unknown {
        return Some((ks, Node { span, kind: NodeKind::Unknown }));
    }
    Some((ks, Node { span, kind: NodeKind::Object(ops) }))
}

fn add_condition(
    ops: &mut Vec<Member>,
    test: String,
    t_span: Span,
    variable: String,
    v_span: Span,
    values: Node,
) {
    let op = match ops.iter_mut().position(|o| o.key == test) {
        Some(i) => &mut ops[i],
        None => {
            ops.push(Member {
                key: test,
                key_span: t_span,
                value: Node { span: t_span, kind: NodeKind::Object(vec![]) },
            });
            let last = ops.len() - 1;
            &mut ops[last]
        }
    };
    op.value.span = op.value.span.to(values.span);
    if let NodeKind::Object(keys) = &mut op.value.kind {
        match keys.iter_mut().find(|k| k.key == variable) {
            // Two blocks with the same test and variable: keep both value lists (ORed here;
            // rare, and never made stricter than written).
            Some(k) => match (&mut k.value.kind, values.kind) {
                (NodeKind::Array(a), NodeKind::Array(b)) => a.extend(b),
                _ => k.value.kind = NodeKind::Unknown,
            },
            None => keys.push(Member { key: variable, key_span: v_span, value: values }),
        }
    }
}
