use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file that looks like a policy, a Terraform module, a plan or an
    /// authorization-details dump but cannot be parsed, at the location of the syntax error,
    /// and a policy element whose value has a shape IAM rejects (`"Action": 5`).
    ///
    /// It also reports every input that cannot be read as UTF-8 text, naming the path and the
    /// reason, so nothing is silently left out: a file or directory the operating system refuses
    /// (permissions, a file that vanished during the run, an I/O error, with the OS error), an
    /// input over the size limit (32 MiB), a UTF-16 file (by byte order mark or by its NUL bytes;
    /// during a walk only when it looks like a policy), a UTF-8 byte order mark, and the first
    /// invalid UTF-8 sequence. A file with a byte order mark or invalid bytes is still analysed
    /// (without the mark, invalid bytes as U+FFFD).
    ///
    /// ## Why is this bad?
    /// IAM and Terraform reject the document (`MalformedPolicyDocument`), so nothing in it
    /// takes effect, and no other rule can check it. The rest of the run goes on. Both read
    /// UTF-8 only: Terraform rejects a byte order mark as an invalid character, and a policy
    /// saved as UTF-16 by a Windows editor is not JSON to either.
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
        summary: "a file cannot be read or parsed, or a policy element is malformed",
    }
}

impl Rule for ParseError {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for failure in &unit.read_failures {
            out.emit(failure.span, failure.message.clone()).label(failure.label).help(failure.help);
        }
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
