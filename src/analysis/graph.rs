//! Who can become whom: the "can assume" graph over every unit of a run. Each hop is decided by
//! both sides: the caller's identity policies must allow `sts:AssumeRole` on the target's ARN
//! (Deny and `NotResource` honoured) and the target's trust policy must admit the caller (the
//! request evaluator, with the hop's external id and MFA). What cannot be decided statically
//! keeps the hop *possible*.

use std::collections::HashMap;

use crate::analysis::request::{Decision, Request, evaluate};
use crate::aws::arn;
use crate::model::terraform::{AssumeOrigin, AssumeRoleConfig};
use crate::model::{Policy, Role, Statement, Unit, action_matches};
use crate::source::Span;
use crate::wildcard::glob_match;

const ASSUME: &str = "sts:AssumeRole";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A role of a dump or a Terraform module.
    Role,
    /// A role named by an ARN whose policies are not in the run.
    ExternalRole,
    /// A profile of an AWS shared config file.
    Profile,
    /// A Terraform provider or backend `assume_role` setting (its caller is the CI run's identity).
    AssumeRoleSetting,
    /// An IAM user of a dump (a caller only).
    User,
    /// One phase of a Spacelift stack attached to an AWS integration, named by the external id
    /// that phase sends (`acme@…@app@read`).
    SpaceliftPhase,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Node {
    /// A role ARN, a Terraform address, `profile <name>` or `<module>: provider "aws" ...`.
    pub id: String,
    pub kind: NodeKind,
    #[serde(skip)]
    pub span: Option<Span>,
    /// Index into the run's units; `None` for external roles.
    #[serde(skip)]
    pub unit: Option<usize>,
    #[serde(skip)]
    pub role: Option<usize>,
    /// Index into the unit's `assume_roles` for profiles and provider/backend settings.
    #[serde(skip)]
    pub setting: Option<usize>,
    /// Index into the unit's `users`.
    #[serde(skip)]
    pub user: Option<usize>,
}

/// What one side of a hop says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Yes,
    No,
    Unknown,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Side {
    pub verdict: Verdict,
    /// The deciding statement, or why it cannot be decided.
    pub reason: String,
    /// The deciding statement's span, when there is one.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Side {
    fn new(verdict: Verdict, reason: impl Into<String>, span: Option<Span>) -> Side {
        Side { verdict, reason: reason.into(), span }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// The caller's identity policies.
    pub caller: Side,
    /// The target's trust policy.
    pub trust: Side,
    /// The caller's ARN, when known statically.
    #[serde(skip)]
    pub caller_arn: Option<String>,
}

impl Edge {
    /// Both sides allow the hop for certain.
    pub fn certain(&self) -> bool {
        self.caller.verdict == Verdict::Yes && self.trust.verdict == Verdict::Yes
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// What the caller of a hop sends with `AssumeRole`.
#[derive(Debug, Clone, Default)]
struct Hop<'a> {
    external_id: Option<&'a str>,
    mfa: bool,
    /// The action asked for (`sts:AssumeRole` when `None`).
    action: Option<&'a str>,
}

impl Graph {
    fn add(&mut self, node: Node, index: &mut HashMap<String, usize>) -> usize {
        if let Some(&i) = index.get(&node.id) {
            return i;
        }
        index.insert(node.id.clone(), self.nodes.len());
        self.nodes.push(node);
        self.nodes.len() - 1
    }
}

impl Graph {
    /// The node of role `role` of unit `unit`.
    pub fn node_of(&self, unit: usize, role: usize) -> Option<usize> {
        self.nodes.iter().position(|n| n.unit == Some(unit) && n.role == Some(role))
    }

    /// The role a node stands for, when its policies are in the run.
    pub fn role<'a>(&self, units: &'a [Unit], node: usize) -> Option<(&'a Unit, &'a Role)> {
        role_of(units, self.nodes.get(node)?)
    }

    /// The profile or provider/backend setting a node stands for.
    pub fn setting<'a>(&self, units: &'a [Unit], node: usize) -> Option<(&'a Unit, &'a AssumeRoleConfig)> {
        let n = self.nodes.get(node)?;
        let unit = units.get(n.unit?)?;
        Some((unit, unit.assume_roles.get(n.setting?)?))
    }

    /// The shortest path (as edge indices) from `start` to a node for which `goal` holds, over
    /// hops that neither side refuses; breadth first, so the witness is as short as possible.
    pub fn path_to(&self, start: usize, goal: impl Fn(usize) -> bool) -> Option<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for (i, e) in self.edges.iter().enumerate() {
            if e.caller.verdict != Verdict::No && e.trust.verdict != Verdict::No {
                out[e.from].push(i);
            }
        }
        let mut via: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = std::collections::VecDeque::from([start]);
        *seen.get_mut(start)? = true;
        while let Some(n) = queue.pop_front() {
            if n != start && goal(n) {
                let mut path = Vec::new();
                let mut at = n;
                while let Some(e) = via[at] {
                    path.push(e);
                    at = self.edges[e].from;
                }
                path.reverse();
                return Some(path);
            }
            for &e in &out[n] {
                let to = self.edges[e].to;
                if !seen[to] {
                    seen[to] = true;
                    via[to] = Some(e);
                    queue.push_back(to);
                }
            }
        }
        None
    }
}

/// One phase of an attached stack, as the graph's Spacelift hop sees it.
#[derive(Clone, Copy)]
struct PhaseHop<'a> {
    account: Option<&'a str>,
    stack: Option<&'a str>,
    phase: crate::aws::spacelift::Phase,
    worker: bool,
}

/// Both sides of a Spacelift phase's hop to its integration's role.
fn phase_sides(
    units: &[Unit],
    target: &Node,
    integ: &crate::model::terraform::SpaceliftIntegration,
    who: &PhaseHop,
    opts: &GraphOptions,
) -> (Side, Side) {
    let PhaseHop { account, stack, phase, worker } = *who;
    if worker {
        let hop = Hop { external_id: integ.external_id.as_ref().and_then(|v| v.as_str()), ..Hop::default() };
        (
            Side::new(
                Verdict::Unknown,
                "a private worker's own credentials call (generate_credentials_in_worker)",
                None,
            ),
            trust_side(units, target, None, &hop, false),
        )
    } else {
        let caller = format!("arn:aws:iam::{}:root", opts.spacelift_environment.principal_account());
        let sample = crate::aws::spacelift::external_id(
            account.unwrap_or("account"),
            "00000000000000000000000000",
            stack.unwrap_or("stack"),
            phase,
        );
        let hop = Hop { external_id: Some(&sample), ..Hop::default() };
        let trust = match trust_side(units, target, Some(&caller), &hop, false) {
            // The integration id is known only after apply (TL503 decides over every id).
            side if side.verdict == Verdict::No => Side::new(
                Verdict::Unknown,
                format!("{}; the integration id is known only after apply", side.reason),
                side.span,
            ),
            side => Side {
                reason: format!(
                    "{} (with {sample}: the integration id is known only after apply)",
                    side.reason
                ),
                ..side
            },
        };
        (Side::new(Verdict::Yes, "Spacelift's account calls sts:AssumeRole", None), trust)
    }
}

/// Does the trust of node `to` allow `action` (e.g. `sts:TagSession`) to `caller` with the
/// external id `external_id`? An unknown caller is tried as each principal the trust names.
pub fn trust_allows(
    units: &[Unit],
    g: &Graph,
    to: usize,
    caller: Option<&str>,
    action: &str,
    external_id: Option<&str>,
) -> Option<Side> {
    let hop = Hop { external_id, mfa: false, action: Some(action) };
    Some(trust_side(units, g.nodes.get(to)?, caller, &hop, false))
}

/// What the graph needs to know about the run's Spacelift setup (to name phase nodes by the
/// external id they send, and to know which account calls).
#[derive(Debug, Clone, Default)]
pub struct GraphOptions {
    pub spacelift_account: Option<String>,
    pub spacelift_environment: crate::aws::spacelift::SpaceliftEnvironment,
}

/// Builds the graph of a run, once, over every unit, with default options.
pub fn build(units: &[Unit]) -> Graph {
    build_with(units, &GraphOptions::default())
}

/// Builds the graph of a run, once, over every unit.
pub fn build_with(units: &[Unit], opts: &GraphOptions) -> Graph {
    let mut g = Graph::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (u, unit) in units.iter().enumerate() {
        for (r, role) in unit.roles.iter().enumerate() {
            let id = role.arn.clone().unwrap_or_else(|| role.subject.clone());
            g.add(
                Node {
                    id,
                    kind: NodeKind::Role,
                    span: Some(role.span),
                    unit: Some(u),
                    role: Some(r),
                    setting: None,
                    user: None,
                },
                &mut index,
            );
        }
    }
    let roles: Vec<usize> = (0..g.nodes.len()).collect();
    let mut callers = roles.clone();
    for (u, unit) in units.iter().enumerate() {
        for (i, user) in unit.users.iter().enumerate() {
            let id = user.arn.clone().unwrap_or_else(|| user.subject.clone());
            let node = Node {
                id,
                kind: NodeKind::User,
                span: Some(user.span),
                unit: Some(u),
                role: None,
                setting: None,
                user: Some(i),
            };
            callers.push(g.add(node, &mut index));
        }
    }
    role_hops(units, &mut g, &callers, &roles);
    for (u, unit) in units.iter().enumerate() {
        setting_hops(units, u, unit, &mut g, &mut index);
        spacelift_hops(units, u, unit, &mut g, &mut index, opts);
    }
    g
}

/// One node per attached stack and phase, with a hop to the integration's role: Spacelift's
/// account calls with the phase's external id, or, with credentials generated on a private
/// worker, the worker's own principal (not known statically).
fn spacelift_hops(
    units: &[Unit],
    u: usize,
    unit: &Unit,
    g: &mut Graph,
    index: &mut HashMap<String, usize>,
    opts: &GraphOptions,
) {
    use crate::aws::spacelift::Phase;
    for att in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source) {
        let Some(integ) = att.integration.and_then(|i| unit.spacelift.integrations.get(i)) else { continue };
        let to = match integ.role {
            Some(r) => g.node_of(u, r),
            None => {
                integ.role_arn.as_ref().and_then(|v| v.as_str()).map(|arn| target(units, g, index, u, arn))
            }
        };
        let Some(to) = to else { continue };
        let stack = att.target().and_then(|v| v.as_str());
        let account = opts.spacelift_account.as_deref();
        let worker = integ.generate_credentials_in_worker.as_ref().and_then(|v| v.as_str()) == Some("true");
        for (phase, enabled) in [(Phase::Read, att.read), (Phase::Write, att.write)] {
            if enabled == Some(false) {
                continue;
            }
            let id = format!("{}@…@{}@{phase}", account.unwrap_or("…"), stack.unwrap_or("…"));
            let node = Node {
                id,
                kind: NodeKind::SpaceliftPhase,
                span: Some(att.span),
                unit: Some(u),
                role: None,
                setting: None,
                user: None,
            };
            let from = g.add(node, index);
            let who = PhaseHop { account, stack, phase, worker };
            let (caller, trust) = phase_sides(units, &g.nodes[to], integ, &who, opts);
            g.edges.push(Edge { from, to, caller, trust, caller_arn: None });
        }
    }
}

fn role_of<'a>(units: &'a [Unit], node: &Node) -> Option<(&'a Unit, &'a Role)> {
    let unit = units.get(node.unit?)?;
    Some((unit, unit.roles.get(node.role?)?))
}

/// Who calls `sts:AssumeRole` on a hop: a role or a user, with its identity policies.
struct Caller<'a> {
    subject: &'a str,
    arn: Option<&'a str>,
    permissions: &'a [usize],
    managed: &'a [crate::model::Value],
}

impl<'a> From<&'a Role> for Caller<'a> {
    fn from(r: &'a Role) -> Self {
        Caller {
            subject: &r.subject,
            arn: r.arn.as_deref(),
            permissions: &r.permissions,
            managed: &r.managed_policies,
        }
    }
}

fn caller_of<'a>(units: &'a [Unit], node: &Node) -> Option<(&'a Unit, Caller<'a>)> {
    let unit = units.get(node.unit?)?;
    if let Some(r) = node.role {
        return Some((unit, unit.roles.get(r)?.into()));
    }
    let u = unit.users.get(node.user?)?;
    Some((
        unit,
        Caller {
            subject: &u.subject,
            arn: u.arn.as_deref(),
            permissions: &u.permissions,
            managed: &u.managed_policies,
        },
    ))
}

/// Caller -> role hops: every pair whose caller allows `sts:AssumeRole` somewhere.
fn role_hops(units: &[Unit], g: &mut Graph, callers: &[usize], roles: &[usize]) {
    let mut edges = Vec::new();
    let mut by_account: HashMap<&str, Vec<usize>> = HashMap::new();
    for &to in roles {
        if let Some(account) = g.nodes[to].id.split(':').nth(4) {
            by_account.entry(account).or_default().push(to);
        }
    }
    for &from in callers {
        let Some((unit, role)) = caller_of(units, &g.nodes[from]) else { continue };
        if !may_assume_anything(unit, &role) {
            continue;
        }
        let narrowed = candidates(unit, &role, &by_account);
        for &to in narrowed.as_deref().unwrap_or(roles) {
            let Some(target_arn) = g.nodes[to].id.starts_with("arn:").then_some(g.nodes[to].id.as_str())
            else {
                continue;
            };
            if from == to {
                continue;
            }
            let caller = identity_side(unit, &role, target_arn);
            if caller.verdict == Verdict::No {
                continue;
            }
            if role.arn.is_some_and(|arn| !may_admit(units, &g.nodes[to], arn)) {
                continue;
            }
            let trust = trust_side(units, &g.nodes[to], role.arn, &Hop::default(), true);
            if trust.verdict != Verdict::No {
                edges.push(Edge { from, to, caller, trust, caller_arn: role.arn.map(String::from) });
            }
        }
    }
    g.edges.extend(edges);
}

/// The roles a caller's `Allow` statements can name, when every one of them names accounts
/// literally (`arn:aws:iam::222222222222:role/*`): only roles of those accounts need deciding.
/// `None` (try every role) for `*`, an account wildcard, `NotResource`, unknown values or
/// attached managed policies.
fn candidates(unit: &Unit, caller: &Caller, by_account: &HashMap<&str, Vec<usize>>) -> Option<Vec<usize>> {
    if !caller.managed.is_empty() {
        return None;
    }
    let mut accounts: Vec<&str> = Vec::new();
    for policy in caller.permissions.iter().filter_map(|&p| unit.policies.get(p)) {
        if policy.partial {
            return None;
        }
        for st in policy.statements.iter().filter(|st| !st.is_deny() && covers_action(st)) {
            let resource = st.resource.as_ref().filter(|r| !st.partial && r.is_fully_known())?;
            for (pattern, _) in resource.known() {
                let account = pattern.split(':').nth(4).filter(|a| !a.contains(['*', '?']))?;
                if !accounts.contains(&account) {
                    accounts.push(account);
                }
            }
        }
    }
    Some(accounts.iter().filter_map(|a| by_account.get(a)).flatten().copied().collect())
}

fn may_assume_anything(unit: &Unit, role: &Caller) -> bool {
    !role.managed.is_empty()
        || role
            .permissions
            .iter()
            .filter_map(|&p| unit.policies.get(p))
            .any(|p| p.statements.iter().any(|st| st.is_allow() && (covers_action(st) || st.partial)))
}

/// Does the graph read `st` of an identity policy? It reads only statements that may cover
/// `sts:AssumeRole` and, for `may_assume_anything`, partial ones: the rest can be dropped from
/// a unit held until the end of the run.
pub fn reads_identity_statement(st: &Statement) -> bool {
    covers_action(st) || st.partial
}

fn covers_action(st: &Statement) -> bool {
    match (&st.action, &st.not_action) {
        (Some(a), _) => a.known().any(|(p, _)| action_matches(p, ASSUME)) || a.partial,
        (None, Some(na)) => !na.known().any(|(p, _)| action_matches(p, ASSUME)),
        (None, None) => false,
    }
}

fn covers_resource(st: &Statement, target: &str) -> Option<bool> {
    match (&st.resource, &st.not_resource) {
        (Some(r), _) => {
            if r.known().any(|(p, _)| glob_match(p, target)) {
                Some(true)
            } else if r.is_fully_known() {
                Some(false)
            } else {
                None
            }
        }
        (None, Some(nr)) => {
            if nr.known().any(|(p, _)| glob_match(p, target)) {
                Some(false)
            } else if nr.is_fully_known() {
                Some(true)
            } else {
                None
            }
        }
        (None, None) => Some(false),
    }
}

fn where_(unit: &Unit, policy: &Policy, st: &Statement) -> String {
    let whose = policy.subject.clone().unwrap_or_else(|| unit.name.clone());
    format!("{} of {whose}", st.label())
}

/// Do the caller role's identity policies allow `sts:AssumeRole` on `target`?
fn identity_side(unit: &Unit, role: &Caller, target: &str) -> Side {
    let mut allow: Option<Side> = None;
    let mut unknown: Option<Side> = None;
    for policy in role.permissions.iter().filter_map(|&p| unit.policies.get(p)) {
        for st in &policy.statements {
            if !covers_action(st) {
                continue;
            }
            // Formatted only for the statement that decides: most pairs decide nothing.
            let at = || where_(unit, policy, st);
            let applies = if st.partial { None } else { covers_resource(st, target) };
            let conditional = !st.conditions.is_empty();
            match (applies, st.is_deny(), conditional) {
                (Some(true), true, false) => {
                    return Side::new(Verdict::No, format!("{} denies", at()), Some(st.span));
                }
                (Some(false), _, _) => {}
                (Some(true), false, false) if st.is_allow() => {
                    allow.get_or_insert_with(|| {
                        Side::new(Verdict::Yes, format!("{} allows", at()), Some(st.span))
                    });
                }
                (Some(true), false, true) if st.is_allow() => {
                    unknown.get_or_insert(Side::new(
                        Verdict::Unknown,
                        format!("{} allows under conditions", at()),
                        Some(st.span),
                    ));
                }
                (_, true, _) | (None, _, _) => {
                    unknown.get_or_insert(Side::new(
                        Verdict::Unknown,
                        format!("{} cannot be decided", at()),
                        Some(st.span),
                    ));
                }
                _ => {}
            }
        }
    }
    match (allow, unknown) {
        (Some(a), None) => a,
        (_, Some(u)) => u,
        (None, None) if !role.managed.is_empty() => {
            Side::new(Verdict::Unknown, "attached managed policies are not in the run", None)
        }
        (None, None) => Side::new(
            Verdict::No,
            format!("no statement of {} allows sts:AssumeRole on it", role.subject),
            role.permissions.first().and_then(|&p| unit.policies.get(p)).map(|p| p.span),
        ),
    }
}

/// Does the target's trust admit `caller` with what the hop sends? `free_context`: the caller
/// may send any external id or tags (an SDK call), so a failing condition leaves it possible.
/// An unknown caller is tried as each principal the trust names: if none of them gets in with
/// what the hop sends, the hop fails whoever calls.
fn trust_side(units: &[Unit], target: &Node, caller: Option<&str>, hop: &Hop, free_context: bool) -> Side {
    let Some((unit, role)) = role_of(units, target) else {
        return Side::new(Verdict::Unknown, "the target's trust policy is not in the run", None);
    };
    let Some(policy) = role.trust.and_then(|t| unit.policies.get(t)) else {
        return Side::new(Verdict::Unknown, "the target's trust policy is not known", None);
    };
    let whose = format!("trust of {}", role.subject);
    if let Some(caller) = caller {
        return admits(policy, caller, hop, free_context, &whose);
    }
    let mut failed: Option<Side> = None;
    for candidate in named_principals(policy) {
        let side = admits(policy, &candidate, hop, free_context, &whose);
        match side.verdict {
            Verdict::No => {
                failed.get_or_insert(side);
            }
            _ => {
                let reason =
                    format!("admits {candidate} ({}); the caller's ARN is not known statically", side.reason);
                return Side::new(Verdict::Unknown, reason, side.span);
            }
        }
    }
    failed.unwrap_or_else(|| {
        Side::new(
            Verdict::Unknown,
            format!("the caller's ARN is not known statically ({whose})"),
            Some(policy.span),
        )
    })
}

/// Whether some `Allow` of the target's trust could name `caller` at all (the caller itself,
/// its account, a wildcard, anything not known statically): most pairs of a large run fail on
/// the principal, and this decides them without evaluating the policy.
fn may_admit(units: &[Unit], target: &Node, caller: &str) -> bool {
    let Some((unit, role)) = role_of(units, target) else { return true };
    let Some(policy) = role.trust.and_then(|t| unit.policies.get(t)) else { return true };
    let account = caller.split(':').nth(4).unwrap_or_default();
    let root = format!("{}:root", caller.rsplitn(2, ':').last().unwrap_or_default());
    policy.partial
        || policy.statements.iter().filter(|s| !s.is_deny()).any(|st| {
            let Some(p) = &st.principal else { return true };
            st.partial
                || st.not_principal.is_some()
                || p.wildcard
                || p.partial
                || p.values_of("AWS").any(|v| match v.as_str() {
                    None => true,
                    Some(s) => s == caller || s == account || s == root || s.contains(['*', '?']),
                })
        })
}

/// The `AWS` principals a trust policy's statements name, as caller ARNs.
fn named_principals(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for st in policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(p) = &st.principal else { continue };
        for v in p.values_of("AWS").filter_map(|v| v.as_str()) {
            let arn =
                if crate::aws::is_account_id(v) { format!("arn:aws:iam::{v}:root") } else { v.to_string() };
            if !out.contains(&arn) {
                out.push(arn);
            }
        }
    }
    out
}

fn admits(policy: &Policy, caller: &str, hop: &Hop, free_context: bool, whose: &str) -> Side {
    let mut req = Request::new(caller, hop.action.unwrap_or(ASSUME));
    if let Some(id) = hop.external_id {
        req = req.with("sts:ExternalId", id);
    }
    if hop.mfa {
        req = req.with("aws:MultiFactorAuthPresent", "true");
    }
    let eval = evaluate(policy, &req);
    // The statement a reason line starts with, for its span.
    let at = |needle: &str| {
        let line = eval.reasons.iter().find(|r| r.contains(needle))?;
        let st = policy.statements.iter().find(|st| line.starts_with(&st.label()));
        Some((line.clone(), st.map_or(policy.span, |st| st.span)))
    };
    let side = |verdict, found: Option<(String, Span)>, fallback: String| match found {
        Some((line, span)) => Side::new(verdict, format!("{line} ({whose})"), Some(span)),
        None => Side::new(verdict, format!("{fallback} ({whose})"), Some(policy.span)),
    };
    match eval.decision {
        Decision::Allow => side(Verdict::Yes, at("allows"), "allowed".into()),
        Decision::ExplicitDeny => side(Verdict::No, at("denies"), "denied".into()),
        Decision::Unknown => side(Verdict::Unknown, at("cannot be decided"), eval.reasons.join("; ")),
        Decision::ImplicitDeny => match at("does not hold") {
            Some((line, span)) if free_context => Side::new(
                Verdict::Unknown,
                format!("{line}: possible if the caller sends it ({whose})"),
                Some(span),
            ),
            found @ Some(_) => side(Verdict::No, found, String::new()),
            None => match hop.action {
                Some(action) => side(Verdict::No, None, format!("no statement allows {action} to {caller}")),
                None => side(Verdict::No, None, format!("no statement admits {caller}")),
            },
        },
    }
}

/// The node a role ARN written in a setting names: a role of the run by ARN, else a role of the
/// same unit by name (Terraform roles have no ARN before apply), else an external role.
fn target(
    units: &[Unit],
    g: &mut Graph,
    index: &mut HashMap<String, usize>,
    unit: usize,
    role_arn: &str,
) -> usize {
    if let Some(&i) = index.get(role_arn) {
        return i;
    }
    let name = arn::role_name(role_arn);
    if let Some(i) = g.nodes.iter().position(|n| {
        n.unit == Some(unit)
            && role_of(units, n).is_some_and(|(_, r)| r.arn.is_none() && Some(r.name.as_str()) == name)
    }) {
        return i;
    }
    g.add(
        Node {
            id: role_arn.to_string(),
            kind: NodeKind::ExternalRole,
            span: None,
            unit: None,
            role: None,
            setting: None,
            user: None,
        },
        index,
    )
}

/// Hops of profiles and provider/backend `assume_role` settings of one unit.
fn setting_hops(units: &[Unit], u: usize, unit: &Unit, g: &mut Graph, index: &mut HashMap<String, usize>) {
    for (c, cfg) in unit.assume_roles.iter().enumerate() {
        let Some(role_arn) = cfg.role_arn.as_ref().and_then(|v| v.as_str()) else { continue };
        let (id, kind) = match &cfg.origin {
            AssumeOrigin::Profile { name, .. } => (format!("profile {name}"), NodeKind::Profile),
            other => (format!("{}: {}", unit.name, other.describe()), NodeKind::AssumeRoleSetting),
        };
        let node =
            Node { id, kind, span: Some(cfg.span), unit: Some(u), role: None, setting: Some(c), user: None };
        let from = g.add(node, index);
        let to = target(units, g, index, u, role_arn);
        // A profile whose source_profile assumes a role calls as that role.
        let caller_arn = match &cfg.origin {
            AssumeOrigin::Profile { name, chained: true } => unit
                .aws_profiles
                .setting(name, "source_profile")
                .and_then(|s| s.value.as_str())
                .and_then(|src| unit.aws_profiles.setting(src, "role_arn"))
                .and_then(|s| s.value.as_str()),
            _ => None,
        };
        let caller = match caller_arn
            .and_then(|a| index.get(a).copied())
            .and_then(|i| role_of(units, &g.nodes[i]))
        {
            Some((cu, role)) => identity_side(cu, &role.into(), role_arn),
            None => Side::new(Verdict::Unknown, "the caller's identity policies are not in the run", None),
        };
        let hop = Hop {
            action: None,
            external_id: cfg.external_id.as_ref().and_then(|v| v.as_str()),
            mfa: matches!(&cfg.origin, AssumeOrigin::Profile { name, .. } if unit.aws_profiles.setting(name, "mfa_serial").is_some()),
        };
        let trust = if matches!(cfg.origin, AssumeOrigin::ProviderWebIdentity { .. }) {
            // The caller is the token's identity provider, not an AWS principal.
            Side::new(Verdict::Unknown, "assumed with a web identity token", None)
        } else {
            trust_side(units, &g.nodes[to].clone(), caller_arn, &hop, false)
        };
        g.edges.push(Edge { from, to, caller, trust, caller_arn: caller_arn.map(String::from) });
    }
}
