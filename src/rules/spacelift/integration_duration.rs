use crate::aws::spacelift::{INTEGRATION_DURATION_MAX_SECS, INTEGRATION_DURATION_MIN_SECS};
use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `spacelift_aws_integration` whose `duration_seconds` is outside 900..3600
    /// (15 minutes to 1 hour).
    ///
    /// ## Why is this bad?
    /// Spacelift assumes the role with credentials that are themselves assumed-role credentials,
    /// so STS caps the session at one hour (role chaining); shorter than 15 minutes is rejected
    /// by STS. Runs fail when they try to get credentials.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration" "this" {
    ///   name             = "prod"
    ///   role_arn         = aws_iam_role.spacelift.arn
    ///   duration_seconds = 7200
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "spacelift_aws_integration" "this" {
    ///   name             = "prod"
    ///   role_arn         = aws_iam_role.spacelift.arn
    ///   duration_seconds = 3600
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct IntegrationDuration {
        code: "TL501",
        name: "integration-duration",
        severity: Error,
        family: Spacelift,
        summary: "`spacelift_aws_integration.duration_seconds` outside 900..3600",
    }
}

impl Rule for IntegrationDuration {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for i in &unit.spacelift.integrations {
            let Some(d) = &i.duration_seconds else { continue };
            let Some(text) = d.as_str() else { continue };
            let Ok(secs) = text.trim().parse::<f64>() else { continue };
            if !(f64::from(INTEGRATION_DURATION_MIN_SECS)..=f64::from(INTEGRATION_DURATION_MAX_SECS))
                .contains(&secs)
            {
                out.emit(d.span, format!("{} duration_seconds {text} is outside 900..3600", i.address))
                    .help("use a value from 900 (15 minutes) to 3600 (1 hour); the default is 900")
                    .subject(i.address.clone());
            }
        }
    }
}
