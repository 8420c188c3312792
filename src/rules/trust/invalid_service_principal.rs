use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};

/// Service principals that predate the `.amazonaws.com` convention and are still valid.
const LEGACY_SERVICE_PRINCIPALS: &[&str] = &["alexa-appkit.amazon.com", "alexa-connectedhome.amazon.com"];

/// Why `value` is not a service principal, with the principal it probably means.
pub fn service_principal_problem(value: &str) -> Option<(String, Option<String>)> {
    if value.ends_with(".amazonaws.com") || value.ends_with(".amazonaws.com.cn") || value == "*" {
        return None;
    }
    if LEGACY_SERVICE_PRINCIPALS.iter().any(|p| p.eq_ignore_ascii_case(value)) {
        return None;
    }
    let service = value.split('.').next().unwrap_or(value);
    let suggestion = (!service.is_empty() && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| format!("{}.amazonaws.com", service.to_ascii_lowercase()));
    let why = if value.ends_with(".amazon.com") {
        "service principals end in `.amazonaws.com`, not `.amazon.com`".to_string()
    } else if value.starts_with("arn:") {
        "an ARN belongs under `AWS`, not `Service`".to_string()
    } else {
        "service principals are `<service>.amazonaws.com` (`.amazonaws.com.cn` in China)".to_string()
    };
    Some((why, if value.starts_with("arn:") { None } else { suggestion }))
}

declare_rule! {
    /// ## What it does
    /// Reports a `Service` principal that is not a service principal: `ec2.amazon.com`,
    /// `lambda`, `states.amazonaws` and the like. Service principals are
    /// `<service>.amazonaws.com` (`.amazonaws.com.cn` in China); the few older Alexa
    /// principals that end in `.amazon.com` are accepted.
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy (`Invalid principal in policy`) or, where it stores it, no
    /// service ever matches: the role cannot be assumed by the service it was written for, and
    /// the deployment that creates it fails.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "ec2.amazon.com"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
    pub struct InvalidServicePrincipal {
        code: "TL114",
        name: "invalid-service-principal",
        severity: Error,
        family: Trust,
        summary: "a `Service` principal that is not `<service>.amazonaws.com`",
    }
}

impl Rule for InvalidServicePrincipal {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            for p in [&st.principal, &st.not_principal].into_iter().flatten() {
                for v in p.values_of("Service") {
                    let Some(text) = v.as_str() else { continue };
                    let Some((why, suggestion)) = service_principal_problem(text) else { continue };
                    let finding = out
                        .emit(v.span, format!("`{text}` is not a service principal: {why}"))
                        .label("not a service");
                    match suggestion {
                        Some(s) => finding.help(format!("write `{s}`")),
                        None => finding.help("write the service principal, e.g. `ec2.amazonaws.com`"),
                    };
                }
            }
        }
    }
}
