use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a profile that sets both `source_profile` and `credential_source`.
    ///
    /// ## Why is this bad?
    /// The two say where the credentials for `AssumeRole` come from, and the CLI and SDKs
    /// refuse the profile ("source_profile and credential_source are mutually exclusive")
    /// rather than pick one.
    ///
    /// ## Example
    /// ```ini
    /// [profile deploy]
    /// role_arn = arn:aws:iam::123456789012:role/deploy
    /// source_profile = default
    /// credential_source = Ec2InstanceMetadata
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [profile deploy]
    /// role_arn = arn:aws:iam::123456789012:role/deploy
    /// credential_source = Ec2InstanceMetadata
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
    pub struct SourceProfileConflict {
        code: "TL602",
        name: "source-profile-conflict",
        severity: Error,
        family: Profiles,
        summary: "a profile sets both `source_profile` and `credential_source`",
    }
}

impl Rule for SourceProfileConflict {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        let profiles = &unit.aws_profiles;
        for name in profiles.names() {
            let (Some(src), Some(cred)) =
                (profiles.setting(name, "source_profile"), profiles.setting(name, "credential_source"))
            else {
                continue;
            };
            out.emit(cred.key_span, format!("profile {name} sets both source_profile and credential_source"))
                .label("conflicts with source_profile")
                .secondary(src.key_span, "source_profile set here")
                .help("keep one: source_profile to start from another profile, credential_source to start from the environment, instance or container");
        }
    }
}
