use crate::analysis::deny::refusal_for_statement;
use crate::analysis::external_id::Questions;
use crate::analysis::trust::{EXTERNAL_ID, configured_account, grammar};
use crate::declare_rule;
use crate::model::{BaseOp, Policy, Unit};
use crate::rules::external_id::common::{ExternalIdValue, spacelift_external_ids};
use crate::rules::{Context, Edit, Fix, Rule, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Reports an `sts:ExternalId` pattern in a Spacelift trust statement that accepts every
    /// stack or module of the account, such as `acme@*` or `acme@*@*@*`. Decided exactly:
    /// some account and integration prefix exists after which every stack slug is accepted,
    /// after what `Deny` statements refuse to the statement's principals.
    ///
    /// ## Why is this bad?
    /// Any stack created by anyone in the Spacelift account (including in a space they
    /// administer) can attach an integration and assume the role. Scoping the role to the
    /// stacks that need it limits what a compromised or careless stack can reach.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": ["acme@*@network@*", "acme@*@app@*"]}}
    /// ```
    ///
    /// ## Fix
    /// Unsafe (stacks not attached in this configuration lose the role): in Terraform, the
    /// pattern is replaced with one `<account>@*@<stack>@<phase>` per stack or module attached
    /// to the role's Spacelift integration (`spacelift_aws_integration_attachment`), with the
    /// phase its `read`/`write` allow (`*` for both). Offered when every attachment is known
    /// exactly and the account is written or configured (`spacelift.account`).
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#setup-guide
    pub struct ExternalIdAnyStack {
        code: "TL204",
        name: "external-id-any-stack",
        severity: Warning,
        family: ExternalId,
        summary: "the pattern accepts every stack/module of the account",
        fix: Unsafe,
    }
}

impl Rule for ExternalIdAnyStack {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for v in spacelift_external_ids(cx, unit, policy).iter() {
            let Ok(any_stack) = v.analysis.any_stack() else { continue };
            if any_stack.is_empty() {
                continue;
            }
            // A Deny that refuses the other stacks' ids narrows the pattern: ask again.
            let refusal = refusal_for_statement(unit, policy, v.statement, "sts:AssumeRole", EXTERNAL_ID);
            let any_stack = if refusal.is_none() {
                any_stack
            } else {
                let Some(g) = grammar() else { continue };
                let narrowed = Questions::new(v.lang.and(&refusal.lang.complement()), g);
                let Ok(a) = narrowed.any_stack() else { continue };
                a
            };
            let Some(any) = any_stack.first() else { continue };
            let example = any.example("any-stack");
            out.emit(
                v.value.span,
                format!(
                    "external id `{}` accepts every stack of the account, e.g. `{example}`{}",
                    v.text,
                    refusal.note()
                ),
            )
            .secondary(v.statement.span, "in this statement")
            .help("name the stacks: `<account>@*@<stack>@*` for each stack that needs the role")
            .fix(narrow(cx, unit, policy, &v));
        }
    }
}

/// `acme@*` -> one pattern per stack attached to the role in the same configuration.
fn narrow(cx: &Context, unit: &Unit, policy: &Policy, v: &ExternalIdValue) -> Option<Fix> {
    if v.condition.operator.base != Some(BaseOp::StringLike) {
        return None;
    }
    let written =
        v.text.split_once('@').map(|(a, _)| a).filter(|a| crate::aws::spacelift::is_account_name(a));
    let account = written.or_else(|| configured_account(cx.settings))?;
    let patterns = fix::attached_patterns(unit, policy, account)?;
    fix::literal(cx, v.value.span, v.text)?;
    let replacement = if v.value.span == v.condition.values.span {
        fix::string_list(&patterns)
    } else {
        patterns.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ")
    };
    Some(Fix::unsafe_edits(
        format!("Accept only the attached {}", if patterns.len() == 1 { "stack" } else { "stacks" }),
        vec![Edit::replace(v.value.span, replacement)],
    ))
}
