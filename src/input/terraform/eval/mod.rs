//! Static evaluation of HCL expressions: what can be known without running Terraform.
//!
//! Known: literals, `locals`, variables (`--var`, tfvars, defaults), string templates with their
//! directives, `for` expressions, splats, conditionals, operators, attributes of other resources
//! that are written in their blocks (`aws_iam_role.x.name`), data source attributes that a
//! [`DataSources`] implementation computes, and the functions real modules use (see
//! `functions.rs`). Everything else is [`V::Unknown`], and rules stay silent on it.
//!
//! The evaluator knows HCL and Terraform's language, not providers: it names no resource or data
//! source type except where Terraform's own semantics do (`id` of IAM resources is their name).
//! It is bounded (see `bounds.rs`): cycles, oversized values and runaway work are unknown.

use std::collections::HashMap;
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, Traversal, TraversalOperator, UnaryOperator};

use crate::input::terraform::bounds::{MAX_DEPTH, MAX_STEPS, MAX_WEIGHT, Tally, weight};
use crate::input::terraform::functions::{self, Fail, num, num_value};

use crate::input::terraform::module::{Module, Res};
use crate::input::terraform::spanned::{SpStr, align};
use crate::input::terraform::value::{Sv, V};
use crate::source::{Source, SourceId, SourceMap, Span};

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

type Ops = [hcl_edit::Decorated<TraversalOperator>];

pub struct Eval<'m> {
    pub module: &'m Module,
    pub sources: &'m SourceMap,
    data: &'m dyn DataSources,
    depth: usize,
    steps: usize,
    /// Names bound by `for` expressions, `templatefile` variables, and callers (`each`, `count`).
    scope: Vec<HashMap<String, Sv>>,
    /// `local.x` and `var.x` computed once: they do not depend on where they are used.
    memo: HashMap<String, Sv>,
    /// Named values being computed: meeting one again is a cycle (Terraform rejects it).
    active: Vec<String>,
    /// Definite evaluation errors so far (a missing attribute, `one()` of two items): `try` and
    /// `can` tell an error from an unknown by this count.
    errors: usize,
    /// Files pulled in by `file()` / `templatefile()`.
    pub extra_sources: Vec<SourceId>,
}

impl<'m> Eval<'m> {
    pub fn new(module: &'m Module, sources: &'m SourceMap, data: &'m dyn DataSources) -> Self {
        Eval {
            module,
            sources,
            data,
            depth: 0,
            steps: 0,
            scope: Vec::new(),
            memo: HashMap::new(),
            active: Vec::new(),
            errors: 0,
            extra_sources: Vec::new(),
        }
    }

    /// Binds names (`each`, `count`, iterator variables) for the evaluations until [`Self::pop_scope`].
    pub fn push_scope(&mut self, names: HashMap<String, Sv>) {
        self.scope.push(names);
    }

    pub fn pop_scope(&mut self) {
        self.scope.pop();
    }

    fn source(&self, src: SourceId) -> Option<Arc<Source>> {
        self.sources.get(src)
    }

    pub fn eval(&mut self, expr: &Expression, src: SourceId) -> Sv {
        self.steps += 1;
        if self.depth > MAX_DEPTH || self.steps > MAX_STEPS {
            return Sv::unknown(self.module.hspan(src, expr.span(), Span::new(src, 0, 0)));
        }
        self.depth += 1;
        let out = self.eval_inner(expr, src);
        self.depth -= 1;
        if weight(&out, MAX_WEIGHT) > MAX_WEIGHT { Sv::unknown(out.span) } else { out }
    }

    /// A definite error: unknown, and counted for `try`/`can`.
    pub(crate) fn fail(&mut self, span: Span) -> Sv {
        self.errors += 1;
        Sv::unknown(span)
    }

    fn eval_inner(&mut self, expr: &Expression, src: SourceId) -> Sv {
        let span = self.module.hspan(src, expr.span(), Span::new(src, 0, 0));
        let v = match expr {
            Expression::Null(_) => V::Null,
            Expression::Bool(b) => V::Bool(*b.value()),
            Expression::Number(n) => V::Num(number_text(n.value())),
            Expression::String(s) => V::Str(self.literal(s.value(), span, true)),
            Expression::Array(a) => {
                let mut tally = Tally::default();
                let mut items = Vec::new();
                for e in a.iter() {
                    let item = self.eval(e, src);
                    if !tally.add(&item) {
                        return Sv::unknown(span);
                    }
                    items.push(item);
                }
                V::List(items)
            }
            Expression::Object(o) => return self.object(o, src, span),
            Expression::StringTemplate(t) => return self.template(t.iter(), src, span),
            Expression::HeredocTemplate(h) => return self.template(h.template.iter(), src, span),
            Expression::Parenthesis(p) => return self.eval(p.inner(), src),
            Expression::Variable(v) => {
                return match self.lookup_scope(v.as_str()) {
                    Some(s) => Sv { span, v: s.v },
                    None => self.fail(span),
                };
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, src);
                return match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr, src),
                    Some(false) => self.eval(&c.false_expr, src),
                    None if matches!(cond.v, V::Unknown) => Sv::unknown(span),
                    None => self.fail(span),
                };
            }
            Expression::FuncCall(f) => return self.call(f, src, span),
            Expression::Traversal(t) => return self.traversal(t, src, span),
            Expression::UnaryOp(u) => {
                let a = self.eval(&u.expr, src);
                return match (u.operator.value(), &a.v) {
                    (_, V::Unknown) => Sv::unknown(span),
                    (UnaryOperator::Not, _) => match a.as_bool() {
                        Some(b) => Sv { span, v: V::Bool(!b) },
                        None => self.fail(span),
                    },
                    (UnaryOperator::Neg, _) => match num(&a) {
                        Some(n) => Sv { span, v: num_value(-n) },
                        None => self.fail(span),
                    },
                };
            }
            Expression::BinaryOp(b) => return self.binary(b, src, span),
            Expression::ForExpr(f) => return self.for_expr(f, src, span),
        };
        Sv { span, v }
    }

    fn object(&mut self, o: &hcl_edit::expr::Object, src: SourceId, span: Span) -> Sv {
        let mut members: Vec<(String, Span, Sv)> = Vec::new();
        let mut tally = Tally::default();
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
            let value = self.eval(v.expr(), src);
            if !tally.add(&value) {
                return Sv::unknown(span);
            }
            // A repeated key: the last one wins, as in Terraform.
            members.retain(|(k, _, _)| *k != key);
            members.push((key, ks, value));
        }
        Sv { span, v: V::Obj(members) }
    }

    fn binary(&mut self, b: &hcl_edit::expr::BinaryOp, src: SourceId, span: Span) -> Sv {
        use BinaryOperator as B;
        let op = *b.operator.value();
        let l = self.eval(&b.lhs_expr, src);
        // `false && x` and `true || x` do not need `x` (Terraform 1.x still evaluates it, but the
        // result is the same whenever `x` is valid).
        match (op, l.as_bool()) {
            (B::And, Some(false)) => return Sv { span, v: V::Bool(false) },
            (B::Or, Some(true)) => return Sv { span, v: V::Bool(true) },
            _ => {}
        }
        let r = self.eval(&b.rhs_expr, src);
        if matches!(op, B::Eq | B::NotEq) {
            return match functions::equal(&l, &r) {
                Some(eq) => Sv { span, v: V::Bool(eq == (op == B::Eq)) },
                None => Sv::unknown(span),
            };
        }
        if l.is_unknown() || r.is_unknown() {
            return Sv::unknown(span);
        }
        if matches!(op, B::And | B::Or) {
            return match (l.as_bool(), r.as_bool()) {
                (Some(_), Some(y)) => Sv { span, v: V::Bool(y) },
                _ => self.fail(span),
            };
        }
        let (Some(x), Some(y)) = (num(&l), num(&r)) else { return self.fail(span) };
        let v = match op {
            B::Less => V::Bool(x < y),
            B::LessEq => V::Bool(x <= y),
            B::Greater => V::Bool(x > y),
            B::GreaterEq => V::Bool(x >= y),
            B::Plus => num_value(x + y),
            B::Minus => num_value(x - y),
            B::Mul => num_value(x * y),
            B::Div if y != 0.0 => num_value(x / y),
            B::Mod if y != 0.0 => num_value(x % y),
            _ => return self.fail(span),
        };
        Sv { span, v }
    }

    /// `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`.
    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, src: SourceId, span: Span) -> Sv {
        let coll = self.eval(&f.intro.collection_expr, src);
        let Some(pairs) = functions::iterate(&coll) else {
            return if coll.is_unknown() { Sv::unknown(span) } else { self.fail(span) };
        };
        let (kname, vname) = (f.intro.key_var.as_ref().map(|k| k.as_str()), f.intro.value_var.as_str());
        let mut list = Vec::new();
        let mut obj: Vec<(String, Span, Sv)> = Vec::new();
        let mut tally = Tally::default();
        for (k, v) in pairs {
            let mut names = HashMap::new();
            if let Some(kn) = kname {
                names.insert(kn.to_string(), k);
            }
            names.insert(vname.to_string(), v);
            self.scope.push(names);
            let out = self.for_item(f, src, span);
            self.scope.pop();
            let (key, value) = match out {
                Ok(Some(kv)) => kv,
                Ok(None) => continue,
                Err(stop) => return stop,
            };
            if !tally.add(&value) {
                return Sv::unknown(span);
            }
            match key {
                None => list.push(value),
                Some(key) if f.grouping => match obj.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, _, Sv { v: V::List(items), .. })) => items.push(value),
                    _ => obj.push((key, span, Sv { span, v: V::List(vec![value]) })),
                },
                Some(key) => {
                    if obj.iter().any(|(k, _, _)| *k == key) {
                        // Duplicate keys without `...` are an error in Terraform.
                        return self.fail(span);
                    }
                    obj.push((key, span, value));
                }
            }
        }
        Sv { span, v: if f.key_expr.is_some() { V::Obj(obj) } else { V::List(list) } }
    }
}

/// One element of a `for` expression: `Ok(None)` when its `if` is false; `Err` when the whole
/// expression is unknown or an error.
impl Eval<'_> {
    #[allow(clippy::type_complexity)]
    fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        src: SourceId,
        span: Span,
    ) -> Result<Option<(Option<String>, Sv)>, Sv> {
        if let Some(c) = &f.cond {
            let cond = self.eval(&c.expr, src);
            match cond.as_bool() {
                Some(false) => return Ok(None),
                Some(true) => {}
                None if cond.is_unknown() => return Err(Sv::unknown(span)),
                None => return Err(self.fail(span)),
            }
        }
        let key = match &f.key_expr {
            Some(k) => {
                let kv = self.eval(k, src);
                match kv.text() {
                    Some(t) => Some(t),
                    None if kv.is_unknown() => return Err(Sv::unknown(span)),
                    None => return Err(self.fail(span)),
                }
            }
            None => None,
        };
        Ok(Some((key, self.eval(&f.value_expr, src))))
    }

    fn lookup_scope(&self, name: &str) -> Option<Sv> {
        self.scope.iter().rev().find_map(|m| m.get(name).cloned())
    }

    /// A quoted string literal: `span` covers the quotes (when `quoted`).
    pub(crate) fn literal(&self, value: &str, span: Span, quoted: bool) -> SpStr {
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
        let root = root.as_str();
        let (base, used) = if let Some(v) = self.lookup_scope(root) {
            (v, 0)
        } else {
            match root {
                "var" | "local" => match attr(0) {
                    Some(name) => (self.named(root, &name, span), 1),
                    None => return self.fail(span),
                },
                "path" => match attr(0).as_deref() {
                    Some("module" | "root" | "cwd") => {
                        (Sv { span, v: V::Str(SpStr::plain(".".into(), src)) }, 1)
                    }
                    _ => return Sv::unknown(span),
                },
                "data" => match (attr(0), attr(1)) {
                    (Some(ty), Some(name)) => {
                        return self.object_ref(true, &ty, &name, &ops[2.min(ops.len())..], src, span);
                    }
                    _ => return Sv::unknown(span),
                },
                "each" | "count" | "self" | "terraform" | "module" => return Sv::unknown(span),
                ty => match attr(0) {
                    Some(name) => {
                        return self.object_ref(false, ty, &name, &ops[1.min(ops.len())..], src, span);
                    }
                    None => return Sv::unknown(span),
                },
            }
        };
        let mut out = self.apply_ops(base, &ops[used.min(ops.len())..], src, span);
        out.span = span;
        out
    }

    /// `TYPE.NAME` (or `data.TYPE.NAME`) followed by `ops`: `.ATTR`, or the legacy splat
    /// `.*.ATTR` that makes a one-element list of a single resource.
    fn object_ref(&mut self, data: bool, ty: &str, name: &str, ops: &Ops, src: SourceId, span: Span) -> Sv {
        let get = |o: Option<&hcl_edit::Decorated<TraversalOperator>>| match o.map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
            _ => None,
        };
        let splat = matches!(
            ops.first().map(|o| o.value()),
            Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_))
        );
        let (attr, rest) =
            if splat { (get(ops.get(1)), ops.get(2..)) } else { (get(ops.first()), ops.get(1..)) };
        let Some(attr) = attr else { return Sv::unknown(span) };
        let mut v = if data {
            self.data_attr(ty, name, &attr, span)
        } else {
            self.resource_attr(ty, name, &attr, span)
        };
        if splat && !v.is_unknown() {
            v = Sv { span, v: V::List(vec![v]) };
        }
        let mut out = self.apply_ops(v, rest.unwrap_or_default(), src, span);
        out.span = span;
        out
    }

    pub(crate) fn apply_ops(&mut self, mut cur: Sv, ops: &Ops, src: SourceId, span: Span) -> Sv {
        for (i, op) in ops.iter().enumerate() {
            if cur.is_unknown() {
                return Sv::unknown(span);
            }
            cur = match op.value() {
                TraversalOperator::GetAttr(a) => match cur.get(a.as_str()) {
                    Some(v) => v.clone(),
                    None => return self.fail(span),
                },
                TraversalOperator::Index(e) => {
                    let idx = self.eval(e, src);
                    match functions::index(&cur, &idx) {
                        Ok(v) => v,
                        Err(Fail::Unknown) => return Sv::unknown(span),
                        Err(Fail::Error) => return self.fail(span),
                    }
                }
                TraversalOperator::LegacyIndex(n) => {
                    let idx = Sv { span, v: V::Num(n.value().to_string()) };
                    match functions::index(&cur, &idx) {
                        Ok(v) => v,
                        Err(Fail::Unknown) => return Sv::unknown(span),
                        Err(Fail::Error) => return self.fail(span),
                    }
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op.value(), TraversalOperator::FullSplat(_));
                    return self.splat(cur, &ops[i + 1..], full, src, span);
                }
            };
        }
        cur
    }

    /// `x[*].a.b` (or `x.*.a`): the operators after the splat applied to every element; a
    /// value that is not a list is a list of itself, and null an empty list.
    fn splat(&mut self, cur: Sv, after: &Ops, full: bool, src: SourceId, span: Span) -> Sv {
        let items = match cur.v {
            V::List(items) => items,
            V::Null => Vec::new(),
            _ => vec![cur],
        };
        // The attribute-only splat (`.*`) takes only the attribute accesses after it.
        let n = if full {
            after.len()
        } else {
            after.iter().take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_))).count()
        };
        let mapped: Vec<Sv> =
            items.into_iter().map(|it| self.apply_ops(it, &after[..n], src, span)).collect();
        self.apply_ops(Sv { span, v: V::List(mapped) }, &after[n..], src, span)
    }

    /// `var.NAME` or `local.NAME`, computed once per module; a cycle is unknown.
    fn named(&mut self, kind: &str, name: &str, span: Span) -> Sv {
        let key = format!("{kind}.{name}");
        if let Some(v) = self.memo.get(&key) {
            return Sv { span, v: v.v.clone() };
        }
        if self.active.contains(&key) {
            return Sv::unknown(span);
        }
        let module = self.module;
        let found = if kind == "var" { module.variable_value(name) } else { module.locals.get(name) };
        let Some((src, expr)) = found else {
            // A declared variable without a value is an input: unknown, not an error.
            return if kind == "var" && module.declared.contains_key(name) {
                Sv::unknown(span)
            } else {
                self.fail(span)
            };
        };
        self.active.push(key.clone());
        // Locals and variables see the module's names only, not the caller's iterators.
        let scope = std::mem::take(&mut self.scope);
        let mut v = self.eval(expr, *src);
        self.scope = scope;
        self.active.pop();
        if kind == "var" && matches!(v.v, V::Null) {
            // `default = null` is an optional input left unset: callers decide it.
            v.v = V::Unknown;
        }
        self.memo.insert(key, v.clone());
        Sv { span, v: v.v }
    }

    /// `TYPE.NAME.ATTR` of a managed resource: attributes written in its block are known; `id`
    /// of roles and policies is their name; computed attributes (`arn`) are unknown.
    fn resource_attr(&mut self, ty: &str, name: &str, attr: &str, span: Span) -> Sv {
        let module = self.module;
        let Some(res) = module.resource(ty, name) else { return Sv::unknown(span) };
        if res.repeated() {
            return Sv::unknown(span);
        }
        let attr = match (ty, attr) {
            ("aws_iam_role" | "aws_iam_policy" | "aws_iam_user" | "aws_iam_group", "id") => "name",
            (_, "arn" | "id" | "unique_id" | "policy_id") => return Sv::unknown(span),
            (_, a) => a,
        };
        let Some(a) = res.block.body.get_attribute(attr) else { return Sv::unknown(span) };
        self.guarded(format!("{ty}.{name}.{attr}"), span, |ev| ev.eval(&a.value, res.src))
    }

    fn data_attr(&mut self, ty: &str, name: &str, attr: &str, span: Span) -> Sv {
        let module = self.module;
        let Some(res) = module.data(ty, name) else { return Sv::unknown(span) };
        if res.repeated() {
            return Sv::unknown(span);
        }
        let data = self.data;
        self.guarded(format!("data.{ty}.{name}.{attr}"), span, |ev| {
            data.attr(ev, res, attr, span).unwrap_or(Sv::unknown(span))
        })
    }

    /// Runs `f` unless `key` is already being computed (a reference cycle: unknown).
    fn guarded(&mut self, key: String, span: Span, f: impl FnOnce(&mut Self) -> Sv) -> Sv {
        if self.active.contains(&key) {
            return Sv::unknown(span);
        }
        self.active.push(key);
        let v = f(self);
        self.active.pop();
        v
    }
}

/// Terraform prints whole numbers without a fraction (`1.0` is `1`).
fn number_text(n: &hcl_edit::Number) -> String {
    match n.as_f64() {
        Some(f) if n.as_i64().is_none() && n.as_u64().is_none() => functions::format_num(f),
        _ => n.to_string(),
    }
}

mod call;
mod template;
