//! Static evaluation of HCL expressions: what can be known without running Terraform.
//!
//! Known: literals, `locals`, `var.*` defaults, string templates of known parts, attributes of
//! other resources that are written in their blocks (`aws_iam_role.x.name`), data source
//! attributes that a [`DataSources`] implementation computes, and a few functions (`jsonencode`,
//! `jsondecode`, `file`, `templatefile`, `concat`, `format`, `lower`, `upper`, `replace`,
//! `join`, ...). Everything else is [`V::Unknown`], and rules stay silent on it.
//!
//! The evaluator knows HCL and Terraform's language, not providers: it names no resource or data
//! source type except where Terraform's own semantics do (`id` of IAM resources is their name).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::template::{Element, Template};

use crate::input::terraform::instances::{Instance, Key, instances};
use crate::input::terraform::module::{Module, Res};
use crate::input::terraform::spanned::{SpStr, align, parse_json_str, push_part};
use crate::input::terraform::value::{Sv, V};
use crate::source::{Source, SourceId, SourceMap, Span};

const MAX_DEPTH: usize = 48;

/// Computes the attributes of data sources (`data.TYPE.NAME.ATTR`), which only a provider
/// knows. Implementations may evaluate the block's own arguments with `ev`.
pub trait DataSources {
    /// The value of `attr` of data source `res`; `None` when it is not known statically.
    fn attr(&self, ev: &mut Eval, res: &Res, attr: &str, span: Span) -> Option<Sv>;
}

/// No data source is known.
pub struct NoDataSources;

impl DataSources for NoDataSources {
    fn attr(&self, _: &mut Eval, _: &Res, _: &str, _: Span) -> Option<Sv> {
        None
    }
}

pub struct Eval<'m> {
    pub module: &'m Module,
    pub sources: &'m SourceMap,
    data: &'m dyn DataSources,
    depth: usize,
    scope: Vec<HashMap<String, Sv>>,
    /// Files pulled in by `file()` / `templatefile()`.
    pub extra_sources: Vec<SourceId>,
    /// Addresses of the data source instances being evaluated, innermost last.
    data_instances: Vec<String>,
    /// Policy document instances some expression read (`aws_iam_policy_document.x[0]`).
    documents_read: std::collections::HashSet<String>,
}

impl<'m> Eval<'m> {
    pub fn new(module: &'m Module, sources: &'m SourceMap, data: &'m dyn DataSources) -> Self {
        Eval {
            module,
            sources,
            data,
            depth: 0,
            scope: Vec::new(),
            extra_sources: Vec::new(),
            data_instances: Vec::new(),
            documents_read: Default::default(),
        }
    }

    fn source(&self, src: SourceId) -> Option<Arc<Source>> {
        self.sources.get(src)
    }

    pub fn eval(&mut self, expr: &Expression, src: SourceId) -> Sv {
        if self.depth > MAX_DEPTH {
            return Sv::unknown(Span::new(src, 0, 0));
        }
        self.depth += 1;
        let out = self.eval_inner(expr, src);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, expr: &Expression, src: SourceId) -> Sv {
        let span = self.module.hspan(src, expr.span(), Span::new(src, 0, 0));
        let v = match expr {
            Expression::Null(_) => V::Null,
            Expression::Bool(b) => V::Bool(*b.value()),
            Expression::Number(n) => V::Num(n.value().to_string()),
            Expression::String(s) => V::Str(self.literal(s.value(), span, true)),
            Expression::Array(a) => V::List(a.iter().map(|e| self.eval(e, src)).collect()),
            Expression::Object(o) => {
                let mut members = Vec::new();
                for (k, v) in o.iter() {
                    let ks = self.module.hspan(src, k.span(), span);
                    let key = match k {
                        ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                        ObjectKey::Expression(e) => match e {
                            // `"Version" = ...` and `(local.k) = ...`
                            Expression::Variable(i) => Some(i.as_str().to_string()),
                            other => self.eval(other, src).text(),
                        },
                    };
                    let Some(key) = key else { return Sv::unknown(span) };
                    members.push((key, ks, self.eval(v.expr(), src)));
                }
                V::Obj(members)
            }
            Expression::StringTemplate(t) => return self.template(t.iter(), src, span),
            Expression::HeredocTemplate(h) => return self.template(h.template.iter(), src, span),
            Expression::Parenthesis(p) => return self.eval(p.inner(), src),
            Expression::Variable(v) => {
                return self
                    .lookup_scope(v.as_str())
                    .map(|mut s| {
                        s.span = span;
                        s
                    })
                    .unwrap_or(Sv::unknown(span));
            }
            Expression::Conditional(c) => match self.eval(&c.cond_expr, src).as_bool() {
                Some(true) => return self.eval(&c.true_expr, src),
                Some(false) => return self.eval(&c.false_expr, src),
                None => V::Unknown,
            },
            Expression::FuncCall(f) => return self.call(f, src, span),
            Expression::Traversal(t) => return self.traversal(t, src, span),
            _ => V::Unknown,
        };
        Sv { span, v }
    }

    fn lookup_scope(&self, name: &str) -> Option<Sv> {
        self.scope.iter().rev().find_map(|m| m.get(name).cloned())
    }

    /// A quoted string literal: `span` covers the quotes (when `quoted`).
    fn literal(&self, value: &str, span: Span, quoted: bool) -> SpStr {
        let Some(source) = self.source(span.src) else {
            return SpStr::plain(value.to_string(), span.src);
        };
        let raw = source.slice(span);
        let (raw, start) = if quoted && raw.len() >= 4 && raw.starts_with("\\\"") && raw.ends_with("\\\"") {
            // A string inside a `${...}` of a `.tf.json` string: its quotes are JSON escapes.
            (&raw[2..raw.len() - 2], span.start + 2)
        } else if quoted && raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
            (&raw[1..raw.len() - 1], span.start + 1)
        } else {
            (raw, span.start)
        };
        SpStr { text: value.to_string(), src: span.src, offs: Some(align(raw, start, value)) }
    }

    fn template<'t>(&mut self, elements: impl Iterator<Item = &'t Element>, src: SourceId, span: Span) -> Sv {
        let elements: Vec<&Element> = elements.collect();
        // `"${x}"` is the value of `x` itself, not its text (how Terraform reads a template that
        // is one interpolation, and how `.tf.json` writes every expression).
        if let [Element::Interpolation(i)] = elements.as_slice() {
            let mut v = self.eval(&i.expr, src);
            v.span = span;
            return v;
        }
        let mut text = String::new();
        let mut offs: Vec<usize> = Vec::new();
        for el in elements {
            match el {
                Element::Literal(l) => {
                    let ls = self.module.hspan(src, l.span(), span);
                    let part = self.literal(l.value(), ls, false);
                    push_part(&mut text, &mut offs, &part, ls);
                }
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, src);
                    match &v.v {
                        V::Str(s) => {
                            let s = if s.src == src { s.clone() } else { SpStr::plain(s.text.clone(), src) };
                            push_part(&mut text, &mut offs, &s, v.span)
                        }
                        _ => match v.text() {
                            Some(t) => push_part(&mut text, &mut offs, &SpStr::plain(t, src), v.span),
                            None => return Sv::unknown(span),
                        },
                    }
                }
                Element::Directive(_) => return Sv::unknown(span),
            }
        }
        offs.push(offs.last().map(|o| o + 1).unwrap_or(span.start));
        Sv { span, v: V::Str(SpStr { text, src, offs: Some(offs) }) }
    }

    fn traversal(&mut self, t: &Traversal, src: SourceId, span: Span) -> Sv {
        let Expression::Variable(root) = &t.expr else {
            let base = self.eval(&t.expr, src);
            return self.apply_ops(base, &t.operators, src, span);
        };
        let ops = &t.operators;
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
            _ => None,
        };
        let (base, used) = match root.as_str() {
            "var" => match attr(0) {
                Some(name) => (self.variable(&name, span), 1),
                None => return Sv::unknown(span),
            },
            "local" => match attr(0) {
                Some(name) => (self.local(&name, span), 1),
                None => return Sv::unknown(span),
            },
            "path" => match attr(0).as_deref() {
                Some("module" | "root") => (Sv { span, v: V::Str(SpStr::plain(".".into(), src)) }, 1),
                _ => return Sv::unknown(span),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(name)) => match self.module.data(&ty, &name) {
                    Some(res) => {
                        let (v, n) = self.block_ref(res, true, &ops[2..], src, span);
                        (v, 2 + n)
                    }
                    None => return Sv::unknown(span),
                },
                _ => return Sv::unknown(span),
            },
            // `each` and `count` are bound while a repeated block is evaluated.
            "each" | "count" => match self.lookup_scope(root.as_str()) {
                Some(v) => (v, 0),
                None => return Sv::unknown(span),
            },
            "self" | "terraform" | "module" => return Sv::unknown(span),
            other => {
                if let Some(v) = self.lookup_scope(other) {
                    (v, 0)
                } else {
                    match attr(0).and_then(|name| self.module.resource(other, &name)) {
                        Some(res) => {
                            let (v, n) = self.block_ref(res, false, &ops[1..], src, span);
                            (v, 1 + n)
                        }
                        None => return Sv::unknown(span),
                    }
                }
            }
        };
        let mut out = self.apply_ops(base, &ops[used.min(ops.len())..], src, span);
        out.span = span;
        out
    }

    fn apply_ops(
        &mut self,
        mut cur: Sv,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: SourceId,
        span: Span,
    ) -> Sv {
        for (i, op) in ops.iter().enumerate() {
            cur = match op.value() {
                TraversalOperator::GetAttr(a) => match cur.get(a.as_str()) {
                    Some(v) => v.clone(),
                    None => return Sv::unknown(span),
                },
                TraversalOperator::Index(e) => {
                    let idx = self.eval(e, src);
                    match (&cur.v, &idx.v) {
                        (V::List(items), V::Num(n)) => {
                            match n.parse::<usize>().ok().and_then(|i| items.get(i)) {
                                Some(v) => v.clone(),
                                None => return Sv::unknown(span),
                            }
                        }
                        (V::Obj(_), V::Str(k)) => match cur.get(&k.text) {
                            Some(v) => v.clone(),
                            None => return Sv::unknown(span),
                        },
                        _ => return Sv::unknown(span),
                    }
                }
                TraversalOperator::LegacyIndex(i) => match &cur.v {
                    V::List(items) => match items.get(*i.value() as usize) {
                        Some(v) => v.clone(),
                        None => return Sv::unknown(span),
                    },
                    _ => return Sv::unknown(span),
                },
                // `x[*].name`, `x.*.name`: the rest of the traversal applies to every element
                // (a value that is not a list is a list of itself, as in Terraform).
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    let items = match cur.v {
                        V::List(items) => items,
                        V::Null => Vec::new(),
                        V::Unknown => return Sv::unknown(span),
                        _ => vec![cur],
                    };
                    let out = items.into_iter().map(|it| self.apply_ops(it, rest, src, span)).collect();
                    return Sv { span, v: V::List(out) };
                }
            };
        }
        cur
    }

    fn variable(&mut self, name: &str, span: Span) -> Sv {
        let Some((src, expr)) = self.module.variables.get(name) else { return Sv::unknown(span) };
        self.eval(expr, *src)
    }

    fn local(&mut self, name: &str, span: Span) -> Sv {
        let Some((src, expr)) = self.module.locals.get(name) else { return Sv::unknown(span) };
        self.eval(expr, *src)
    }

    /// Has any instance of this policy document (`aws_iam_policy_document.x`) been evaluated?
    pub fn document_evaluated(&self, base: &str) -> bool {
        self.documents_read.iter().any(|k| k == base || k.strip_prefix(base).is_some_and(|r| r.starts_with('[')))
    }

    /// The address of the data source instance being evaluated (`aws_iam_policy_document.x[0]`),
    /// so data sources can tell instances apart.
    pub fn data_instance(&self) -> Option<&str> {
        self.data_instances.last().map(String::as_str)
    }

    /// The `json` of one instance of a policy document data source.
    pub fn document(&mut self, res: &Res, inst: &Instance, span: Span) -> Sv {
        self.instance_attr(res, true, inst, "json", span)
    }

    pub fn push_scope(&mut self, scope: HashMap<String, Sv>) {
        self.scope.push(scope);
    }

    pub fn pop_scope(&mut self) {
        self.scope.pop();
    }

    /// `TYPE.NAME` (or `data.TYPE.NAME`) followed by `ops`: an attribute of the one instance or
    /// of the instance an index selects, or the whole block as a value (a list for `count`, a map
    /// for `for_each`) for splats and `for_each = aws_iam_role.r`. Returns the value and how many
    /// of `ops` it used.
    fn block_ref(
        &mut self,
        res: &Res,
        data: bool,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: SourceId,
        span: Span,
    ) -> (Sv, usize) {
        let attr_at = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
            _ => None,
        };
        if !res.repeated() {
            let inst = Instance::single();
            return match attr_at(0) {
                Some(a) => (self.instance_attr(res, data, &inst, &a, span), 1),
                None => (self.instance_object(res, data, &inst, span), 0),
            };
        }
        let all = instances(self, &res.block.body, res.src, res.span);
        let idx = match ops.first().map(|o| o.value()) {
            Some(TraversalOperator::Index(e)) => Some(self.eval(e, src)),
            Some(TraversalOperator::LegacyIndex(i)) => Some(Sv { span, v: V::Num(i.value().to_string()) }),
            _ => None,
        };
        if let Some(idx) = idx {
            let Some(inst) = all.iter().find(|i| i.selected_by(&idx)) else { return (Sv::unknown(span), 1) };
            return match attr_at(1) {
                Some(a) => (self.instance_attr(res, data, inst, &a, span), 2),
                None => (self.instance_object(res, data, inst, span), 1),
            };
        }
        let for_each = res.block.body.has_attribute("for_each");
        if for_each && all.iter().any(|i| i.symbolic) {
            return (Sv::unknown(span), 0);
        }
        let mut list = Vec::new();
        let mut map = Vec::new();
        for inst in &all {
            let o = self.instance_object(res, data, inst, span);
            match &inst.key {
                Some(Key::Name(k)) if for_each => map.push((k.clone(), span, o)),
                _ => list.push(o),
            }
        }
        (Sv { span, v: if for_each { V::Obj(map) } else { V::List(list) } }, 0)
    }

    /// One instance as an object of its attributes (those written in the block, plus `id` and
    /// the policy document's `json` where they are known).
    fn instance_object(&mut self, res: &Res, data: bool, inst: &Instance, span: Span) -> Sv {
        let mut names: Vec<String> = res.block.body.attributes().map(|a| a.key.as_str().to_string()).collect();
        names.retain(|n| n != "count" && n != "for_each" && n != "provider" && n != "depends_on");
        if data && res.ty == "aws_iam_policy_document" {
            names = vec!["json".into()];
        } else if matches!(res.ty.as_str(), "aws_iam_role" | "aws_iam_policy" | "aws_iam_user" | "aws_iam_group") {
            names.push("id".into());
        }
        let mut members = Vec::new();
        for n in names {
            let v = self.instance_attr(res, data, inst, &n, span);
            members.push((n, span, v));
        }
        Sv { span, v: V::Obj(members) }
    }

    /// `ATTR` of one instance, evaluated with its `count`/`each` bound.
    fn instance_attr(&mut self, res: &Res, data: bool, inst: &Instance, attr: &str, span: Span) -> Sv {
        self.scope.push(inst.scope.clone());
        let v = if data {
            let address = inst.address(&format!("{}.{}", res.ty, res.name));
            if res.ty == "aws_iam_policy_document" {
                self.documents_read.insert(address.clone());
            }
            self.data_instances.push(address);
            let v = self.data_attr(res, attr, span);
            self.data_instances.pop();
            v
        } else {
            self.resource_attr(res, attr, span)
        };
        self.scope.pop();
        v
    }

    /// `TYPE.NAME.ATTR` of a managed resource: attributes written in its block are known; `id`
    /// of roles and policies is their name; computed attributes (`arn`) are unknown.
    fn resource_attr(&mut self, res: &Res, attr: &str, span: Span) -> Sv {
        let attr = match (res.ty.as_str(), attr) {
            ("aws_iam_role" | "aws_iam_policy" | "aws_iam_user" | "aws_iam_group", "id") => "name",
            (_, "arn" | "id" | "unique_id" | "policy_id") => return Sv::unknown(span),
            (_, a) => a,
        };
        match res.block.body.get_attribute(attr) {
            Some(a) => self.eval(&a.value, res.src),
            None => Sv::unknown(span),
        }
    }

    fn data_attr(&mut self, res: &Res, attr: &str, span: Span) -> Sv {
        let data = self.data;
        data.attr(self, res, attr, span).unwrap_or(Sv::unknown(span))
    }

    fn call(&mut self, f: &hcl_edit::expr::FuncCall, src: SourceId, span: Span) -> Sv {
        if f.name.is_namespaced() {
            return Sv::unknown(span);
        }
        let args: Vec<&Expression> = f.args.iter().collect();
        if f.args.expand_final() {
            return Sv::unknown(span);
        }
        let name = f.name.name.as_str();
        let arg = |i: usize, ev: &mut Self| args.get(i).map(|e| ev.eval(e, src)).unwrap_or(Sv::unknown(span));
        let v = match name {
            "jsonencode" => {
                let a = arg(0, self);
                V::Json(Box::new(a.to_node()))
            }
            "jsondecode" => {
                let a = arg(0, self);
                return match &a.v {
                    V::Json(n) => Sv::from_node(n),
                    V::Str(s) => match parse_json_str(s, a.span) {
                        Ok(n) => Sv::from_node(&n),
                        Err(_) => Sv::unknown(span),
                    },
                    _ => Sv::unknown(span),
                };
            }
            "file" => {
                let a = arg(0, self);
                return match a.text().and_then(|p| self.load(&p)) {
                    Some(source) => {
                        let offs = (0..=source.text.len()).collect();
                        Sv {
                            span,
                            v: V::Str(SpStr { text: source.text.clone(), src: source.id, offs: Some(offs) }),
                        }
                    }
                    None => Sv::unknown(span),
                };
            }
            "templatefile" => {
                let (p, vars) = (arg(0, self), arg(1, self));
                let Some(source) = p.text().and_then(|p| self.load(&p)) else { return Sv::unknown(span) };
                let V::Obj(members) = vars.v else { return Sv::unknown(span) };
                let Ok(template) = hcl_edit::parser::parse_template(&source.text) else {
                    return Sv::unknown(span);
                };
                self.scope.push(members.into_iter().map(|(k, _, v)| (k, v)).collect());
                let mut out = self.template_in(&template, source.id, span);
                self.scope.pop();
                out.span = span;
                return out;
            }
            "concat" => {
                let mut items = Vec::new();
                for i in 0..args.len() {
                    match arg(i, self).v {
                        V::List(l) => items.extend(l),
                        _ => return Sv::unknown(span),
                    }
                }
                V::List(items)
            }
            "tolist" | "toset" | "tostring" | "tomap" | "sensitive" | "nonsensitive" => return arg(0, self),
            "lower" | "upper" | "trimspace" => match arg(0, self).text() {
                Some(t) => V::Str(SpStr::plain(
                    match name {
                        "lower" => t.to_lowercase(),
                        "upper" => t.to_uppercase(),
                        _ => t.trim().to_string(),
                    },
                    src,
                )),
                None => V::Unknown,
            },
            "replace" => match (arg(0, self).text(), arg(1, self).text(), arg(2, self).text()) {
                (Some(s), Some(a), Some(b)) if !(a.len() > 1 && a.starts_with('/') && a.ends_with('/')) => {
                    V::Str(SpStr::plain(s.replace(&a, &b), src))
                }
                _ => V::Unknown,
            },
            "join" => match (arg(0, self).text(), arg(1, self).v) {
                (Some(sep), V::List(items)) => {
                    let parts: Option<Vec<String>> = items.iter().map(Sv::text).collect();
                    match parts {
                        Some(p) => V::Str(SpStr::plain(p.join(&sep), src)),
                        None => V::Unknown,
                    }
                }
                _ => V::Unknown,
            },
            "format" => {
                let fmt = arg(0, self).text();
                let rest: Vec<Option<String>> = (1..args.len()).map(|i| arg(i, self).text()).collect();
                match fmt.and_then(|f| format_go(&f, &rest)) {
                    Some(s) => V::Str(SpStr::plain(s, src)),
                    None => V::Unknown,
                }
            }
            _ => V::Unknown,
        };
        Sv { span, v }
    }

    fn template_in(&mut self, t: &Template, src: SourceId, span: Span) -> Sv {
        let fallback = Span::new(src, 0, 0);
        let _ = span;
        self.template(t.iter(), src, fallback)
    }

    /// Loads a file of the module (relative to its directory) and registers it as a source.
    fn load(&mut self, rel: &str) -> Option<Arc<Source>> {
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        if rel.starts_with('/') || rel.contains("..") {
            return None;
        }
        let path: PathBuf = self.module.dir.join(rel);
        if let Some(s) = self.sources.find_path(&path) {
            if !self.extra_sources.contains(&s.id) {
                self.extra_sources.push(s.id);
            }
            return Some(s);
        }
        let bytes = std::fs::read(&path).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let display = if self.module.display.is_empty() || self.module.display == "." {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.module.display.trim_end_matches('/'))
        };
        let s = self.sources.add(display, path, text);
        self.extra_sources.push(s.id);
        Some(s)
    }
}

/// Go-style `format` for the verbs Terraform code uses in names: `%s %d %v %%`.
fn format_go(fmt: &str, args: &[Option<String>]) -> Option<String> {
    let mut out = String::new();
    let mut it = fmt.chars();
    let mut n = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'v' => {
                out.push_str(args.get(n)?.as_deref()?);
                n += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}
