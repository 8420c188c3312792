//! `trustlint simulate`: what STS would answer to `sts:AssumeRole` on a trust policy, decided
//! offline by the request evaluator ([`crate::analysis::request`]), for the request the user
//! describes (or every stack and phase a Terraform configuration attaches to the role), plus
//! the negative probes `verify` makes live. The command in `commands/simulate.rs` only maps
//! flags to [`Options`] and prints the [`Simulation`].

pub mod explain;
pub mod load;
pub mod probes;
pub mod render;
pub mod request;

use crate::analysis::request::{Decision, Evaluation, Request, evaluate_in};
use crate::model::{Policy, Unit};

pub use load::{Loaded, Target};
pub use request::{Caller, Options, SpaceliftRun};

/// What a check expects STS to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Allow,
    Deny,
}

impl Expected {
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Allow => "allow",
            Expected::Deny => "deny",
        }
    }
}

/// One request and what it got.
#[derive(Debug, Clone)]
pub struct Check {
    /// `request`, `probe-no-external-id`, `probe-other-phase`, ...
    pub name: String,
    pub probe: bool,
    /// `stack app, write phase`, `without an external id`.
    pub description: String,
    /// The `sts:AssumeRole` request; other actions STS also authorises share its context.
    pub request: Request,
    /// `sts:AssumeRole`, then `sts:TagSession` / `sts:SetSourceIdentity` when the request needs them.
    pub actions: Vec<String>,
    pub expected: Expected,
    /// Why a failed expectation matters (probes): shown with the failure.
    pub risk: Option<String>,
    /// One evaluation per action, in the order of `actions`.
    pub evaluations: Vec<Evaluation>,
}

impl Check {
    /// Allow only when every action is allowed; otherwise the first action's refusal.
    pub fn decision(&self) -> Decision {
        self.deciding().map(|(_, e)| e.decision.clone()).unwrap_or(Decision::Unknown)
    }

    /// The action and evaluation that decided: the first one not allowed, else the first.
    pub fn deciding(&self) -> Option<(&str, &Evaluation)> {
        let pairs = self.actions.iter().map(String::as_str).zip(&self.evaluations);
        let mut first = None;
        for (a, e) in pairs {
            if !e.decision.is_allow() {
                return Some((a, e));
            }
            first.get_or_insert((a, e));
        }
        first
    }

    pub fn held(&self) -> bool {
        match self.expected {
            Expected::Allow => self.decision().is_allow(),
            Expected::Deny => self.decision().is_deny(),
        }
    }
}

/// The whole answer.
pub struct Simulation {
    /// What the trust policy came from: file, module, or `iam:GetRole <name>`.
    pub input: String,
    pub target: Target,
    pub caller: Caller,
    pub notes: Vec<String>,
    pub checks: Vec<Check>,
}

impl Simulation {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(Check::held)
    }

    /// `allow` when every request (not probe) is allowed, `deny` when one is denied,
    /// `unknown` when one cannot be decided.
    pub fn decision(&self) -> &'static str {
        let mut out = "allow";
        for c in self.checks.iter().filter(|c| !c.probe) {
            match c.decision() {
                Decision::Allow => {}
                Decision::Unknown => out = "unknown",
                _ => return "deny",
            }
        }
        out
    }

    pub fn requests(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.probe)
    }

    pub fn probes(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.probe)
    }
}

/// Evaluates each check's actions against the policy.
pub fn evaluate_checks(policy: &Policy, unit: &Unit, checks: &mut [Check]) {
    for c in checks {
        c.evaluations =
            c.actions.iter().map(|a| evaluate_in(policy, &c.request.for_action(a), Some(unit))).collect();
    }
}

/// Builds and evaluates every check for the options on the loaded input.
pub fn simulate(
    input: String,
    loaded: &Loaded,
    target: Target,
    opts: &Options,
) -> Result<Simulation, String> {
    let unit = &loaded.unit;
    let policy = unit.policies.get(target.policy).ok_or("internal error: the trust policy is missing")?;
    let mut notes = Vec::new();
    let runs = if opts.as_spacelift {
        request::attached_runs(unit, &target, &mut notes)?
    } else {
        opts.spacelift_runs.clone()
    };
    if let Some(run) = runs.iter().find(|r| r.worker)
        && opts.principal.is_none()
    {
        return Err(format!(
            "{}: its integration generates credentials on a private worker, so the worker's own \
             principal calls sts:AssumeRole, not Spacelift's account: pass it with --principal ARN",
            run.attachment.as_deref().unwrap_or("the attachment")
        ));
    }
    let caller = request::caller(opts, !runs.is_empty())?;
    let mut checks = Vec::new();
    if runs.is_empty() {
        checks.push(request::plain_check(opts, &caller)?);
    } else {
        for run in &runs {
            checks.push(request::spacelift_check(opts, &caller, run)?);
        }
    }
    // Probes vary a request that should be accepted; for one that should be denied they say
    // nothing more.
    if opts.probes && opts.expect_deny {
        notes.push("--expect-deny: no probes (they vary a request that should be allowed)".into());
    }
    if opts.probes && !opts.expect_deny {
        let positives: Vec<Check> = checks.clone();
        checks.extend(probes::probes(opts, &caller, &runs, &positives));
    }
    evaluate_checks(policy, unit, &mut checks);
    let first = checks.first().map(|c| &c.request);
    if let Some(req) = first {
        let missing = req.keys_not_sent(policy);
        if !missing.is_empty() {
            notes.push(format!(
                "the policy tests condition keys this request does not send ({}); they are taken as \
                 absent (pass them with --context KEY=VALUE)",
                missing.join(", ")
            ));
        }
    }
    notes.extend(opts.notes.iter().cloned());
    Ok(Simulation { input, target, caller, notes, checks })
}

/// `stack `app`, write phase` (or `module `vpc`, ...`).
pub fn describe_run(run: &SpaceliftRun) -> String {
    let what = if run.module { "module" } else { "stack" };
    format!("{what} `{}`, {} phase", run.stack, run.phase)
}
