use crate::analysis::external_id::{Phase, Questions};
use crate::analysis::reason::Lang;
use crate::analysis::trust::{EXTERNAL_ID, effective, grammar, spacelift_assume_statements};
use crate::declare_rule;
use crate::model::{BaseOp, Condition, Policy, Unit};
use crate::rules::trust::oidc_missing_subject::oidc_host;
use crate::rules::{Context, Fix, Rule, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Read/write suffix scoping. When the role's permissions include write-level actions
    /// (access level Write, Permissions management or Tagging, or an AWS managed policy that
    /// grants them), reports a trust statement for Spacelift whose external id patterns accept
    /// an id ending in `@read`, or a Spacelift OIDC trust whose subject accepts `scope:read`.
    /// `Deny` statements count: a `Deny` that refuses the `@read` ids removes them. The
    /// message shows a witness external id. The role's permissions come from Terraform,
    /// an authorization-details dump, or `--role-access` for a lone trust policy.
    /// `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity` do not count as writes:
    /// a hub that may assume other roles is as strong as what it reaches, which TL702 decides.
    ///
    /// ## Why is this bad?
    /// Spacelift uses `read` ids for the Initialize and Plan phases, including proposed runs
    /// from pull requests. A pull request's plan would get credentials that can change
    /// infrastructure: anyone who can open a pull request can run code with write access.
    ///
    /// ## Example
    /// A role with `AdministratorAccess` attached and:
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@app@*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@app@write"}}
    /// ```
    /// and a separate read-only role for the `read` phase.
    ///
    /// ## Fix
    /// Unsafe (plan runs lose the role, so give them a read-only one): every `StringLike`
    /// external-id pattern that ends in `@*` ends in `@write` instead (`acme@*@stack-a@*` becomes
    /// `acme@*@stack-a@write`, `acme@*` becomes `acme@*@write`). Not offered when a pattern that
    /// accepts read runs has another shape, or for Spacelift OIDC subjects.
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#read-vs-write
    pub struct ReadWriteScope {
        code: "TL111",
        name: "read-write-scope",
        severity: Error,
        family: Trust,
        summary: "a role that can write accepts Spacelift `read` (plan) external ids",
        fix: Unsafe,
    }
}

impl Rule for ReadWriteScope {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_trust() {
            return;
        }
        let Some(role) = unit.role_of(policy) else { return };
        let Some(access) = role.access.as_ref().filter(|a| a.can_write) else { return };
        let Some(grammar) = grammar() else { return };
        for st in spacelift_assume_statements(policy) {
            let Some(eff) = effective(unit, policy, st, EXTERNAL_ID) else { continue };
            if eff.absent || eff.allow.conditions.is_empty() {
                continue;
            }
            let questions = Questions::new(eff.lang.clone(), grammar);
            let Ok(Some(witness)) = questions.phase(Phase::Read) else { continue };
            let holes = eff.allow.holes();
            let whatever = if holes.is_empty() {
                String::new()
            } else {
                format!(" (whatever {} is)", holes.join(" and "))
            };
            out.emit(
                eff.allow.conditions[0].values.span,
                format!(
                    "role {} accepts external ids of read runs{whatever}, e.g. `{witness}`, but can write: {}{}{}",
                    role.name,
                    access.evidence,
                    evidence_defaults(unit, role, &access.evidence),
                    eff.refusal.note()
                ),
            )
            .label("accepts `@read`")
            .secondary(st.span, "in this statement")
            .help("end the pattern with `@write` (e.g. `acme@*@stack-a@write`) and give plan runs a read-only role")
            .fix(write_only(cx, &eff.allow.conditions));
        }
        for st in policy.statements.iter().filter(|st| st.is_allow()) {
            let Some(p) = &st.principal else { continue };
            for v in p.values_of("Federated") {
                let Some(host) = v.as_str().and_then(oidc_host).filter(|h| h.ends_with(".app.spacelift.io"))
                else {
                    continue;
                };
                let sub = format!("{host}:sub");
                let Some(eff) = effective(unit, policy, st, &sub) else { continue };
                if eff.absent || eff.allow.conditions.is_empty() {
                    continue;
                }
                if let Some(w) = read_subject_witness(&eff.lang) {
                    out.emit(
                        eff.allow.conditions[0].values.span,
                        format!(
                            "role {} accepts Spacelift OIDC subjects of read runs, e.g. `{w}`, but can write: {}{}{}",
                            role.name,
                            access.evidence,
                            evidence_defaults(unit, role, &access.evidence),
                            eff.refusal.note()
                        ),
                    )
                    .secondary(st.span, "in this statement")
                    .help("require `:scope:write` at the end of the subject");
                }
            }
        }
    }
}

/// `, with the default of var.x` when the managed policy the evidence names was attached
/// through a variable's default (a caller may attach another).
fn evidence_defaults(unit: &Unit, role: &crate::model::Role, evidence: &str) -> String {
    let spans: Vec<crate::source::Span> = role
        .managed_policies
        .iter()
        .filter(|v| v.as_str().and_then(|a| a.rsplit('/').next()).is_some_and(|name| evidence.contains(name)))
        .map(|v| v.span)
        .collect();
    match crate::rules::defaults::words_for(unit, &spans) {
        Some(words) => format!(", {words}"),
        None => String::new(),
    }
}

/// Spacelift OIDC subjects (FACTS.md): `space:<space>:stack:<stack>:run_type:<type>:scope:<read|write>`.
const SPACELIFT_SUBJECT: &str =
    "space:[a-z0-9_-]+:stack:[a-z0-9_-]+:run_type:(?:PROPOSED|TRACKED|TASK|TESTING|DESTROY):scope:read";

/// A read-scope subject the language accepts, as realistic as the language allows: a proposed
/// run (a pull request's plan) first, then any documented subject, then any text.
fn read_subject_witness(lang: &Lang) -> Option<String> {
    let proposed = SPACELIFT_SUBJECT.replace("(?:PROPOSED|TRACKED|TASK|TESTING|DESTROY)", "PROPOSED");
    [proposed.as_str(), SPACELIFT_SUBJECT, ".*:scope:read"]
        .iter()
        .filter_map(|r| Lang::regex(r).ok())
        .find_map(|l| l.and(lang).shortest_witness().ok().flatten())
}

/// Every pattern that accepts read runs, made to end in `@write`; `None` when one cannot be.
fn write_only(cx: &Context, conditions: &[&Condition]) -> Option<Fix> {
    let mut edits = Vec::new();
    for c in conditions {
        for v in &c.values.items {
            let text = v.as_str()?;
            if text.ends_with("@write") {
                continue;
            }
            if c.operator.base != Some(BaseOp::StringLike) {
                return None;
            }
            let parts: Vec<&str> = text.split('@').collect();
            let fixed = match parts.as_slice() {
                [_, _, _, "*"] => format!("{}write", &text[..text.len() - 1]),
                [_, "*"] => format!("{text}@write"),
                _ => return None,
            };
            edits.push(fix::replace_literal(cx, v.span, text, &fixed)?);
        }
    }
    Some(Fix::unsafe_edits("Accept only write runs (`@write`)", edits))
}
