//! What a set of permission policies allows, and each role's access level (read-only or able
//! to change something), computed once per unit after parsing and before the rules run.
//!
//! This lives in `model` rather than `catalog` because it is a pass over the model (it fills
//! [`Role::access`](crate::model::Role)); the catalog stays plain data with lookups.
//!
//! ## When does an action "change something"?
//!
//! The AWS catalog's access levels are a good start (Write, Permissions management and Tagging
//! change something; List and Read do not) but a few actions are classified above Read although
//! they only read or open a session: AWS's own `ReadOnlyAccess` grants `billing:GetResourcePolicy`
//! and `backup:ListIndexedRecoveryPointsForSearch` (Permissions management),
//! `athena:GetSessionEndpoint`, `cognito-idp:GetTokensFromRefreshToken` and
//! `s3express:CreateSession` (Write). [`changes_something`] therefore counts a write-like action
//! unless
//! 1. it is in [`SESSION_ALLOWLIST`] (actions that establish a session for reading:
//!    `s3express:CreateSession`, `cognito-idp:GetTokensFromRefreshToken`), or
//! 2. its name starts with a read verb (`Get`, `List`, `Describe`, `View`, `Search`,
//!    `BatchGet`, `Query`, followed by an upper-case letter or the end) **and** does not hand out
//!    secrets or write channels (no `Credential`, `Password`, `Token` or `UploadUrl` in the name:
//!    `redshift:GetClusterCredentials` still counts).
//!
//! The same rule is applied to inline/customer policies here and to AWS managed policies by
//! `scripts/gen_catalog.py` (column "changes something" of `managed-policies.tsv`);
//! `tests/access.rs` checks the two against each other on the managed-policy corpus.

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog::{ActionInfo, catalog};
use crate::model::{Policy, RoleAccess, Statement, Unit};
use crate::source::Span;

/// Write-like actions that only establish a session for reading (see the module docs).
pub const SESSION_ALLOWLIST: &[&str] = &["s3express:CreateSession", "cognito-idp:GetTokensFromRefreshToken"];

/// Actions that change nothing by themselves but open a session of another role (with its tags
/// and source identity): what they lead to is the access of the roles reached, which the role
/// graph decides (TL702), so a read-only hub that assumes read-only roles is read-only.
pub const ROLE_SESSION_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];

fn opens_role_session(action: &ActionInfo) -> bool {
    ROLE_SESSION_ACTIONS.iter().any(|a| {
        a.split_once(':').is_some_and(|(s, n)| {
            s.eq_ignore_ascii_case(action.service) && n.eq_ignore_ascii_case(action.name)
        })
    })
}

const READ_VERBS: &[&str] = &["BatchGet", "Get", "List", "Describe", "View", "Search", "Query"];
const SECRET_WORDS: &[&str] = &["credential", "password", "token", "uploadurl"];

/// Whether an allowed action can change something (see the module docs for the rule).
pub fn changes_something(action: &ActionInfo) -> bool {
    if !action.access.is_write_like() {
        return false;
    }
    if SESSION_ALLOWLIST.iter().any(|a| {
        a.split_once(':').is_some_and(|(s, n)| {
            s.eq_ignore_ascii_case(action.service) && n.eq_ignore_ascii_case(action.name)
        })
    }) {
        return false;
    }
    let lower = action.name.to_ascii_lowercase();
    if SECRET_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    !starts_with_read_verb(action.name)
}

fn starts_with_read_verb(name: &str) -> bool {
    READ_VERBS.iter().any(|v| {
        name.strip_prefix(v).is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_ascii_uppercase()))
    })
}

/// One allowed catalog action and the value that grants it.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub action: ActionInfo,
    /// The `Action` value (or the `NotAction` list) that grants it.
    pub span: Span,
    /// Index of the policy in the unit.
    pub policy: usize,
    /// The granting statement is not limited to named resources of the action's service
    /// ([`is_broad_for`]).
    pub broad: bool,
}

/// The catalog actions a set of permission policies allows, after explicit `Deny`s that can be
/// decided statically (unconditional, on `*`).
#[derive(Debug, Default)]
pub struct Allowed {
    pub grants: HashMap<(&'static str, &'static str), Grant>,
    /// Some statement could not be read (unknown values): the set may be incomplete.
    pub unknown: bool,
    /// An unconditional `Deny` of `*` on `*`: nothing is allowed, whatever else is attached.
    pub denies_everything: bool,
}

impl Allowed {
    /// Allowed actions of the given policies of `unit`. Statements for which `skip` is true are
    /// ignored as grants (TL307 skips what TL301 already reports).
    pub fn of(unit: &Unit, policies: &[usize], skip: impl Fn(&Statement) -> bool) -> Allowed {
        Allowed::collect(unit, policies, skip, &|p| Expansion::Shared(catalog().expanded(p)))
    }

    /// Like [`Allowed::of`], restricted to the catalog actions `only`: each value is matched
    /// against those few names instead of expanded against the whole catalog, so 20,000
    /// statements of `ec2:*` cost 20,000 small matches (TL307 asks about ~25 actions).
    pub fn of_only(
        unit: &Unit,
        policies: &[usize],
        skip: impl Fn(&Statement) -> bool,
        only: &ActionSubset,
    ) -> Allowed {
        Allowed::collect(unit, policies, skip, &|pattern| Expansion::Few(only.matching(pattern)))
    }

    fn collect(
        unit: &Unit,
        policies: &[usize],
        skip: impl Fn(&Statement) -> bool,
        expand: &dyn Fn(&str) -> Expansion,
    ) -> Allowed {
        let mut out = Allowed::default();
        let mut denies: Vec<&Statement> = Vec::new();
        for &pi in policies {
            let Some(policy) = unit.policies.get(pi) else { continue };
            out.unknown |= policy.partial;
            for st in &policy.statements {
                if st.partial {
                    out.unknown = true;
                }
                if st.is_deny() {
                    denies.push(st);
                    continue;
                }
                if !st.is_allow() || skip(st) {
                    continue;
                }
                if let Some(actions) = &st.action {
                    for (pattern, span) in actions.known() {
                        for &action in expand(pattern).iter() {
                            let broad = is_broad_for(st, action.service);
                            out.add(Grant { action, span, policy: pi, broad });
                        }
                    }
                } else if let Some(not) = &st.not_action {
                    let excluded: std::collections::HashSet<_> = not
                        .known()
                        .flat_map(|(p, _)| expand(p).iter().map(|a| (a.service, a.name)).collect::<Vec<_>>())
                        .collect();
                    for &action in expand("*").iter() {
                        let broad = is_broad_for(st, action.service);
                        if !excluded.contains(&(action.service, action.name)) {
                            out.add(Grant { action, span: not.span, policy: pi, broad });
                        }
                    }
                }
            }
        }
        for st in denies {
            if !st.conditions.is_empty() || st.not_resource.is_some() {
                continue;
            }
            let on_everything = st.resource.as_ref().is_some_and(|r| r.known().any(|(v, _)| v == "*"));
            if !on_everything {
                continue;
            }
            if let Some(actions) = &st.action {
                for (pattern, _) in actions.known() {
                    if pattern == "*" || pattern == "*:*" {
                        out.denies_everything = true;
                        out.grants.clear();
                    }
                    for a in expand(pattern).iter() {
                        out.grants.remove(&(a.service, a.name));
                    }
                }
            } else if let Some(not) = &st.not_action
                && not.is_fully_known()
            {
                let kept: std::collections::HashSet<_> = not
                    .known()
                    .flat_map(|(p, _)| expand(p).iter().map(|a| (a.service, a.name)).collect::<Vec<_>>())
                    .collect();
                out.grants.retain(|k, _| kept.contains(k));
            }
        }
        out
    }

    fn add(&mut self, grant: Grant) {
        let key = (grant.action.service, grant.action.name);
        match self.grants.get_mut(&key) {
            // Keep the broadest grant (a broad grant matters more to escalation checks).
            Some(g) if !g.broad && grant.broad => *g = grant,
            Some(_) => {}
            None => {
                self.grants.insert(key, grant);
            }
        }
    }

    /// A grant of this action (`service:Name`, case-insensitive), if allowed.
    pub fn get(&self, action: &str) -> Option<&Grant> {
        // TL307 asks ~26 names of every policy, most of which grant none of them.
        if self.grants.is_empty() {
            return None;
        }
        let info = catalog().lookup(action)?;
        self.grants.get(&(info.service, info.name))
    }

    /// The allowed action that changes the most (highest access level, then name), if any
    /// action changes something; role sessions ([`ROLE_SESSION_ACTIONS`]) count through the
    /// roles they reach, not here.
    pub fn strongest_change(&self) -> Option<&Grant> {
        let own = |g: &&Grant| changes_something(&g.action) && !opens_role_session(&g.action);
        self.grants.values().filter(own).max_by(|a, b| {
            a.action.access.cmp(&b.action.access).then_with(|| b.action.name.cmp(a.action.name))
        })
    }
}

/// The catalog actions a pattern matches: the shared expansion of the whole catalog, or the
/// few of an [`ActionSubset`] (most patterns match none of those, and an empty `Vec` costs no
/// allocation).
enum Expansion {
    Shared(Arc<[ActionInfo]>),
    Few(Vec<ActionInfo>),
}

impl std::ops::Deref for Expansion {
    type Target = [ActionInfo];
    fn deref(&self) -> &[ActionInfo] {
        match self {
            Expansion::Shared(a) => a,
            Expansion::Few(v) => v,
        }
    }
}

/// A few catalog actions asked about by name (TL307's escalation sets), looked up once.
pub struct ActionSubset {
    /// Each action with its `service:Name`.
    actions: Vec<(ActionInfo, String)>,
    /// Their services, each once: most values name a service of none of them.
    services: Vec<&'static str>,
}

impl ActionSubset {
    /// The catalog actions among `names` (`service:Name`); names the catalog lacks are left out.
    pub fn new(names: &[&str]) -> ActionSubset {
        let cat = catalog();
        let actions: Vec<(ActionInfo, String)> =
            names.iter().filter_map(|a| cat.lookup(a)).map(|i| (i, i.full_name())).collect();
        let mut services: Vec<&'static str> = actions.iter().map(|(i, _)| i.service).collect();
        services.sort_unstable();
        services.dedup();
        ActionSubset { actions, services }
    }

    /// The actions of the subset that `pattern` matches (IAM wildcards, case-insensitive).
    fn matching(&self, pattern: &str) -> Vec<ActionInfo> {
        // A literal service part rules out the other services' actions without a glob match.
        let service = pattern.split_once(':').map(|(s, _)| s).filter(|s| !crate::wildcard::has_wildcard(s));
        if service.is_some_and(|s| !self.services.iter().any(|x| x.eq_ignore_ascii_case(s))) {
            return Vec::new();
        }
        self.actions
            .iter()
            .filter(|(i, _)| service.is_none_or(|s| s.eq_ignore_ascii_case(i.service)))
            .filter(|(_, name)| crate::wildcard::glob_match(pattern, name))
            .map(|(i, _)| *i)
            .collect()
    }
}

/// For actions of `service`, the statement is not limited to named resources: `NotResource`,
/// or a `Resource` of `*`, or an ARN of that service (or a wildcard service) whose resource part
/// ends in `*` without policy variables (`arn:aws:iam::*:role/*`, not `user/${aws:username}`).
pub fn is_broad_for(st: &Statement, service: &str) -> bool {
    if st.not_resource.is_some() {
        return true;
    }
    st.resource.as_ref().is_some_and(|r| {
        r.known().any(|(v, _)| {
            if v == "*" {
                return true;
            }
            let parts: Vec<&str> = v.splitn(6, ':').collect();
            let [_, _, svc, _, _, resource] = parts.as_slice() else { return false };
            (svc.eq_ignore_ascii_case(service) || svc.contains('*'))
                && resource.ends_with('*')
                && !resource.contains("${")
        })
    })
}

/// Whether the statement allows every action on every resource (`*` or `*:*` on `*`).
pub fn is_admin_statement(st: &Statement) -> bool {
    st.is_allow()
        && st.actions().any(|(a, _)| a == "*" || a == "*:*")
        && st.resource.as_ref().is_some_and(|r| r.known().any(|(v, _)| v == "*"))
}

/// Fills [`Role::access`](crate::model::Role) for every role of the unit whose access is not
/// already known (the command line's `--role-access` wins). Leaves it `None` when the answer
/// depends on something unknown (unresolved values, unknown managed policies).
pub fn compute(unit: &mut Unit) {
    let mut results = Vec::with_capacity(unit.roles.len());
    for role in &unit.roles {
        if role.access.is_some() {
            results.push(None);
            continue;
        }
        let permissions: Vec<usize> = role
            .permissions
            .iter()
            .copied()
            .filter(|&i| unit.policies.get(i).is_some_and(is_identity))
            .collect();
        let allowed = Allowed::of(unit, &permissions, |_| false);
        let mut unknown = allowed.unknown;
        let mut write: Option<String> = None;
        if let Some(g) = allowed.strongest_change() {
            write = Some(format!("allows {} ({})", g.action, g.action.access));
        }
        if write.is_none() && !allowed.denies_everything {
            for arn in &role.managed_policies {
                let Some(text) = arn.as_str() else {
                    unknown = true;
                    continue;
                };
                match catalog().managed_policy(text) {
                    Some(info) if info.changing_count > 0 => {
                        let example =
                            info.changing_example.map(|e| format!(", e.g. {e}")).unwrap_or_default();
                        write = Some(format!(
                            "AWS managed policy {} is attached (allows writes{example})",
                            info.name
                        ));
                        break;
                    }
                    Some(_) => {}
                    // A customer managed policy not resolved into `permissions`, or an AWS
                    // managed policy newer than the catalog.
                    None => unknown = true,
                }
            }
        }
        results.push(match write {
            Some(evidence) => Some(RoleAccess { can_write: true, evidence }),
            None if unknown => None,
            None => Some(RoleAccess { can_write: false, evidence: read_only_evidence(role, &allowed) }),
        });
    }
    for (role, access) in unit.roles.iter_mut().zip(results) {
        if access.is_some() {
            role.access = access;
        }
    }
}

fn is_identity(p: &Policy) -> bool {
    p.is_permission()
}

fn read_only_evidence(role: &crate::model::Role, allowed: &Allowed) -> String {
    if allowed.denies_everything {
        return "an unconditional Deny of * on *".to_string();
    }
    let managed: Vec<&str> = role
        .managed_policies
        .iter()
        .filter_map(|v| v.as_str())
        .filter_map(|a| catalog().managed_policy(a).map(|i| i.name))
        .collect();
    let assumes = if allowed.get("sts:AssumeRole").is_some() {
        " (sts:AssumeRole counts through the roles it reaches)"
    } else {
        ""
    };
    let evidence = match (allowed.grants.len(), managed.is_empty()) {
        (0, true) => "no permissions".to_string(),
        (n, true) => format!("{n} allowed actions, none of which changes anything"),
        (n, false) => {
            format!("{n} allowed actions and {}, none of which changes anything", managed.join(", "))
        }
    };
    format!("{evidence}{assumes}")
}
