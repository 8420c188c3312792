use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `skip_metadata_api_check = true` in a `provider "aws"` or `backend "s3"` block.
    ///
    /// ## Why is this bad?
    /// It removes the EC2/ECS instance metadata service from the credential chain. On a runner
    /// or private worker that gets its role from instance metadata, Terraform then falls back to
    /// whatever static keys it finds (or fails), instead of the short-lived role credentials.
    /// Keep it only where the metadata service is unreachable on purpose.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   skip_metadata_api_check = true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// provider "aws" {}
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#skip_metadata_api_check
    pub struct MetadataApiCheckSkipped {
        code: "TL404",
        name: "metadata-api-check-skipped",
        severity: Info,
        family: Terraform,
        summary: "`skip_metadata_api_check = true` drops instance credentials from the chain",
    }
}

impl Rule for MetadataApiCheckSkipped {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for c in &unit.provider_creds {
            let Some(v) = &c.skip_metadata_api_check else { continue };
            if v.as_str() == Some("true") {
                out.emit(v.span, format!("{} skips the instance metadata credential source", c.origin))
                    .help("remove `skip_metadata_api_check` unless the metadata service is unreachable on purpose; role credentials from instance metadata are short-lived");
            }
        }
    }
}
