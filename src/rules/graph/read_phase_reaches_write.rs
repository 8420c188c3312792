use crate::analysis::external_id::analyse;
use crate::analysis::graph::Graph;
use crate::analysis::trust::{EXTERNAL_ID, effective, grammar, spacelift_assume_statements};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::graph::elsewhere;
use crate::rules::{Context, Rule, Run, Sink};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Read/write scoping through role chains. For every role whose trust policy accepts
    /// Spacelift external ids of read runs (`...@read`, the Initialize and Plan phases) and
    /// that cannot write itself, follows the role graph of the whole run (every file, every
    /// account's dump, Terraform modules) and reports the shortest chain of `sts:AssumeRole`
    /// hops to a role that can write, with the path as witness:
    /// `acme@…@app@read -> arn:aws:iam::111111111111:role/hub -> arn:aws:iam::222222222222:role/admin`.
    /// A hop counts when neither side refuses it: the caller's identity policy allows
    /// `sts:AssumeRole` on the target (`Deny` and `NotResource` honoured) and the target's
    /// trust admits the caller; a hop that depends on something not known statically is
    /// possible, and the message says so. A role that can write itself is TL111's finding; a
    /// hub whose targets are all read-only is not reported (`sts:AssumeRole` does not make a
    /// role write-capable by itself: what it reaches does).
    ///
    /// ## Why is this bad?
    /// Read runs include proposed runs from pull requests. A read-only role that may assume an
    /// admin role (often in another account) hands plan runs write access one `aws sts
    /// assume-role` away: the read/write split of the integration is defeated, and no single
    /// policy shows it.
    ///
    /// ## Example
    /// `role/hub` trusts `acme@*@app@*` and allows `sts:AssumeRole` on
    /// `arn:aws:iam::222222222222:role/admin`, whose trust admits the hub and which has
    /// `AdministratorAccess` attached.
    ///
    /// ## Use instead
    /// Give read runs a hub that only reaches read-only roles, and scope the write hub's trust
    /// to `@write` ids:
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@app@write"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#read-vs-write
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
    pub struct ReadPhaseReachesWrite {
        code: "TL702",
        name: "read-phase-reaches-write",
        severity: Error,
        family: Graph,
        summary: "a role that accepts Spacelift `read` (plan) external ids can reach a write-capable role",
    }
}

impl Rule for ReadPhaseReachesWrite {
    fn needs_run(&self) -> bool {
        true
    }

    fn check_run(&self, cx: &Context, run: &Run, out: &mut Sink) {
        let g = run.graph;
        for (u, unit) in run.units.iter().enumerate() {
            for (r, role) in unit.roles.iter().enumerate() {
                if role.access.as_ref().is_some_and(|a| a.can_write) {
                    continue;
                }
                let Some(trust) = role.trust.and_then(|t| unit.policies.get(t)) else { continue };
                let Some((witness, at, statement)) = read_witness(unit, trust) else { continue };
                let Some(start) = g.node_of(u, r) else { continue };
                let writes = |n: usize| g.role(run.units, n).is_some_and(|(_, t)| writer(t).is_some());
                let Some(path) = g.path_to(start, writes) else { continue };
                report(cx, run, out, &path, (&witness, at, statement), &role.name);
            }
        }
    }
}

/// A read-run external id the role's Spacelift trust accepts (after its `Deny`s), with the
/// condition value and statement that accept it.
fn read_witness(unit: &Unit, policy: &Policy) -> Option<(String, Span, Span)> {
    let grammar = grammar()?;
    spacelift_assume_statements(policy).find_map(|st| {
        let eff = effective(unit, policy, st, EXTERNAL_ID)?;
        if eff.absent || eff.allow.conditions.is_empty() {
            return None;
        }
        let witness = analyse(&eff.lang, grammar).ok()?.read?;
        Some((witness, eff.allow.conditions[0].values.span, st.span))
    })
}

fn writer(role: &crate::model::Role) -> Option<&str> {
    role.access.as_ref().filter(|a| a.can_write).map(|a| a.evidence.as_str())
}

fn report(
    cx: &Context,
    run: &Run,
    out: &mut Sink,
    path: &[usize],
    (witness, at, statement): (&str, Span, Span),
    name: &str,
) {
    let g: &Graph = run.graph;
    let mut chain = vec![format!("`{witness}`"), g.nodes[g.edges[path[0]].from].id.clone()];
    chain.extend(path.iter().map(|&e| g.nodes[g.edges[e].to].id.clone()));
    let Some(&last) = path.last() else { return };
    let end = g.edges[last].to;
    let evidence = g.role(run.units, end).and_then(|(_, t)| writer(t)).unwrap_or("it can write");
    let uncertain: Vec<String> = path
        .iter()
        .map(|&e| &g.edges[e])
        .filter(|e| !e.certain())
        .map(|e| {
            let side =
                if e.caller.verdict != crate::analysis::graph::Verdict::Yes { &e.caller } else { &e.trust };
            format!("{} -> {}: {}", g.nodes[e.from].id, g.nodes[e.to].id, side.reason)
        })
        .collect();
    let possibly =
        if uncertain.is_empty() { String::new() } else { format!(" (possible: {})", uncertain.join("; ")) };
    let first = &g.edges[path[0]];
    let grant = elsewhere(first.caller.span, at, cx.sources);
    let f = out
        .emit(
            at,
            format!(
                "role {name} accepts external ids of read runs and reaches a role that can write: {}, which can write: {evidence}{possibly}",
                chain.join(" -> "),
            ),
        )
        .label("accepts `@read`")
        .secondary(statement, "in this statement")
        .help(format!(
            "end the pattern with `@write` and give plan runs a hub that reaches only read-only roles, or remove the first hop, which {}{grant}",
            first.caller.reason
        ));
    if let Some(s) = first.caller.span {
        f.secondary(s, "allows the first hop");
    }
}
