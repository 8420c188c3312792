//! The external id values TL201-TL204 look at: patterns under positive string operators on
//! `sts:ExternalId` in statements that trust Spacelift.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::analysis::external_id::{Analysis, Grammar, analyse};
use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::analysis::trust::{EXTERNAL_ID, grammar, is_literal_wildcard_id, spacelift_principals};
use crate::model::{BaseOp, Condition, Policy, Statement, Unit, Value};

pub struct ExternalIdValue<'a> {
    pub statement: &'a Statement,
    pub condition: &'a Condition,
    pub value: &'a Value,
    pub text: &'a str,
    pub lang: Lang,
    pub analysis: Arc<Analysis>,
}

type AnalysisKey = (PatternKind, String, VarMode);

/// TL201-TL204 each look at the same values: analyse each (operator, value) once per run.
/// Bounded like the automaton cache; a failed analysis is remembered too (rules stay silent).
fn analysed(kind: PatternKind, text: &str, vars: VarMode, g: &Grammar) -> Option<(Lang, Arc<Analysis>)> {
    static CACHE: OnceLock<Mutex<HashMap<AnalysisKey, Option<Arc<Analysis>>>>> = OnceLock::new();
    let lang = Lang::pattern(kind, text, vars).ok()?;
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (kind, text.to_string(), vars);
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone().map(|a| (lang, a));
    }
    let result = match analyse(&lang, g) {
        Ok(a) => Some(Arc::new(a)),
        // This file's budget is spent: unknown here, but another file may still decide it.
        Err(crate::analysis::reason::ReasonError::OverBudget { .. }) => return None,
        Err(_) => None,
    };
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= 4096 {
        map.clear();
    }
    map.insert(key, result.clone());
    result.map(|a| (lang, a))
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
                let Some((lang, analysis)) = analysed(kind, text, vars, g) else { continue };
                out.push(ExternalIdValue { statement: st, condition: c, value, text, lang, analysis });
            }
        }
    }
    out
}
