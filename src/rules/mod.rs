//! The rule framework: metadata, the `Rule` trait, findings, and the registry.

pub mod defaults;
pub mod external_id;
pub mod fix;
pub mod grammar;
pub mod graph;
pub mod permissions;
pub mod profiles;
pub mod registry;
pub mod spacelift;
pub mod terraform;
pub mod trust;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Serialize;

pub use crate::diagnostic::{Applicability, Edit, Finding, Fix, MAX_MESSAGE_CHARS, Severity, Text, bounded};

use crate::analysis::graph::Graph;
use crate::config::Settings;
use crate::model::{Policy, Unit};
use crate::source::{SourceMap, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Grammar,
    Trust,
    ExternalId,
    Permissions,
    Terraform,
    Spacelift,
    Profiles,
    /// Across units: hops of the role graph.
    Graph,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Grammar => "grammar",
            Family::Trust => "trust",
            Family::ExternalId => "external-id",
            Family::Permissions => "permissions",
            Family::Terraform => "terraform",
            Family::Spacelift => "spacelift",
            Family::Profiles => "profiles",
            Family::Graph => "graph",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        [
            Family::Grammar,
            Family::Trust,
            Family::ExternalId,
            Family::Permissions,
            Family::Terraform,
            Family::Spacelift,
            Family::Profiles,
            Family::Graph,
        ]
        .into_iter()
        .find(|f| f.name() == s)
    }
}

/// Where trustlint is published (`repository` of Cargo.toml); SARIF links rule help there.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// What a rule is. Built-in rules get theirs from [`declare_rule!`], so `explain`, the README
/// table and SARIF help all come from the rule's doc comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub family: Family,
    pub summary: &'static str,
    /// Markdown with the sections `## What it does` .. `## References`.
    pub docs: &'static str,
    /// The rule offers fixes of this safety (where the right text is certain).
    pub fix: Option<Applicability>,
}

impl RuleMeta {
    /// Doc comments keep the space after `///`; strip it once per line.
    pub fn docs_text(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// The rule's documentation page: what `explain` prints and `docs/rules/<CODE>.md` holds.
    pub fn page(&self) -> String {
        let fix = match self.fix {
            Some(a) => format!(" Fix: {a}."),
            None => String::new(),
        };
        format!(
            "# {} {}\n\nDefault severity: {}. Family: {}.{fix}\n\n{}\n\n{}\n",
            self.code,
            self.name,
            self.severity,
            self.family.name(),
            self.summary,
            self.docs_text()
        )
    }

    /// The rule's page in the repository (`docs/rules/<CODE>.md`, generated from the registry).
    pub fn help_uri(&self) -> String {
        format!("{REPOSITORY}/blob/main/docs/rules/{}.md", self.code)
    }
}

/// Declares a rule type from its doc comment and metadata.
#[macro_export]
macro_rules! declare_rule {
    (@fix) => { None };
    (@fix $fix:ident) => { Some($crate::rules::Applicability::$fix) };
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $ty:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            family: $fam:ident,
            summary: $summary:literal
            $(, fix: $fix:ident)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $ty;

        impl $ty {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::rules::Severity::$sev,
                family: $crate::rules::Family::$fam,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                fix: $crate::declare_rule!(@fix $($fix)?),
            };
        }

        impl $crate::rules::HasMeta for $ty {
            fn meta(&self) -> &$crate::rules::RuleMeta {
                &Self::META
            }
        }
    };
}

/// Where a rule puts its findings; fills in the rule's code, name and default severity.
pub struct Sink<'m> {
    meta: &'m RuleMeta,
    pub findings: Vec<Finding>,
}

impl<'m> Sink<'m> {
    pub fn new(meta: &'m RuleMeta) -> Self {
        Sink { meta, findings: Vec::new() }
    }

    pub fn emit(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.emit_text(span, bounded(message.into()).into())
    }

    /// [`Sink::emit`] with a message already made (and bounded) once for many findings.
    pub fn emit_text(&mut self, span: Span, message: Text) -> &mut Finding {
        self.findings.push(Finding {
            code: self.meta.code,
            name: self.meta.name,
            severity: self.meta.severity,
            span,
            message,
            help: None,
            label: None,
            secondary: Default::default(),
            subject: None,
            fix: None,
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// What every rule may read besides the unit: settings and the run's sources.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub sources: &'a SourceMap,
    /// What several rules derive from the same unit, derived once.
    pub memo: &'a UnitMemo,
}

/// Views of a unit's policies that several rules build, built once per unit: every declarative
/// rule queries the same normalised JSON of a policy. Keyed by the policy's address, which is
/// stable while the unit is checked (the memo lives no longer than that).
#[derive(Default)]
pub struct UnitMemo {
    normalised: RefCell<HashMap<(usize, u16), Rc<serde_json::Value>>>,
    /// By policy address: its Spacelift external id values (five rules read them).
    external_ids: RefCell<HashMap<usize, Rc<[external_id::common::Found]>>>,
}

impl UnitMemo {
    /// The JSON `make` builds of `policy` with the statement keys `keys`, built on the first
    /// call for that policy and those keys.
    pub fn normalised(
        &self,
        policy: &Policy,
        keys: u16,
        make: impl FnOnce(&Policy) -> serde_json::Value,
    ) -> Rc<serde_json::Value> {
        let key = (std::ptr::from_ref(policy) as usize, keys);
        if let Some(hit) = self.normalised.borrow().get(&key) {
            return Rc::clone(hit);
        }
        let value = Rc::new(make(policy));
        self.normalised.borrow_mut().insert(key, Rc::clone(&value));
        value
    }

    /// The external id values `find` finds in `policy`, found on the first call for it.
    pub fn external_ids(
        &self,
        policy: &Policy,
        find: impl FnOnce(&Policy) -> Vec<external_id::common::Found>,
    ) -> Rc<[external_id::common::Found]> {
        let key = std::ptr::from_ref(policy) as usize;
        if let Some(hit) = self.external_ids.borrow().get(&key) {
            return Rc::clone(hit);
        }
        let found: Rc<[external_id::common::Found]> = find(policy).into();
        self.external_ids.borrow_mut().insert(key, Rc::clone(&found));
        found
    }
}

/// What a rule is. [`declare_rule!`] implements it for every built-in rule; declarative rules
/// carry their metadata from their TOML file.
pub trait HasMeta {
    fn meta(&self) -> &RuleMeta;
}

pub trait Rule: HasMeta + Send + Sync {
    /// Checks one policy; most rules only need this.
    fn check_policy(&self, _cx: &Context, _unit: &Unit, _policy: &Policy, _out: &mut Sink) {}

    /// Checks a whole unit (cross-resource rules override this, calling [`check_policies`]
    /// first when they also look at each policy).
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        check_policies(self, cx, unit, out);
    }

    /// Checks the whole run at once, after every unit's own checks (rules on the role graph,
    /// whose hops cross files and accounts). A rule that overrides it says so in
    /// [`Rule::needs_run`], so the engine builds the graph only when a selected rule reads it.
    fn check_run(&self, _cx: &Context, _run: &Run, _out: &mut Sink) {}

    fn needs_run(&self) -> bool {
        false
    }
}

/// Everything one run read, for [`Rule::check_run`]: every unit, and the role graph over them.
pub struct Run<'a> {
    pub units: &'a [Unit],
    pub graph: &'a Graph,
}

/// Runs `check_policy` on every policy of the unit, naming the policy's subject on its findings.
pub fn check_policies<R: Rule + ?Sized>(rule: &R, cx: &Context, unit: &Unit, out: &mut Sink) {
    for policy in &unit.policies {
        let before = out.findings.len();
        rule.check_policy(cx, unit, policy, out);
        for f in &mut out.findings[before..] {
            if let Some(subject) = &policy.subject {
                f.subject.get_or_insert_with(|| subject.as_str().into());
            }
            // A policy of the one possible instance of an unknown `count`/`for_each`.
            if let Some(when) = &policy.when {
                f.message = format!("{}, when {when}", f.message).into();
            }
        }
    }
}

/// A one-character span at the start of `span` (for "missing X" findings, so the code frame
/// points at the opening brace instead of underlining a whole statement).
pub fn opening(span: Span) -> Span {
    Span::new(span.src, span.start, span.start + 1)
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = crate::wildcard::edit_distance(word, c);
        let limit = (c.len() / 4).clamp(1, 3);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}
