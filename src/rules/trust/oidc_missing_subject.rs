use crate::analysis::condition_keys::never_present;
use crate::analysis::github_subject;
use crate::analysis::reason::Universe;
use crate::analysis::trust::{Effective, effective, requires_presence};
use crate::declare_rule;
use crate::model::{Policy, Statement, Unit, Value, action_matches};
use crate::rules::{Context, Rule, Severity, Sink};

const GITHUB: &str = "token.actions.githubusercontent.com";
/// Amazon Cognito identity pools: the principal is the bare host, not a provider ARN.
const COGNITO: &str = "cognito-identity.amazonaws.com";

declare_rule! {
    /// ## What it does
    /// For `sts:AssumeRoleWithWebIdentity` from a federated OIDC provider, reports a statement
    /// with no condition on `<provider>:sub`, or one whose patterns accept every subject (for
    /// GitHub Actions: subjects of any organisation, e.g. `repo:*`). Also warns when
    /// `<provider>:aud` is unconstrained, as an info note: STS checks the token's audience
    /// against the provider's client id list, so the condition hardens but does not open or
    /// close the role. For Amazon Cognito identity pools (`cognito-identity.amazonaws.com`) a
    /// missing `cognito-identity.amazonaws.com:aud` (the identity pool id) is the error, and a
    /// trust that never tests `cognito-identity.amazonaws.com:amr` gets an info note (guest
    /// identities of the pool get the role too where the pool allows them).
    /// For GitHub Actions, the accepted subjects (`repo:<owner>/<repo>:<context>`) must pin one
    /// owner: a wildcard in the owner (`repo:alice*/...`, `repo:alic?/...`) is an error with a
    /// subject of a foreign owner as witness; subjects of pull requests or of every branch are
    /// a warning. Customised subjects (`include_claim_keys`: `repository_owner_id:123:...`,
    /// `repo:acme/infra:environment:prod:job_workflow_ref:...`) pin the owner when they name
    /// it or its id; one that another owner can send by customising its own claims to the same
    /// keys (`environment:prod`, `repository_owner_id:12*`) is the same error. A `ForAllValues:` or `IfExists` condition on `:sub` is still a condition on the subject
    /// (TL106 reports the qualifier). `Deny` statements count. GitHub Actions and Spacelift
    /// issuers are recognised; any other provider is checked generically.
    ///
    /// ## Why is this bad?
    /// An OIDC provider signs tokens for all of its users. Without a `sub` condition, every
    /// repository on GitHub can mint a token that assumes your role. Spacelift issuers are
    /// per account (`<account>.app.spacelift.io`), so there it is every stack and run of your
    /// Spacelift account, proposed runs of pull requests included.
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

/// `arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com` -> the issuer host;
/// `cognito-identity.amazonaws.com` is its own host.
pub fn oidc_host(federated: &str) -> Option<&str> {
    if federated == COGNITO {
        return Some(COGNITO);
    }
    federated.split_once(":oidc-provider/").map(|(_, host)| host)
}

/// GitHub subjects: one owner pinned (else an error with a foreign owner's subject), and a
/// warning when pull requests or every branch of a repository get the role.
fn check_github(eff: &Effective, st: &Statement, sub: &str, out: &mut Sink) {
    let Some(cond) = eff.allow.conditions.first() else { return };
    let Ok(a) = github_subject::analyse(&eff.lang) else { return };
    let note = eff.refusal.note();
    if let Some(w) = &a.foreign_owner {
        let message = if a.customised {
            format!(
                "the `{sub}` condition accepts subjects another GitHub owner can send, e.g. `{w}` (from an organisation that customises its subject claim to the same keys){note}"
            )
        } else if a.any_owner {
            format!("the `{sub}` condition accepts repositories of any owner on GitHub, e.g. `{w}`{note}")
        } else {
            let own = a.owner_subject.as_deref().unwrap_or("?");
            format!(
                "the `{sub}` condition accepts repositories of more than one owner, e.g. `{own}` and `{w}`: anyone can register a matching name{note}"
            )
        };
        out.emit(cond.values.span, message)
            .secondary(st.span, "in this statement")
            .help("write the owner in full: `repo:<owner>/<repo>:...`, or with customised claims include `repository_owner_id:<id>`");
        return;
    }
    let mut open = Vec::new();
    if let Some(w) = &a.pull_request {
        open.push(format!("pull requests (`{w}`: any pull request, including from forks where they may run workflows, gets the role)"));
    }
    if let Some(w) = &a.any_branch {
        open.push(format!("every branch (`{w}`: anyone who can push a branch gets the role)"));
    }
    if open.is_empty() {
        return;
    }
    out.emit(cond.values.span, format!("the `{sub}` condition accepts {}{note}", open.join(" and ")))
        .severity(Severity::Warning)
        .secondary(st.span, "in this statement")
        .help("name the branches or environments that deploy, e.g. `repo:acme/infra:ref:refs/heads/main` or `repo:acme/infra:environment:production`");
}

/// A pool-scoped Cognito trust that never looks at `amr`: where the pool allows guest access,
/// unauthenticated identities get the role as well (AWS's example trust for the authenticated
/// role tests `amr` for `authenticated`).
fn note_missing_amr(st: &Statement, aud: &str, out: &mut Sink) {
    let amr = aud.replace(":aud", ":amr");
    if st.conditions_on(&amr).next().is_some() {
        return;
    }
    out.emit(
        st.principal.as_ref().map_or(st.span, |p| p.span),
        format!("the trust does not test `{amr}`: if the identity pool allows guest access, unauthenticated identities can assume the role too"),
    )
    .severity(Severity::Info)
    .secondary(st.span, "in this statement")
    .help(format!("add \"ForAnyValue:StringLike\": {{\"{amr}\": \"authenticated\"}} (or \"unauthenticated\" for the guest role)"));
}

/// Cognito identity pools: without `cognito-identity.amazonaws.com:aud` (the identity pool
/// id) identities of every pool in every account can assume the role.
fn check_cognito(unit: &Unit, policy: &Policy, st: &Statement, v: &Value, aud: &str, out: &mut Sink) {
    let Some(eff) = effective(unit, policy, st, aud) else { return };
    if !eff.absent && !eff.allow.conditions.is_empty() {
        if eff.lang.is_universal_over(&Universe::any()).is_ok() {
            out.emit(
                eff.allow.conditions[0].values.span,
                format!("the `{aud}` condition accepts every identity pool: identities of any pool can assume the role"),
            )
            .secondary(st.span, "in this statement")
            .help("match your identity pool id, e.g. `us-east-1:12345678-1234-1234-1234-123456789012`");
        } else {
            note_missing_amr(st, aud, out);
        }
        return;
    }
    if eff.allow.conditions.is_empty() && eff.absent {
        out.emit(
            v.span,
            format!("role trusts Amazon Cognito identity pools without a condition on `{aud}`: identities of any identity pool can assume it{}", eff.refusal.note()),
        )
        .secondary(st.span, "in this statement")
        .help(format!("add \"StringEquals\": {{\"{aud}\": \"<your identity pool id>\"}}"));
    }
}

impl Rule for OidcMissingSubject {
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in policy.statements.iter().filter(|st| st.is_allow() && !st.partial) {
            let web = st.actions().any(|(a, _)| action_matches(a, "sts:AssumeRoleWithWebIdentity"));
            let Some(p) = &st.principal else { continue };
            if !web {
                continue;
            }
            // A condition on a key no request carries (another provider's claim key): the
            // statement grants nothing, and TL112 says so.
            if st.conditions.iter().any(|c| {
                requires_presence(c) && c.key.as_str().is_some_and(|k| never_present(st, k).is_some())
            }) {
                continue;
            }
            for v in p.values_of("Federated") {
                let Some(host) = v.as_str().and_then(oidc_host) else { continue };
                let sub = format!("{host}:sub");
                let aud = format!("{host}:aud");
                if host == COGNITO {
                    check_cognito(unit, policy, st, v, &aud, out);
                    continue;
                }
                let Some(eff) = effective(unit, policy, st, &sub) else { continue };
                let kc = &eff.allow;
                let who = if host == GITHUB {
                    "any repository on GitHub"
                } else {
                    "any identity the provider issues"
                };
                // A condition that is there but optional (`ForAllValues:`, `IfExists`) is not
                // "no condition": TL106 reports the qualifier; its values still restrict the
                // subject every token carries.
                if kc.conditions.is_empty() && eff.absent {
                    out.emit(v.span, format!("role trusts OIDC provider {host} without a condition on `{sub}`: {who} can assume it{}", eff.refusal.note()))
                        .secondary(st.span, "in this statement")
                        .help(format!("add \"StringLike\": {{\"{sub}\": \"<the subjects you expect>\"}}"));
                } else if kc.conditions.is_empty() {
                    // A Deny narrows the subjects instead: nothing to point at in the Allow.
                } else if eff.lang.is_universal_over(&Universe::any()).is_ok() {
                    out.emit(
                        kc.conditions[0].values.span,
                        format!("the `{sub}` condition accepts every subject: {who} can assume the role"),
                    )
                    .secondary(st.span, "in this statement")
                    .help("match the subjects you expect");
                } else if host == GITHUB {
                    check_github(&eff, st, &sub, out);
                }
                if !st.conditions_on(&aud).any(requires_presence) {
                    // STS checks the token's audience against the provider's client id list, so
                    // an `aud` condition hardens the trust but does not open or close it.
                    out.emit(
                        v.span,
                        format!("the audience `{aud}` of OIDC provider {host} is not constrained in the trust policy (STS still checks it against the provider's client ids)"),
                    )
                    .severity(Severity::Info)
                    .secondary(st.span, "in this statement")
                    .help(format!("add \"StringEquals\": {{\"{aud}\": \"sts.amazonaws.com\"}}"));
                }
            }
        }
    }
}
