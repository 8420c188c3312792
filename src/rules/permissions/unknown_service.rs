use crate::catalog::catalog;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::permissions::{ActionStatus, action_lists, service_status};
use crate::rules::{Context, Rule, Sink};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` or `NotAction` value of a permission policy whose service prefix
    /// (the part before `:`) is not in the embedded catalog, nor among the prefixes AWS's own
    /// managed policies use that the catalog lacks. The message suggests the nearest known
    /// prefix and names the catalog date.
    ///
    /// ## Why is this bad?
    /// IAM accepts unknown prefixes silently: `s4:GetObject` or `dynamo:PutItem` grants (or
    /// denies) nothing, so the role lacks a permission it was meant to have, or a guard-rail
    /// `Deny` has no effect.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "dynamo:PutItem", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    pub struct UnknownService {
        code: "TL304",
        name: "unknown-service",
        severity: Error,
        family: Permissions,
        summary: "a service prefix that is not in the catalog",
    }
}

impl Rule for UnknownService {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_permission() {
            return;
        }
        let date = catalog().date();
        for st in &policy.statements {
            for (action, span) in action_lists(st).flat_map(|l| l.known()) {
                let Some(ActionStatus::UnknownService(service)) = service_status(action) else { continue };
                // Point at the prefix when the span is exactly the quoted string.
                let prefix_span = if span.end.saturating_sub(span.start) == action.len() + 2 {
                    Span::new(span.src, span.start + 1, span.start + 1 + service.len())
                } else {
                    span
                };
                let suggestion = super::suggest(action);
                let prefix = suggestion.as_deref().map(|s| s.split(':').next().unwrap_or(s));
                let message = match prefix {
                    Some(p) => format!(
                        "unknown service `{service}` in `{action}` (catalog of {date}); did you mean `{p}`?"
                    ),
                    None => format!("unknown service `{service}` in `{action}` (catalog of {date})"),
                };
                let f = out.emit(prefix_span, message);
                f.label("unknown service prefix");
                match suggestion {
                    Some(s) if s.contains(':') => f.help(format!("replace it with `{s}`")),
                    Some(s) => f.help(format!("replace the prefix with `{s}`")),
                    None => f.help(
                        "check the prefix in the Service Authorization Reference; if the service is newer than the catalog, refresh it with `python3 scripts/gen_catalog.py`",
                    ),
                };
            }
        }
    }
}
