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

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, Traversal, TraversalOperator, UnaryOperator};

use crate::input::terraform::bounds::{MAX_DEFAULT_USES, MAX_DEPTH, MAX_STEPS, MAX_WEIGHT, Tally, weight};
use crate::input::terraform::functions::{self, Fail, num, num_value};

use crate::input::terraform::instances::{Instance, Key};
use crate::input::terraform::module::{Module, Res};
use crate::input::terraform::optional;
use crate::input::terraform::spanned::{SpStr, align};
use crate::input::terraform::types::{Expected, check, to_string_value};
use crate::input::terraform::value::{Sv, V};
use crate::model::terraform::{DefaultOrigin, DefaultUse, TypeError};
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
    /// `local.x` and `var.x` computed once: they do not depend on where they are used. With
    /// each, the variable defaults that decided it.
    memo: HashMap<String, (Sv, Vec<DefaultOrigin>)>,
    /// The defaults the expressions being evaluated read, innermost expression last.
    origins: Vec<Vec<DefaultOrigin>>,
    /// Where values decided by a variable's default were used.
    pub default_uses: Vec<DefaultUse>,
    /// `default_uses` as a set, so recording one is constant time however often a value is read.
    seen_uses: HashSet<(Span, bool, DefaultOrigin)>,
    /// `module.x` when this is a child module (for naming its variables in messages).
    pub address: String,
    /// How the root module's directory is shown, for files of modules `modules.json` installed.
    pub root_display: String,
    /// Values of the wrong type for their attribute (TL406), each once.
    pub type_errors: Vec<TypeError>,
    /// Named values being computed: meeting one again is a cycle (Terraform rejects it).
    active: Vec<String>,
    /// Definite evaluation errors so far (a missing attribute, `one()` of two items): `try` and
    /// `can` tell an error from an unknown by this count.
    errors: usize,
    /// Files pulled in by `file()` / `templatefile()`.
    pub extra_sources: Vec<SourceId>,
    /// Addresses of the data source instances being evaluated, innermost last.
    data_instances: Vec<String>,
    /// Outputs of local module calls, by call name.
    module_values: HashMap<String, Sv>,
    /// Policy document instances some expression read (`data.aws_iam_policy_document.x[0]`).
    documents_read: std::collections::HashSet<String>,
    /// Paths given to `templatefile()`: templates, not documents of their own.
    pub template_files: Vec<std::path::PathBuf>,
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
            origins: Vec::new(),
            default_uses: Vec::new(),
            seen_uses: HashSet::new(),
            address: String::new(),
            root_display: String::new(),
            type_errors: Vec::new(),
            active: Vec::new(),
            errors: 0,
            extra_sources: Vec::new(),
            data_instances: Vec::new(),
            module_values: HashMap::new(),
            documents_read: Default::default(),
            template_files: Vec::new(),
        }
    }

    /// `sv` when Terraform accepts it as `expected`; otherwise the type error is recorded and
    /// the value is unknown (the rest of the policy is still linted).
    pub fn typed(&mut self, sv: Sv, attribute: &str, expected: Expected) -> Sv {
        match check(&sv, attribute, expected) {
            None if expected == Expected::Json => sv,
            None => to_string_value(sv),
            Some(e) => {
                if !self.type_errors.contains(&e) {
                    self.type_errors.push(e);
                }
                Sv::unknown(sv.span)
            }
        }
    }

    /// Sets `var.NAME` of a child module to the value its caller passes (and the caller's
    /// defaults that decided it).
    pub fn bind_variable(&mut self, name: &str, v: Sv, origins: Vec<DefaultOrigin>) {
        self.memo.insert(format!("var.{name}"), (v, origins));
    }

    /// Evaluates `f`, returning its value and the variable defaults it read.
    pub fn traced(&mut self, f: impl FnOnce(&mut Self) -> Sv) -> (Sv, Vec<DefaultOrigin>) {
        self.origins.push(Vec::new());
        let v = f(self);
        let origins = self.origins.pop().unwrap_or_default();
        (v, origins)
    }

    /// Records that the value at `span` was decided by `origins` (and so is everything the
    /// enclosing expressions compute from it); `scope` when `span` is a block whose shape
    /// they decided.
    pub fn note(&mut self, span: Span, origins: &[DefaultOrigin], scope: bool) {
        for o in origins {
            if self.default_uses.len() < MAX_DEFAULT_USES && self.seen_uses.insert((span, scope, o.clone())) {
                self.default_uses.push(DefaultUse {
                    span,
                    origin: o.clone(),
                    scope,
                    within: self.address.clone(),
                });
            }
            if let Some(top) = self.origins.last_mut()
                && !top.contains(o)
            {
                top.push(o.clone());
            }
        }
    }

    /// `var.NAME`, as a variable of this module named in messages.
    fn variable_name(&self, name: &str) -> String {
        if self.address.is_empty() {
            format!("var.{name}")
        } else {
            format!("var.{name} of {}", self.address)
        }
    }

    /// Sets what `module.NAME` is (its outputs).
    pub fn set_module_value(&mut self, name: &str, v: Sv) {
        self.module_values.insert(name.to_string(), v);
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
                let (cond, decided_by) = self.traced(|ev| ev.eval(&c.cond_expr, src));
                self.note(cond.span, &decided_by, false);
                let out = match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr, src),
                    Some(false) => self.eval(&c.false_expr, src),
                    None if cond.is_unknown() => Sv::unknown(span),
                    None => self.fail(span),
                };
                // The branch taken is what the condition's defaults decided.
                self.note(out.span, &decided_by, false);
                return out;
            }
            Expression::FuncCall(f) => return self.call(f, src, span),
            Expression::Traversal(t) => return self.traversal(t, src, span),
            Expression::UnaryOp(u) => {
                let a = self.eval(&u.expr, src);
                return match (u.operator.value(), &a.v) {
                    (_, V::Unknown | V::Partial(..)) => Sv::unknown(span),
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
            if let Some(unset) = self.unset_test(&b.lhs_expr, &b.rhs_expr) {
                // `var.x == null` of an optional input left unset: true, and what follows
                // says it depends on that.
                let v = Sv { span, v: V::Bool(unset == (op == B::Eq)) };
                self.note(span, &[unset_origin(self, &b.lhs_expr, &b.rhs_expr)], false);
                return v;
            }
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
                // `module.NAME`: the outputs of a local module call, evaluated before this
                // module's resources (an object, or a list/map of them for count/for_each).
                "module" => match attr(0).and_then(|n| self.module_values.get(&n).cloned()) {
                    Some(v) => (v, 1),
                    None => return Sv::unknown(span),
                },
                "each" | "count" | "self" | "terraform" => return Sv::unknown(span),
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

    /// `TYPE.NAME` (or `data.TYPE.NAME`) followed by `ops`: an attribute of the one instance or
    /// of the instance an index selects, or the whole block as a value (a list for `count`, a map
    /// for `for_each`, an object without either) for splats and `for_each = aws_iam_role.r`.
    fn object_ref(&mut self, data: bool, ty: &str, name: &str, ops: &Ops, src: SourceId, span: Span) -> Sv {
        let module = self.module;
        let res = if data { module.data(ty, name) } else { module.resource(ty, name) };
        let Some(res) = res else { return Sv::unknown(span) };
        let (v, used) = self.block_ref(res, data, ops, src, span);
        let mut out = self.apply_ops(v, &ops[used.min(ops.len())..], src, span);
        out.span = span;
        out
    }

    /// The value `ops` start to select from block `res`, and how many of `ops` that used.
    fn block_ref(&mut self, res: &Res, data: bool, ops: &Ops, src: SourceId, span: Span) -> (Sv, usize) {
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
        let all = repeat::instances(self, &res.block.body, res.src, res.span);
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

    /// One instance as an object of its attributes (those written in the block, plus `id` of
    /// IAM resources and the `json` of a policy document).
    fn instance_object(&mut self, res: &Res, data: bool, inst: &Instance, span: Span) -> Sv {
        let mut names: Vec<String> =
            res.block.body.attributes().map(|a| a.key.as_str().to_string()).collect();
        names.retain(|n| !matches!(n.as_str(), "count" | "for_each" | "provider" | "depends_on"));
        if data && res.ty == "aws_iam_policy_document" {
            names = vec!["json".into()];
        } else if matches!(
            res.ty.as_str(),
            "aws_iam_role" | "aws_iam_policy" | "aws_iam_user" | "aws_iam_group"
        ) {
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
        let address = inst.address(&res.address(data));
        self.scope.push(inst.scope.clone());
        let v = if data {
            if res.ty == "aws_iam_policy_document" {
                self.documents_read.insert(address.clone());
            }
            self.data_instances.push(address.clone());
            let data = self.data;
            let v = self.guarded(format!("{address}.{attr}"), span, |ev| {
                data.attr(ev, res, attr, span).unwrap_or(Sv::unknown(span))
            });
            self.data_instances.pop();
            v
        } else {
            self.resource_attr(res, &address, attr, span)
        };
        self.scope.pop();
        v
    }

    /// Has any instance of this policy document (`aws_iam_policy_document.x`) been read?
    pub fn document_evaluated(&self, base: &str) -> bool {
        let base = format!("data.{base}");
        self.documents_read
            .iter()
            .any(|k| *k == base || k.strip_prefix(&base).is_some_and(|r| r.starts_with('[')))
    }

    /// The address of the data source instance being evaluated (`data.aws_iam_policy_document.x[0]`),
    /// so data sources can tell instances apart.
    pub fn data_instance(&self) -> Option<&str> {
        self.data_instances.last().map(String::as_str)
    }

    /// The `json` of one instance of a policy document data source.
    pub fn document(&mut self, res: &Res, inst: &Instance, span: Span) -> Sv {
        self.instance_attr(res, true, inst, "json", span)
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
        if let Some((v, origins)) = self.memo.get(&key) {
            let (v, origins) = (v.v.clone(), origins.clone());
            self.note(span, &origins, false);
            return Sv { span, v };
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
        let (mut v, mut origins) = self.traced(|ev| ev.eval(expr, *src));
        self.scope = scope;
        self.active.pop();
        if kind == "var"
            && let Some((tsrc, texpr)) = module.types.get(name)
        {
            let constraint = optional::parse(texpr);
            if constraint.fills() {
                v = self.fill_optional(v, &constraint, *tsrc);
            }
        }
        let from_default = kind == "var" && !module.assigned.contains_key(name);
        let unset = matches!(v.v, V::Null);
        if kind == "var" && unset {
            // `default = null` is an optional input left unset: callers decide it.
            v.v = V::Unknown;
        }
        if from_default {
            let origin = DefaultOrigin { variable: self.variable_name(name), unset };
            // Values keep the spans of the default they were written in: findings pointing
            // there depend on it too.
            let written = self.module.hspan(*src, expr.span(), span);
            self.note(written, std::slice::from_ref(&origin), true);
            origins.push(origin);
        }
        self.note(span, &origins, false);
        self.memo.insert(key, (v.clone(), origins));
        Sv { span, v: v.v }
    }

    /// A variable's value converted to its type as far as `optional()` attributes go: each
    /// one left out (or null, when the type gives a default) becomes its default, or null.
    fn fill_optional(&mut self, value: Sv, ty: &optional::Constraint, src: SourceId) -> Sv {
        use optional::Constraint as C;
        let Sv { span, v } = value;
        let v = match (ty, v) {
            (C::Object(attrs), V::Obj(members)) => {
                let mut out = Vec::with_capacity(members.len() + attrs.len());
                for (k, ks, m) in members {
                    let m = match attrs.iter().find(|a| a.name == k) {
                        Some(a) if matches!(m.v, V::Null) && a.default.is_some() => {
                            self.default_of(a, src, m.span)
                        }
                        Some(a) => self.fill_optional(m, &a.ty, src),
                        None => m,
                    };
                    out.push((k, ks, m));
                }
                for a in attrs.iter().filter(|a| a.optional) {
                    if !out.iter().any(|(k, _, _)| *k == a.name) {
                        let d = self.default_of(a, src, span);
                        out.push((a.name.clone(), span, d));
                    }
                }
                V::Obj(out)
            }
            (C::Each(t), V::List(items)) => {
                V::List(items.into_iter().map(|i| self.fill_optional(i, t, src)).collect())
            }
            (C::Each(t), V::Obj(members)) => {
                V::Obj(members.into_iter().map(|(k, ks, m)| (k, ks, self.fill_optional(m, t, src))).collect())
            }
            (C::Tuple(ts), V::List(items)) => V::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match ts.get(i) {
                        Some(t) => self.fill_optional(item, t, src),
                        None => item,
                    })
                    .collect(),
            ),
            (_, other) => other,
        };
        Sv { span, v }
    }

    fn default_of(&mut self, a: &optional::Attribute, src: SourceId, span: Span) -> Sv {
        match a.default {
            Some(e) => {
                let d = self.eval(e, src);
                self.fill_optional(d, &a.ty, src)
            }
            None => Sv { span, v: V::Null },
        }
    }

    /// `TYPE.NAME.ATTR` of a managed resource: attributes written in its block are known; `id`
    /// of roles and policies is their name; computed attributes (`arn`) are unknown.
    fn resource_attr(&mut self, res: &Res, address: &str, attr: &str, span: Span) -> Sv {
        let attr = match (res.ty.as_str(), attr) {
            ("aws_iam_role" | "aws_iam_policy" | "aws_iam_user" | "aws_iam_group", "id") => "name",
            (_, "arn" | "id" | "unique_id" | "policy_id") => return Sv::unknown(span),
            (_, a) => a,
        };
        let Some(a) = res.block.body.get_attribute(attr) else { return Sv::unknown(span) };
        let key = format!("{address}.{attr}");
        let (v, origins) = self.traced(|ev| ev.guarded(key, span, |ev| ev.eval(&a.value, res.src)));
        self.note(span, &origins, false);
        v
    }

    /// `Some(true)` when one side is `null` and the other is `var.x` whose value is its
    /// `default = null` (not set by tfvars, `--var` or a caller).
    ///
    /// Only where a resource or data source reads it: a local computed from an unset input
    /// (`create = var.x != null`) stays unknown, because the module's `count`s and other locals
    /// built on it describe the world where a caller sets the input.
    fn unset_test(&self, a: &Expression, b: &Expression) -> Option<bool> {
        if self.active.iter().any(|k| k.starts_with("local.") || k.starts_with("var.")) {
            return None;
        }
        let name = match (a, b) {
            (Expression::Null(_), e) | (e, Expression::Null(_)) => plain_variable(e)?,
            _ => return None,
        };
        let (_, origins) = self.memo.get(&format!("var.{name}"))?;
        let variable = self.variable_name(name);
        origins.iter().any(|o| o.unset && o.variable == variable).then_some(true)
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

/// `NAME` of an expression that is exactly `var.NAME`.
fn plain_variable(e: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = e else { return None };
    match (&t.expr, t.operators.as_slice()) {
        (Expression::Variable(v), [op]) if v.as_str() == "var" => match op.value() {
            TraversalOperator::GetAttr(a) => Some(a.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// The origin of the variable an [`Eval::unset_test`] compared with `null`.
fn unset_origin(ev: &Eval, a: &Expression, b: &Expression) -> DefaultOrigin {
    let name = plain_variable(a).or_else(|| plain_variable(b)).unwrap_or_default();
    DefaultOrigin { variable: ev.variable_name(name), unset: true }
}

/// Terraform prints whole numbers without a fraction (`1.0` is `1`).
fn number_text(n: &hcl_edit::Number) -> String {
    match n.as_f64() {
        Some(f) if n.as_i64().is_none() && n.as_u64().is_none() => functions::format_num(f),
        _ => n.to_string(),
    }
}

mod call;
pub mod repeat;
mod template;
