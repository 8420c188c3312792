use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink, did_you_mean};

/// The values the SDKs accept (case-sensitive).
const CREDENTIAL_SOURCES: &[&str] = &["Environment", "Ec2InstanceMetadata", "EcsContainer"];

declare_rule! {
    /// ## What it does
    /// Reports a `credential_source` other than `Environment`, `Ec2InstanceMetadata` or
    /// `EcsContainer` (the values are case-sensitive).
    ///
    /// ## Why is this bad?
    /// The CLI and SDKs reject the profile ("Unsupported credential source") when it is used.
    ///
    /// ## Example
    /// ```ini
    /// [profile ci]
    /// role_arn = arn:aws:iam::123456789012:role/ci
    /// credential_source = environment
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [profile ci]
    /// role_arn = arn:aws:iam::123456789012:role/ci
    /// credential_source = Environment
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
    pub struct InvalidCredentialSource {
        code: "TL603",
        name: "invalid-credential-source",
        severity: Error,
        family: Profiles,
        summary: "`credential_source` is not `Environment`, `Ec2InstanceMetadata` or `EcsContainer`",
    }
}

impl Rule for InvalidCredentialSource {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        let profiles = &unit.aws_profiles;
        for name in profiles.names() {
            let Some(s) = profiles.setting(name, "credential_source") else { continue };
            let Some(v) = s.value.as_str() else { continue };
            if CREDENTIAL_SOURCES.contains(&v) {
                continue;
            }
            let near = CREDENTIAL_SOURCES.iter().find(|c| c.eq_ignore_ascii_case(v)).copied();
            let hint = match near.or_else(|| did_you_mean(v, CREDENTIAL_SOURCES.iter().copied())) {
                Some(c) => format!("did you mean `{c}`? (values are case-sensitive)"),
                None => format!("use one of {}", CREDENTIAL_SOURCES.join(", ")),
            };
            out.emit(
                s.value.span,
                format!("profile {name}: credential_source `{v}` is not one the SDKs accept"),
            )
            .label("unsupported credential source")
            .help(hint);
        }
    }
}
