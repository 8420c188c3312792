use crate::declare_rule;
use crate::model::{Unit, Value};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a literal `access_key`, `secret_key` or `token` in a `provider "aws"` or
    /// `backend "s3"` block. The message shows at most the first 4 characters of the value.
    ///
    /// ## Why is this bad?
    /// The credentials are in version control, in every clone and CI log that prints the
    /// configuration, and long-lived keys bypass the role assumption the rest of the setup
    /// relies on. Rotate them.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   access_key = "AKIAIOSFODNN7EXAMPLE"
    ///   secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// provider "aws" {
    ///   assume_role {
    ///     role_arn = "arn:aws:iam::123456789012:role/deploy"
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#authentication-and-configuration
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
    pub struct HardcodedCredentials {
        code: "TL403",
        name: "hardcoded-credentials",
        severity: Error,
        family: Terraform,
        summary: "literal `access_key`/`secret_key`/`token` in a provider or backend",
    }
}

/// The first 4 characters, never more.
fn redact(text: &str) -> String {
    let head: String = text.chars().take(4).collect();
    format!("{head}…")
}

impl Rule for HardcodedCredentials {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for c in &unit.provider_creds {
            let fields: [(&Option<Value>, &str); 3] =
                [(&c.access_key, "access_key"), (&c.secret_key, "secret_key"), (&c.token, "token")];
            for (v, key) in fields {
                let Some(v) = v else { continue };
                let Some(text) = v.as_str() else { continue };
                if text.is_empty() {
                    continue;
                }
                out.emit(v.span, format!("hard-coded {key} `{}` in {}", redact(text), c.origin))
                    .label("secret redacted")
                    .help("remove it, rotate the key, and let the provider use the environment, a profile or `assume_role`");
            }
        }
    }
}
