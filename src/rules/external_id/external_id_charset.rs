use crate::analysis::trust::{EXTERNAL_ID, is_literal_wildcard_id};
use crate::aws::sts::external_id_problem;
use crate::declare_rule;
use crate::model::{BaseOp, Policy, Unit, Value};
use crate::rules::{Context, Rule, Sink, check_policies};

declare_rule! {
    /// ## What it does
    /// Checks every literal external id against what STS accepts: 2 to 1224 characters of
    /// `[\w+=,.@:/-]`. It looks at `sts:ExternalId` values under exact-match operators in any
    /// trust policy (IAM policy variables such as `${aws:PrincipalAccount}` are substituted
    /// before matching, so only the text around them is checked; `*` and `?` under
    /// `StringEquals` are left to TL105), Terraform `assume_role.external_id`,
    /// `spacelift_aws_integration.external_id`, and ids given on the command line.
    ///
    /// ## Why is this bad?
    /// STS rejects the request (`ValidationError`) before the trust policy is even evaluated,
    /// and a trust policy that requires such an id can never be satisfied.
    ///
    /// ## Example
    /// ```hcl
    /// assume_role { role_arn = "arn:aws:iam::111122223333:role/deploy", external_id = "acme prod" }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// assume_role { role_arn = "arn:aws:iam::111122223333:role/deploy", external_id = "acme-prod" }
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
    pub struct ExternalIdCharset {
        code: "TL205",
        name: "external-id-charset",
        severity: Error,
        family: ExternalId,
        summary: "a literal external id that STS rejects (length or characters)",
    }
}

fn report(out: &mut Sink, value: &Value, what: &str) {
    let Some(id) = value.as_str() else { return };
    report_text(out, value, what, id, id);
}

fn report_text(out: &mut Sink, value: &Value, what: &str, id: &str, checked: &str) {
    if let Some(why) = external_id_problem(checked) {
        out.emit(value.span, format!("{what} `{id}` is rejected by STS: {why}"))
            .help("use 2 to 1224 characters of letters, digits and _+=,.@:/-");
    }
}

/// `text` with each `${...}` policy variable replaced by one valid character.
fn without_variables(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('x');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl Rule for ExternalIdCharset {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            for c in st.conditions_on(EXTERNAL_ID) {
                if !matches!(c.operator.base, Some(BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase)) {
                    continue;
                }
                for v in &c.values.items {
                    // `*`/`?` under an exact match: TL105 names the root cause.
                    let Some(text) = v.as_str() else { continue };
                    if is_literal_wildcard_id(c, text) {
                        continue;
                    }
                    // IAM substitutes policy variables (`${aws:PrincipalAccount}`) before
                    // matching: only the text around them is what a caller must send.
                    let checked =
                        if policy.variables_enabled() { without_variables(text) } else { text.to_string() };
                    report_text(out, v, "external id", text, &checked);
                }
            }
        }
    }

    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        check_policies(self, cx, unit, out);
        for a in &unit.assume_roles {
            if let Some(v) = &a.external_id {
                report(out, v, &format!("{} external_id", a.origin.describe()));
            }
        }
        for i in &unit.spacelift.integrations {
            if let Some(v) = &i.external_id {
                report(out, v, &format!("{} external_id", i.address));
            }
        }
    }
}
