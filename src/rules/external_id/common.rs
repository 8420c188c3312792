//! The external id values TL201-TL204 look at: patterns under positive string operators on
//! `sts:ExternalId` in statements that trust Spacelift.

use crate::analysis::external_id::Questions;
use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::analysis::trust::{EXTERNAL_ID, grammar, is_literal_wildcard_id, spacelift_principals};
use crate::model::{BaseOp, Condition, Policy, Statement, Unit, Value};
use crate::rules::Context;
use std::rc::Rc;

/// One external id value of a Spacelift trust statement, as the rules see it.
pub struct ExternalIdValue<'a> {
    pub statement: &'a Statement,
    pub condition: &'a Condition,
    pub value: &'a Value,
    pub text: &'a str,
    pub lang: &'a Lang,
    /// What the value accepts, asked lazily and remembered across rules and files.
    pub analysis: &'a Questions<'static>,
}

/// One external id value of a policy, by its place, with its language and questions: built
/// once per policy (`UnitMemo::external_ids`), read by every rule that asks.
pub struct Found {
    statement: usize,
    condition: usize,
    value: usize,
    lang: Lang,
    analysis: Questions<'static>,
}

/// The external id values of one policy.
pub struct ExternalIds<'a> {
    policy: &'a Policy,
    found: Rc<[Found]>,
}

impl ExternalIds<'_> {
    pub fn iter(&self) -> impl Iterator<Item = ExternalIdValue<'_>> {
        self.found.iter().filter_map(|f| {
            let statement = self.policy.statements.get(f.statement)?;
            let condition = statement.conditions.get(f.condition)?;
            let value = condition.values.items.get(f.value)?;
            let text = value.as_str()?;
            Some(ExternalIdValue { statement, condition, value, text, lang: &f.lang, analysis: &f.analysis })
        })
    }
}

/// Every known external id value or pattern of a Spacelift trust statement, analysed.
/// Unknown Terraform values are left out: when they come from
/// `spacelift_aws_integration_attachment_external_id`, Spacelift built them.
pub fn spacelift_external_ids<'a>(cx: &Context, _unit: &Unit, policy: &'a Policy) -> ExternalIds<'a> {
    ExternalIds { policy, found: cx.memo.external_ids(policy, find) }
}

fn find(policy: &Policy) -> Vec<Found> {
    let Some(g) = grammar() else { return Vec::new() };
    let vars = if policy.variables_enabled() { VarMode::AnyValue } else { VarMode::Literal };
    let mut out = Vec::new();
    for (si, st) in policy.statements.iter().enumerate() {
        if !st.is_allow() || spacelift_principals(st).is_empty() {
            continue;
        }
        for (ci, c) in st.conditions.iter().enumerate().filter(|(_, c)| c.key_is(EXTERNAL_ID)) {
            let kind = match c.operator.base {
                Some(BaseOp::StringEquals) => PatternKind::Equals,
                Some(BaseOp::StringEqualsIgnoreCase) => PatternKind::EqualsIgnoreCase,
                Some(BaseOp::StringLike) => PatternKind::Like,
                _ => continue,
            };
            for (vi, value) in c.values.items.iter().enumerate() {
                let Some(text) = value.as_str() else { continue };
                // TL105 reports the root cause: the value can never be sent.
                if is_literal_wildcard_id(c, text) {
                    continue;
                }
                let Ok(lang) = Lang::pattern(kind, text, vars) else { continue };
                let analysis = Questions::new(lang.clone(), g);
                out.push(Found { statement: si, condition: ci, value: vi, lang, analysis });
            }
        }
    }
    out
}
