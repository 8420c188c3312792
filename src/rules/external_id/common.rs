//! The external id values TL201-TL204 look at: patterns under positive string operators on
//! `sts:ExternalId` in statements that trust Spacelift.

use crate::analysis::external_id::Questions;
use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::analysis::trust::{EXTERNAL_ID, grammar, is_literal_wildcard_id, spacelift_principals};
use crate::model::{BaseOp, Condition, Policy, Statement, Unit, Value};

pub struct ExternalIdValue<'a> {
    pub statement: &'a Statement,
    pub condition: &'a Condition,
    pub value: &'a Value,
    pub text: &'a str,
    pub lang: Lang,
    /// What the value accepts, asked lazily and remembered across rules and files.
    pub analysis: Questions<'static>,
}

/// Every known external id value or pattern of a Spacelift trust statement, analysed.
/// Unknown Terraform values are left out: when they come from
/// `spacelift_aws_integration_attachment_external_id`, Spacelift built them.
pub fn spacelift_external_ids<'a>(_unit: &Unit, policy: &'a Policy) -> Vec<ExternalIdValue<'a>> {
    let Some(g) = grammar() else { return Vec::new() };
    let vars = if policy.variables_enabled() { VarMode::AnyValue } else { VarMode::Literal };
    let mut out = Vec::new();
    for st in policy.statements.iter().filter(|st| st.is_allow() && !spacelift_principals(st).is_empty()) {
        for c in st.conditions_on(EXTERNAL_ID) {
            let kind = match c.operator.base {
                Some(BaseOp::StringEquals) => PatternKind::Equals,
                Some(BaseOp::StringEqualsIgnoreCase) => PatternKind::EqualsIgnoreCase,
                Some(BaseOp::StringLike) => PatternKind::Like,
                _ => continue,
            };
            for value in &c.values.items {
                let Some(text) = value.as_str() else { continue };
                // TL105 reports the root cause: the value can never be sent.
                if is_literal_wildcard_id(c, text) {
                    continue;
                }
                let Ok(lang) = Lang::pattern(kind, text, vars) else { continue };
                let analysis = Questions::new(lang.clone(), g);
                out.push(ExternalIdValue { statement: st, condition: c, value, text, lang, analysis });
            }
        }
    }
    out
}
