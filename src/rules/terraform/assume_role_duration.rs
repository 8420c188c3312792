use crate::aws::sts::{CHAINED_DURATION_MAX_SECS, DURATION_MAX_SECS, DURATION_MIN_SECS};
use crate::declare_rule;
use crate::model::Unit;
use crate::model::terraform::AssumeOrigin;
use crate::rules::terraform::go_duration_secs;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a provider or backend `assume_role.duration` outside 15 minutes to 12 hours, or
    /// above 1 hour when the credentials are chained (`terraform.chained-credentials = true`,
    /// the default: inside a CI run the provider assumes the role with credentials that came
    /// from assuming another role). AWS shared config profiles are checked too: their
    /// `duration_seconds` outside 900..43200, or above 3600 when the profile's
    /// `source_profile` itself assumes a role.
    ///
    /// ## Why is this bad?
    /// STS rejects durations outside 900..43200 seconds, and role chaining caps sessions at one
    /// hour: `AssumeRole` fails with `ValidationError` and the whole plan or apply stops.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   assume_role {
    ///     role_arn = "arn:aws:iam::123456789012:role/deploy"
    ///     duration = "2h"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// provider "aws" {
    ///   assume_role {
    ///     role_arn = "arn:aws:iam::123456789012:role/deploy"
    ///     duration = "1h"
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#assume_role-configuration-block
    /// - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
    pub struct AssumeRoleDuration {
        code: "TL401",
        name: "assume-role-duration",
        severity: Error,
        family: Terraform,
        summary: "`assume_role.duration` outside 15m..12h, or above 1h for chained credentials",
    }
}

impl Rule for AssumeRoleDuration {
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        for c in &unit.assume_roles {
            let Some(d) = &c.duration else { continue };
            let Some(text) = d.as_str() else { continue };
            let what = c.origin.describe();
            let Some(secs) = go_duration_secs(text) else {
                out.emit(d.span, format!("{what} duration `{text}` is not a Go duration"))
                    .help("write a duration such as `15m` or `1h`");
                continue;
            };
            if !(f64::from(DURATION_MIN_SECS)..=f64::from(DURATION_MAX_SECS)).contains(&secs) {
                out.emit(d.span, format!("{what} duration `{text}` is outside 15m..12h"))
                    .help("STS accepts 900 to 43200 seconds; write a value such as `1h`");
            } else if secs > f64::from(CHAINED_DURATION_MAX_SECS) {
                let help = match c.origin {
                    // A profile's chaining is known: its source_profile assumes a role itself.
                    AssumeOrigin::Profile { chained: true, .. } => {
                        "its source_profile is itself an assumed role, and chained sessions last at most 3600 seconds"
                    }
                    AssumeOrigin::Profile { chained: false, .. } => continue,
                    // Web identity federation is not role chaining.
                    AssumeOrigin::ProviderWebIdentity { .. } => continue,
                    _ if !cx.settings.chained_credentials => continue,
                    _ => {
                        "chained credentials (assuming a role from a CI run's role) last at most `1h`; set `terraform.chained-credentials = false` if these are not chained"
                    }
                };
                out.emit(d.span, format!("{what} duration `{text}` exceeds the 1h limit of role chaining"))
                    .help(help);
            }
        }
    }
}
