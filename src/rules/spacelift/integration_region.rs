use crate::aws::{PARTITIONS, arn, region};
use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `spacelift_aws_integration` whose `region` is not shaped like an AWS region
    /// (`eu-west-1a` is an availability zone, `eu-wset-1` a typo), or is a region of another
    /// partition than the integration's role (its `role_arn`, else `aws.partition`).
    ///
    /// ## Why is this bad?
    /// `region` picks the regional STS endpoint credentials are asked from. A name that is not
    /// a region has no endpoint, and STS in another partition cannot issue credentials for the
    /// role (partitions are isolated): every run fails to get credentials.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration" "this" {
    ///   name     = "prod"
    ///   role_arn = aws_iam_role.spacelift.arn
    ///   region   = "eu-central-1a"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "spacelift_aws_integration" "this" {
    ///   name     = "prod"
    ///   role_arn = aws_iam_role.spacelift.arn
    ///   region   = "eu-central-1"
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html
    pub struct IntegrationRegion {
        code: "TL507",
        name: "integration-region",
        severity: Error,
        family: Spacelift,
        summary: "`spacelift_aws_integration.region` is not an AWS region of the role's partition",
    }
}

impl Rule for IntegrationRegion {
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        for i in &unit.spacelift.integrations {
            let Some(r) = &i.region else { continue };
            let Some(text) = r.as_str().filter(|t| !t.is_empty()) else { continue };
            let role_partition = i
                .role_arn
                .as_ref()
                .and_then(|v| v.as_str())
                .and_then(arn::split)
                .map(|p| p.partition)
                .filter(|p| PARTITIONS.contains(p));
            let expected = role_partition.unwrap_or(cx.settings.partition.as_str());
            match region::partition_of(text) {
                None => {
                    let help = match region::suggest(text) {
                        Some(s) => format!("did you mean `{s}`? `region` takes a region name such as `eu-west-1`"),
                        None => "use a region name such as `eu-west-1`, or leave `region` out for the global STS endpoint".into(),
                    };
                    out.emit(r.span, format!("{} region `{text}` is not an AWS region", i.address))
                        .help(help)
                        .subject(i.address.clone());
                }
                Some(p) if p != expected => {
                    let whose = if role_partition.is_some() { "its role is" } else { "aws.partition is" };
                    out.emit(
                        r.span,
                        format!(
                            "{} region `{text}` is in partition {p}, but {whose} {expected}: STS there cannot issue credentials for the role",
                            i.address
                        ),
                    )
                    .help(format!("use a region of the {expected} partition, or leave `region` out"))
                    .subject(i.address.clone());
                }
                Some(_) => {}
            }
        }
    }
}
