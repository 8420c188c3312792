use crate::analysis::external_id::analyse;
use crate::analysis::reason::Lang;
use crate::analysis::trust::{EXTERNAL_ID, grammar, key_constraint, spacelift_assume_statements};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::trust::oidc_missing_subject::oidc_host;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Read/write suffix scoping. When the role's permissions include write-level actions
    /// (access level Write, Permissions management or Tagging, or an AWS managed policy that
    /// grants them), reports a trust statement for Spacelift whose external id patterns accept
    /// an id ending in `@read`, or a Spacelift OIDC trust whose subject accepts `scope:read`.
    /// The message shows a witness external id. The role's permissions come from Terraform,
    /// an authorization-details dump, or `--role-access` for a lone trust policy.
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
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#read-vs-write
    pub struct ReadWriteScope {
        code: "TL111",
        name: "read-write-scope",
        severity: Error,
        family: Trust,
        summary: "a role that can write accepts Spacelift `read` (plan) external ids",
    }
}

impl Rule for ReadWriteScope {
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_trust() {
            return;
        }
        let Some(role) = unit.role_of(policy) else { return };
        let Some(access) = role.access.as_ref().filter(|a| a.can_write) else { return };
        let Some(grammar) = grammar() else { return };
        for st in spacelift_assume_statements(policy) {
            let Some(kc) = key_constraint(unit, policy, st, EXTERNAL_ID) else { continue };
            if !kc.required {
                continue;
            }
            let Ok(analysis) = analyse(&kc.lang, grammar) else { continue };
            let Some(witness) = analysis.read else { continue };
            let holes = kc.holes();
            let whatever = if holes.is_empty() {
                String::new()
            } else {
                format!(" (whatever {} is)", holes.join(" and "))
            };
            out.emit(
                kc.conditions[0].values.span,
                format!(
                    "role {} accepts external ids of read runs{whatever}, e.g. `{witness}`, but can write: {}",
                    role.name, access.evidence
                ),
            )
            .label("accepts `@read`")
            .secondary(st.span, "in this statement")
            .help("end the pattern with `@write` (e.g. `acme@*@stack-a@write`) and give plan runs a read-only role");
        }
        for st in policy.statements.iter().filter(|st| st.is_allow()) {
            let Some(p) = &st.principal else { continue };
            for v in p.values_of("Federated") {
                let Some(host) = v.as_str().and_then(oidc_host).filter(|h| h.ends_with(".app.spacelift.io"))
                else {
                    continue;
                };
                let sub = format!("{host}:sub");
                let Some(kc) = key_constraint(unit, policy, st, &sub) else { continue };
                if !kc.required {
                    continue;
                }
                let read = Lang::regex(".*:scope:read").map(|l| l.and(&kc.lang));
                if let Ok(Some(w)) = read.and_then(|l| l.shortest_witness()) {
                    out.emit(
                        kc.conditions[0].values.span,
                        format!("role {} accepts Spacelift OIDC subjects of read runs, e.g. `{w}`, but can write: {}", role.name, access.evidence),
                    )
                    .secondary(st.span, "in this statement")
                    .help("require `:scope:write` at the end of the subject");
                }
            }
        }
    }
}
