use crate::analysis::reason::{Lang, Universe};
use crate::analysis::trust::{key_constraint, requires_presence};
use crate::declare_rule;
use crate::model::{Policy, Unit, action_matches};
use crate::rules::{Context, Rule, Severity, Sink};

const GITHUB: &str = "token.actions.githubusercontent.com";

declare_rule! {
    /// ## What it does
    /// For `sts:AssumeRoleWithWebIdentity` from a federated OIDC provider, reports a statement
    /// with no condition on `<provider>:sub`, or one whose patterns accept every subject (for
    /// GitHub Actions: subjects of any organisation, e.g. `repo:*`). Also warns when
    /// `<provider>:aud` is unconstrained. GitHub Actions and Spacelift issuers are recognised;
    /// any other provider is checked generically.
    ///
    /// ## Why is this bad?
    /// An OIDC provider signs tokens for all of its users. Without a `sub` condition, every
    /// repository on GitHub (or every stack of every Spacelift account using that issuer) can
    /// mint a token that assumes your role.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///  "Action": "sts:AssumeRoleWithWebIdentity",
    ///  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    ///               "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
    /// - https://docs.spacelift.io/integrations/cloud-providers/oidc/aws-oidc
    pub struct OidcMissingSubject {
        code: "TL109",
        name: "oidc-missing-subject",
        severity: Error,
        family: Trust,
        summary: "web identity trust without a restricting `:sub` condition",
    }
}

/// `arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com` -> the issuer host.
pub fn oidc_host(federated: &str) -> Option<&str> {
    federated.split_once(":oidc-provider/").map(|(_, host)| host)
}

impl Rule for OidcMissingSubject {
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in policy.statements.iter().filter(|st| st.is_allow() && !st.partial) {
            let web = st.actions().any(|(a, _)| action_matches(a, "sts:AssumeRoleWithWebIdentity"));
            let Some(p) = &st.principal else { continue };
            if !web {
                continue;
            }
            for v in p.values_of("Federated") {
                let Some(host) = v.as_str().and_then(oidc_host) else { continue };
                let sub = format!("{host}:sub");
                let aud = format!("{host}:aud");
                let Some(kc) = key_constraint(unit, policy, st, &sub) else { continue };
                let who = if host == GITHUB {
                    "any repository on GitHub"
                } else {
                    "any identity the provider issues"
                };
                if !kc.required {
                    out.emit(v.span, format!("role trusts OIDC provider {host} without a condition on `{sub}`: {who} can assume it"))
                        .secondary(st.span, "in this statement")
                        .help(format!("add \"StringLike\": {{\"{sub}\": \"<the subjects you expect>\"}}"));
                } else if kc.lang.is_universal_over(&Universe::any()).is_ok() {
                    out.emit(
                        kc.conditions[0].values.span,
                        format!("the `{sub}` condition accepts every subject: {who} can assume the role"),
                    )
                    .secondary(st.span, "in this statement")
                    .help("match the subjects you expect");
                } else if host == GITHUB {
                    // An organisation nobody owns: if it passes, every organisation does.
                    let foreign = Lang::regex("repo:trustlint-unowned-org/.*").map(|l| l.and(&kc.lang));
                    if let Ok(Some(w)) = foreign.and_then(|l| l.shortest_witness()) {
                        out.emit(
                            kc.conditions[0].values.span,
                            format!(
                                "the `{sub}` condition accepts repositories of any organisation, e.g. `{w}`"
                            ),
                        )
                        .secondary(st.span, "in this statement")
                        .help("start the pattern with `repo:<your-org>/`");
                    }
                }
                if !st.conditions_on(&aud).any(requires_presence) {
                    out.emit(
                        v.span,
                        format!("the audience `{aud}` of OIDC provider {host} is not constrained"),
                    )
                    .severity(Severity::Warning)
                    .secondary(st.span, "in this statement")
                    .help(format!("add \"StringEquals\": {{\"{aud}\": \"sts.amazonaws.com\"}}"));
                }
            }
        }
    }
}
