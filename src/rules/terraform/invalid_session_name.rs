use crate::aws::sts::{session_name_problem, source_identity_problem};
use crate::declare_rule;
use crate::model::{Unit, Value};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `assume_role` `session_name` or `source_identity` that STS rejects: shorter
    /// than 2 or longer than 64 characters, characters outside `[\w+=,.@-]`, or a
    /// `source_identity` that starts with `aws:`.
    ///
    /// ## Why is this bad?
    /// `AssumeRole` fails with a validation error, so every plan and apply with this provider or
    /// backend fails before touching anything.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   assume_role {
    ///     role_arn     = "arn:aws:iam::123456789012:role/deploy"
    ///     session_name = "terraform deploy"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// provider "aws" {
    ///   assume_role {
    ///     role_arn     = "arn:aws:iam::123456789012:role/deploy"
    ///     session_name = "terraform-deploy"
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    pub struct InvalidSessionName {
        code: "TL402",
        name: "invalid-session-name",
        severity: Error,
        family: Terraform,
        summary: "`session_name`/`source_identity` that STS rejects",
    }
}

impl Rule for InvalidSessionName {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for c in &unit.assume_roles {
            let fields: [(&Option<Value>, &str, bool); 2] =
                [(&c.session_name, "session_name", false), (&c.source_identity, "source_identity", true)];
            for (v, key, si) in fields {
                let Some(v) = v else { continue };
                let Some(text) = v.as_str() else { continue };
                if let Some(why) = if si { source_identity_problem(text) } else { session_name_problem(text) }
                {
                    out.emit(v.span, format!("{} {key} `{text}` {why}", c.origin.describe()))
                        .help("use 2 to 64 characters from `[A-Za-z0-9_+=,.@-]`");
                }
            }
        }
    }
}
