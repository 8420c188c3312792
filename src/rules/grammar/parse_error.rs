use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file that looks like a policy, a Terraform module, a plan or an
    /// authorization-details dump but cannot be parsed, at the location of the syntax error,
    /// and a policy element whose value has a shape IAM rejects (`"Action": 5`).
    ///
    /// ## Why is this bad?
    /// IAM and Terraform reject the document (`MalformedPolicyDocument`), so nothing in it
    /// takes effect, and no other rule can check it. The rest of the run goes on.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    pub struct ParseError {
        code: "TL001",
        name: "parse-error",
        severity: Error,
        family: Grammar,
        summary: "a file or policy element cannot be parsed",
    }
}

impl Rule for ParseError {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for failure in &unit.parse_failures {
            out.emit(failure.span, format!("cannot parse {}: {}", failure.what, failure.message))
                .label(failure.message.clone())
                .help(match failure.what {
                    "JSON" => {
                        "IAM accepts strict JSON only: no comments, no trailing commas, double-quoted strings"
                    }
                    _ => "fix the syntax error; the other files of the run were still checked",
                });
        }
        for policy in &unit.policies {
            for m in &policy.malformed {
                let f = out.emit(m.span, format!("malformed policy: {}", m.message));
                f.help("IAM rejects the whole document with MalformedPolicyDocument");
                if let Some(subject) = &policy.subject {
                    f.subject(subject.clone());
                }
            }
        }
    }
}
