use crate::analysis::trust::{Trusted, aws_principals};
use crate::aws::arn;
use crate::aws::spacelift::SpaceliftEnvironment;
use crate::declare_rule;
use crate::model::{Policy, Unit, Value};
use crate::rules::{Context, Fix, Rule, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Checks the principal account per Spacelift environment: `spacelift.io` assumes roles
    /// from 324880187172, `us.spacelift.io` from 577638371743. A Spacelift principal of the
    /// other environment is reported (set `spacelift.environment` or
    /// `--spacelift-environment`), as is a principal ARN whose partition differs from the
    /// configured `aws.partition`. When no environment is configured, it is inferred from the
    /// principals: a configuration (a Terraform module or a policy file) that trusts accounts
    /// of only one environment is taken to be in it, and one that trusts both is reported at
    /// the principals of the environment it names second.
    ///
    /// ## Why is this bad?
    /// Runs fail with AccessDenied on the first deploy: the role trusts an account that never
    /// calls it, while the account that does is not trusted.
    ///
    /// ## Example
    /// With `spacelift.environment = "spacelift.io"`:
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::577638371743:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Fix
    /// Safe: the principal's account becomes the configured environment's Spacelift account
    /// (the rest of the ARN is kept). Offered only when `spacelift.environment` (or
    /// `--spacelift-environment`) is set: with the default environment the other account may be
    /// the right one.
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct PrincipalEnvironmentMismatch {
        code: "TL110",
        name: "principal-environment-mismatch",
        severity: Error,
        family: Trust,
        summary: "the Spacelift principal or partition does not match the configured environment",
        fix: Safe,
    }
}

impl Rule for PrincipalEnvironmentMismatch {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        let configured = cx.settings.spacelift_environment;
        // Inference looks at the whole unit, so only for policies that name Spacelift at all.
        let names_spacelift =
            || policy.statements.iter().flat_map(aws_principals).any(|(_, who)| who.is_spacelift());
        let env = configured.or_else(|| if names_spacelift() { first_environment(unit) } else { None });
        for st in policy.statements.iter().filter(|st| st.is_allow()) {
            for (value, who) in aws_principals(st) {
                if let Trusted::Spacelift { account, environment } = &who
                    && let Some(env) = env
                    && *environment != env
                {
                    let (message, help) = match configured {
                        Some(_) => (
                            format!(
                                "principal {account} is Spacelift's {} account, but the environment is {} ({})",
                                environment.host(),
                                env.host(),
                                env.principal_account()
                            ),
                            format!(
                                "trust {} for {}, or set spacelift.environment = \"{}\"",
                                env.principal_account(),
                                env.host(),
                                environment.host()
                            ),
                        ),
                        None => (
                            format!(
                                "principal {account} is Spacelift's {} account, but this configuration also trusts {} ({}): a Spacelift account lives in one environment, so one of them never calls",
                                environment.host(),
                                env.principal_account(),
                                env.host()
                            ),
                            format!(
                                "trust only your environment's account, and say which it is with spacelift.environment = \"{}\" or \"{}\"",
                                env.host(),
                                environment.host()
                            ),
                        ),
                    };
                    // Only a configured environment makes the other account certainly wrong.
                    let fix = configured.and_then(|_| other_account(cx, value, account, env));
                    out.emit(value.span, message).secondary(st.span, "in this statement").help(help).fix(fix);
                }
                if let Some(parts) = value.as_str().and_then(arn::split)
                    && parts.partition != cx.settings.partition
                {
                    out.emit(
                        value.span,
                        format!(
                            "principal is in partition `{}`, but the configured partition is `{}`",
                            parts.partition, cx.settings.partition
                        ),
                    )
                    .help(format!("write `arn:{}:...`, or set aws.partition", cx.settings.partition));
                }
            }
        }
    }
}

/// The configured environment's account in place of the other one, when the environment was
/// configured rather than assumed.
fn other_account(cx: &Context, value: &Value, account: &str, env: SpaceliftEnvironment) -> Option<Fix> {
    cx.settings.spacelift_environment?;
    let text = value.as_str()?;
    let right = env.principal_account();
    let edit = fix::replace_in_literal(cx, value.span, text, account, right)?;
    Some(Fix::safe(format!("Trust {right}, Spacelift's account for {}", env.host()), vec![edit]))
}

/// The environment of the first Spacelift account an `Allow` statement of the unit trusts, in
/// source order: what an unconfigured run takes the configuration to be in.
fn first_environment(unit: &Unit) -> Option<SpaceliftEnvironment> {
    let mut found: Vec<(crate::source::Span, SpaceliftEnvironment)> = unit
        .policies
        .iter()
        .flat_map(|p| p.statements.iter().filter(|st| st.is_allow()))
        .flat_map(aws_principals)
        .filter_map(|(v, who)| match who {
            Trusted::Spacelift { environment, .. } => Some((v.span, environment)),
            _ => None,
        })
        .collect();
    found.sort_by_key(|(span, _)| (span.src.0, span.start));
    found.first().map(|(_, e)| *e)
}
