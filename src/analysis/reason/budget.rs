//! The total reasoning work allowed for one unit (a file or a Terraform module), counted in
//! steps on the thread that checks the unit: a product-search state costs one step per automaton
//! in the product, and every search costs [`SEARCH_STEPS`] up front (its setup dominates the
//! small searches a condition value needs). Steps, not time, so the answers do not depend on the
//! machine or on the number of threads.
//! Each question is bounded on its own (`search::MAX_CELLS`); this bounds their sum, so a policy
//! with hundreds of wildcard patterns costs a known time, and what is left is *unknown*
//! ([`ReasonError::OverBudget`]): rules stay silent on it and the run says so.

use std::cell::Cell;

use super::ReasonError;

/// Steps per policy of the unit: about 1.5 s of reasoning on the 2-core development machine, or
/// some 150 wildcard external id values in one policy (the 60 of the largest shipped fixture need
/// 3.1 million; 560 values need 18 million).
pub const STEPS_PER_POLICY: usize = 8_000_000;

/// Steps every product search costs before its first state.
pub const SEARCH_STEPS: usize = 5_000;

/// Building an automaton costs one step per this many bytes of the automaton built (or of the
/// size limit that stopped it): determinisation is work too, and a policy whose patterns each
/// build a large automaton must run out of budget as one whose searches are large does.
pub const BUILD_BYTES_PER_STEP: usize = 16;

thread_local! {
    /// `(limit, spent)` while a budget is set on this thread.
    static BUDGET: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

/// What [`with_budget`] reports besides the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    pub steps: usize,
    pub limit: usize,
    /// Some question was cut short: its answer is unknown.
    pub exhausted: bool,
}

/// Runs `f` with a budget of `limit` steps for every search on this thread.
pub fn with_budget<R>(limit: usize, f: impl FnOnce() -> R) -> (R, Spent) {
    let outer = BUDGET.with(|b| b.replace(Some((limit, 0))));
    let result = f();
    let (_, spent) = BUDGET.with(|b| b.replace(outer)).unwrap_or((limit, 0));
    (result, Spent { steps: spent.min(limit), limit, exhausted: spent > limit })
}

/// Runs `f` with no budget, for work done once per run on behalf of every unit (such as the
/// Spacelift grammar): whichever unit happens to ask first must not pay for it, nor fail it.
pub fn outside<R>(f: impl FnOnce() -> R) -> R {
    let outer = BUDGET.with(|b| b.replace(None));
    let result = f();
    BUDGET.with(|b| b.set(outer));
    result
}

/// `Err` once the current budget is spent (work that would be charged is refused up front).
pub(crate) fn check() -> Result<(), ReasonError> {
    BUDGET.with(|b| match b.get() {
        Some((limit, spent)) if spent > limit => Err(ReasonError::OverBudget { steps: limit }),
        _ => Ok(()),
    })
}

/// Charges `steps` to the current budget, if any.
pub(crate) fn spend(steps: usize) -> Result<(), ReasonError> {
    BUDGET.with(|b| match b.get() {
        Some((limit, spent)) => {
            let spent = spent.saturating_add(steps);
            b.set(Some((limit, spent)));
            if spent > limit { Err(ReasonError::OverBudget { steps: limit }) } else { Ok(()) }
        }
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::reason::{Lang, PatternKind, ReasonError, VarMode};

    #[test]
    fn a_spent_budget_makes_answers_unknown_and_is_reported() {
        // As automata: plain globs are answered from their text, which spends no steps.
        let glob = |p: &str| Lang::pattern(PatternKind::Like, p, VarMode::Literal).unwrap().automaton_form();
        let lang = glob("acme@*@app@*");
        let (ok, spent) = with_budget(1_000_000, || lang.shortest_witness());
        assert!(ok.unwrap().is_some());
        assert!(!spent.exhausted && spent.steps >= SEARCH_STEPS);
        let one = spent.steps;
        // The same shape with other letters: a different question of the same cost.
        let first = glob("acme@*@apq@*");
        let second = glob("acme@*@aqq@*");
        let (cut, spent) = with_budget(one + 1, || (first.shortest_witness(), second.shortest_witness()));
        assert!(cut.0.is_ok(), "the first search fits");
        assert_eq!(cut.1, Err(ReasonError::OverBudget { steps: one + 1 }));
        assert!(spent.exhausted);
        // A remembered answer costs nothing, and a refused one was not remembered.
        let (again, spent) = with_budget(1, || first.shortest_witness());
        assert!(again.unwrap().is_some());
        assert_eq!(spent.steps, 0);
        // Outside a budget, nothing is counted or refused.
        assert!(second.shortest_witness().unwrap().is_some());
    }
}
