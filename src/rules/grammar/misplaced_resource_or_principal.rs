use crate::declare_rule;
use crate::model::{Policy, PolicyKind, Unit};
use crate::rules::{Context, Rule, Sink, opening};

declare_rule! {
    /// ## What it does
    /// Checks the elements a statement must and must not have for the policy's kind: a
    /// permission (identity) policy statement needs `Resource` or `NotResource` and may not
    /// have `Principal`; a role trust policy statement needs `Principal` and may not have
    /// `Resource` or `NotResource`. The kind is inferred (`Principal` plus `sts:Assume*` is a
    /// trust policy) or given with `--policy-kind` or by the Terraform attribute it sits in.
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy: `MalformedPolicyDocument: Has prohibited field Resource` for a
    /// trust policy, `Policy document should not specify a principal` for an identity policy.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    pub struct MisplacedResourceOrPrincipal {
        code: "TL006",
        name: "misplaced-resource-or-principal",
        severity: Error,
        family: Grammar,
        summary: "`Resource`/`Principal` missing or not allowed for the policy kind",
    }
}

impl Rule for MisplacedResourceOrPrincipal {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            let resource = st.resource.as_ref().map(|l| l.span).or(st.not_resource.as_ref().map(|l| l.span));
            let principal =
                st.principal.as_ref().map(|p| p.span).or(st.not_principal.as_ref().map(|p| p.span));
            // What is not allowed must be known to be there: an element of which nothing is
            // known may be null (absent) in Terraform.
            let resource_there =
                st.resource.iter().chain(&st.not_resource).find(|l| !l.nothing_known()).map(|l| l.span);
            let principal_there =
                st.principal.iter().chain(&st.not_principal).find(|p| !p.nothing_known()).map(|p| p.span);
            match policy.kind {
                PolicyKind::Permission => {
                    if let Some(span) = principal_there {
                        out.emit(span, format!("permission policy {} has a `Principal`", st.label()))
                            .label("not allowed in an identity policy")
                            .help("remove `Principal`; an identity policy applies to the role or user it is attached to");
                    }
                    if resource.is_none() && !st.partial {
                        out.emit(
                            opening(st.span),
                            format!("permission policy {} has no `Resource`", st.label()),
                        )
                        .label("this statement")
                        .help("add \"Resource\" with the ARNs the actions apply to (or \"*\")");
                    }
                }
                PolicyKind::Trust => {
                    if let Some(span) = resource_there {
                        out.emit(span, format!("trust policy {} has a `Resource`", st.label()))
                            .label("not allowed in a role trust policy")
                            .help("remove it: the resource of a trust policy is the role itself");
                    }
                    if principal.is_none() && !st.partial {
                        out.emit(opening(st.span), format!("trust policy {} has no `Principal`", st.label()))
                            .label("this statement")
                            .help("name who may assume the role in \"Principal\"");
                    }
                }
                PolicyKind::Resource => {
                    if principal.is_none() && !st.partial {
                        out.emit(
                            opening(st.span),
                            format!("resource policy {} has no `Principal`", st.label()),
                        )
                        .label("this statement")
                        .help("name who the statement applies to in \"Principal\"");
                    }
                }
                PolicyKind::ServiceControl => {
                    if let Some(span) = principal_there {
                        out.emit(span, format!("service control policy {} has a `Principal`", st.label()))
                            .label("not allowed in an SCP")
                            .help("remove `Principal`; an SCP applies to every principal of the accounts it is attached to");
                    }
                }
                PolicyKind::Unknown => {}
            }
        }
    }
}
