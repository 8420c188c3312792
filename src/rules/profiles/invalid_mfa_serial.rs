use crate::aws::arn;
use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `mfa_serial` that is neither the ARN of an IAM MFA device
    /// (`arn:<partition>:iam::<account>:mfa/<name>`, or `u2f/...`) nor a hardware device's serial
    /// number (9 to 256 characters of letters, digits and `+=/:,.@-_`).
    ///
    /// ## Why is this bad?
    /// STS rejects the `SerialNumber` of the `AssumeRole` call, so the profile fails after
    /// prompting for the code; a role ARN pasted by mistake is a common slip.
    ///
    /// ## Example
    /// ```ini
    /// [profile admin]
    /// role_arn = arn:aws:iam::123456789012:role/admin
    /// source_profile = default
    /// mfa_serial = arn:aws:iam::123456789012:user/alice
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [profile admin]
    /// role_arn = arn:aws:iam::123456789012:role/admin
    /// source_profile = default
    /// mfa_serial = arn:aws:iam::123456789012:mfa/alice
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    /// - https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html#cli-configure-role-mfa
    pub struct InvalidMfaSerial {
        code: "TL604",
        name: "invalid-mfa-serial",
        severity: Error,
        family: Profiles,
        summary: "`mfa_serial` is not an IAM MFA device ARN or a device serial number",
    }
}

const SERIAL_EXTRA: &str = "+=/:,.@-_";

/// Why STS would reject this `SerialNumber`, if it would.
pub fn mfa_serial_problem(text: &str) -> Option<String> {
    if text.starts_with("arn:") {
        let Some(parts) = arn::split(text) else {
            return Some("is not a complete ARN".into());
        };
        if parts.service != "iam" || !parts.region.is_empty() || !crate::aws::is_account_id(parts.account) {
            return Some(
                "is not an IAM ARN of the form `arn:<partition>:iam::<12-digit account>:mfa/<name>`".into(),
            );
        }
        if !(parts.resource.starts_with("mfa/") || parts.resource.starts_with("u2f/")) {
            let kind = parts.resource.split('/').next().unwrap_or_default();
            return Some(format!("names a `{kind}`, not an MFA device (`mfa/<name>`)"));
        }
        return None;
    }
    let n = text.chars().count();
    if !(9..=256).contains(&n) {
        return Some(format!("is {n} characters long; a device serial number has 9 to 256"));
    }
    text.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || SERIAL_EXTRA.contains(*c)))
        .map(|c| format!("contains `{c}`, which a serial number may not"))
}

impl Rule for InvalidMfaSerial {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        let profiles = &unit.aws_profiles;
        for name in profiles.names() {
            let Some(s) = profiles.setting(name, "mfa_serial") else { continue };
            let Some(v) = s.value.as_str() else { continue };
            if let Some(why) = mfa_serial_problem(v) {
                out.emit(s.value.span, format!("profile {name}: mfa_serial `{v}` {why}"))
                    .label("not an MFA device")
                    .help("use the device's ARN from `aws iam list-mfa-devices`, e.g. `arn:aws:iam::123456789012:mfa/alice`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mfa_serial_problem;

    #[test]
    fn serials() {
        assert_eq!(mfa_serial_problem("arn:aws:iam::123456789012:mfa/alice"), None);
        assert_eq!(mfa_serial_problem("GAHT12345678"), None);
        assert!(mfa_serial_problem("arn:aws:iam::123456789012:user/alice").unwrap().contains("`user`"));
        assert!(mfa_serial_problem("arn:aws:iam::1234:mfa/a").is_some());
        assert!(mfa_serial_problem("short").is_some());
    }
}
