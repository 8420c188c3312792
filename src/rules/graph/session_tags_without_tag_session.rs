use crate::analysis::graph::{Verdict, trust_allows};
use crate::analysis::trust::spacelift_principals;
use crate::declare_rule;
use crate::model::terraform::AssumeRoleConfig;
use crate::model::{Policy, action_matches};
use crate::rules::graph::elsewhere;
use crate::rules::{Context, Rule, Run, Sink};

declare_rule! {
    /// ## What it does
    /// Session tags on a hop need the target's trust policy to allow `sts:TagSession` to the
    /// same caller. Reports:
    /// - a Terraform provider or S3 backend `assume_role` with `tags` whose target role (in
    ///   another module or an account's dump) admits the caller for `sts:AssumeRole` but not
    ///   for `sts:TagSession` (when the caller is not known statically, none of the principals
    ///   the trust policy names may tag the session);
    /// - a `spacelift_aws_integration` with `tag_assume_role = true` whose role is defined
    ///   elsewhere in the run (a dump, another module) and whose Spacelift trust statement does
    ///   not allow `sts:TagSession` (a role of the same module is TL113's);
    /// - `transitive_tag_keys` that are not keys of `tags` (STS requires a subset).
    ///
    /// A hop refused already (TL701) or a trust policy not in the run is not reported.
    ///
    /// ## Why is this bad?
    /// STS refuses the whole `AssumeRole` call when the session is tagged and the trust policy
    /// does not allow `sts:TagSession`: the provider or the Spacelift run fails with
    /// `AccessDenied`, although the same role works without tags.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   assume_role {
    ///     role_arn = "arn:aws:iam::222222222222:role/deploy"
    ///     tags     = { team = "platform" }
    ///   }
    /// }
    /// ```
    /// with a trust statement for the caller that allows only `sts:AssumeRole`.
    ///
    /// ## Use instead
    /// ```json
    /// "Action": ["sts:AssumeRole", "sts:TagSession"]
    /// ```
    /// in the trust statement that admits the caller.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#tags
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct SessionTagsWithoutTagSession {
        code: "TL704",
        name: "session-tags-without-tag-session",
        severity: Error,
        family: Graph,
        summary: "session tags on a hop whose target's trust does not allow sts:TagSession, or transitive keys that are not tags",
    }
}

impl Rule for SessionTagsWithoutTagSession {
    fn needs_run(&self) -> bool {
        true
    }

    fn check_run(&self, cx: &Context, run: &Run, out: &mut Sink) {
        tagged_hops(cx, run, out);
        spacelift_tagging(run, out);
        for unit in run.units {
            unit.assume_roles.iter().for_each(|cfg| transitive_keys(cfg, out));
        }
    }
}

fn tagged_hops(cx: &Context, run: &Run, out: &mut Sink) {
    let g = run.graph;
    for (i, e) in g.edges.iter().enumerate() {
        let Some((_, cfg)) = g.setting(run.units, e.from) else { continue };
        let Some(tags) = cfg.tags.as_ref().filter(|t| t.keys.as_ref().is_none_or(|k| !k.is_empty())) else {
            continue;
        };
        if e.caller.verdict == Verdict::No || e.trust.verdict == Verdict::No {
            continue;
        }
        let external_id = cfg.external_id.as_ref().and_then(|v| v.as_str());
        let Some(side) =
            trust_allows(run.units, g, g.edges[i].to, e.caller_arn.as_deref(), "sts:TagSession", external_id)
        else {
            continue;
        };
        if side.verdict != Verdict::No {
            continue;
        }
        let at = elsewhere(side.span, tags.span, cx.sources);
        out.emit(
            tags.span,
            format!(
                "{} tags the session, but the trust policy of {} does not allow sts:TagSession to the caller: {}{at}",
                cfg.origin.describe(),
                g.nodes[e.to].id,
                side.reason
            ),
        )
        .label("session tags")
        .help("add \"sts:TagSession\" to the actions of the trust statement that admits the caller, or drop `tags`");
    }
}

/// A Spacelift integration with `tag_assume_role` whose role is not in its own module.
fn spacelift_tagging(run: &Run, out: &mut Sink) {
    let g = run.graph;
    for unit in run.units {
        for integ in &unit.spacelift.integrations {
            let Some(flag) = integ.tag_assume_role.as_ref().filter(|v| v.as_str() == Some("true")) else {
                continue;
            };
            let Some(arn) =
                integ.role.is_none().then_some(()).and(integ.role_arn.as_ref()).and_then(|v| v.as_str())
            else {
                continue;
            };
            let Some(node) = g.nodes.iter().position(|n| n.id == arn) else { continue };
            let Some((tu, role)) = g.role(run.units, node) else { continue };
            let Some(trust) = role.trust.and_then(|t| tu.policies.get(t)) else { continue };
            if !lacks_tag_session(trust) {
                continue;
            }
            out.emit(
                flag.span,
                format!(
                    "{} tags the session (tag_assume_role), but the trust policy of {arn} does not allow sts:TagSession to Spacelift",
                    integ.address
                ),
            )
            .label("session tags")
            .help("add \"sts:TagSession\" to the actions of the role's Spacelift trust statement");
        }
    }
}

/// The trust admits Spacelift for `sts:AssumeRole` and no Spacelift statement allows
/// `sts:TagSession` (as TL113 decides for a role of the same module).
fn lacks_tag_session(trust: &Policy) -> bool {
    if trust.partial || trust.statements.iter().any(|s| s.partial) {
        return false;
    }
    let spacelift = |st: &&crate::model::Statement| st.is_allow() && !spacelift_principals(st).is_empty();
    trust.statements.iter().any(|st| spacelift(&st))
        && !trust
            .statements
            .iter()
            .filter(spacelift)
            .any(|st| st.actions().any(|(a, _)| action_matches(a, "sts:TagSession")))
}

fn transitive_keys(cfg: &AssumeRoleConfig, out: &mut Sink) {
    let keys: Option<&[String]> = match &cfg.tags {
        Some(t) => match &t.keys {
            Some(k) => Some(k),
            None => return,
        },
        None => None,
    };
    for v in &cfg.transitive_tag_keys {
        let Some(k) = v.as_str() else { continue };
        if keys.is_some_and(|keys| keys.iter().any(|t| t == k)) {
            continue;
        }
        let tags = match keys {
            Some(keys) if !keys.is_empty() => format!("the session tags are {}", keys.join(", ")),
            _ => "the hop sets no session tags".to_string(),
        };
        out.emit(
            v.span,
            format!("transitive tag key `{k}` of {} is not a session tag ({tags})", cfg.origin.describe()),
        )
        .label("not in `tags`")
        .help("list only keys of `tags` in `transitive_tag_keys`: STS rejects the call otherwise");
    }
}
