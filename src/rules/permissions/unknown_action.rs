use crate::catalog::catalog;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::permissions::{ActionStatus, action_lists, action_status, suggest};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Action` or `NotAction` value of a permission policy that matches no action of
    /// a known service in the embedded catalog: a misspelt action (`s3:GetObjct`), a pattern that
    /// matches nothing (`s3:Gett*`), or a value without a `service:` prefix. Matching is
    /// case-insensitive with `*` and `?` expanded, as IAM does; actions that AWS's own managed
    /// policies use but the catalog lacks (the catalog-gap list) are accepted. The message names
    /// the nearest real action and the catalog date.
    ///
    /// ## Why is this bad?
    /// IAM accepts unknown actions silently. An `Allow` of a misspelt action grants nothing (the
    /// deploy fails later with `AccessDenied`); a `Deny` or `NotAction` of a misspelt action
    /// protects nothing.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObjct", "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    pub struct UnknownAction {
        code: "TL303",
        name: "unknown-action",
        severity: Error,
        family: Permissions,
        summary: "an action or action pattern that matches no action of a known service",
    }
}

impl Rule for UnknownAction {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_permission() {
            return;
        }
        let date = catalog().date();
        for st in &policy.statements {
            for (action, span) in action_lists(st).flat_map(|l| l.known()) {
                match action_status(action) {
                    ActionStatus::NoPrefix => {
                        let suggestion = suggest(action).filter(|s| s.contains(':'));
                        let f = out.emit(span, format!("action `{action}` has no `service:` prefix"));
                        f.label("not `service:Action`");
                        match suggestion {
                            Some(s) => f.help(format!("write `service:Action`, e.g. `{s}`")),
                            None => f.help("write `service:Action`, e.g. `s3:GetObject`"),
                        };
                    }
                    ActionStatus::UnknownAction => {
                        let what = if action.contains(['*', '?']) { "action pattern" } else { "action" };
                        let service = action.split_once(':').map_or("", |(s, _)| s);
                        let scope = if service.contains(['*', '?']) {
                            "any service".to_string()
                        } else {
                            format!("`{}`", service.to_ascii_lowercase())
                        };
                        let suggestion = suggest(action).filter(|s| s.contains(':'));
                        let message = match &suggestion {
                            Some(s) => format!(
                                "{what} `{action}` matches no action of {scope} (catalog of {date}); did you mean `{s}`?"
                            ),
                            None => {
                                format!("{what} `{action}` matches no action of {scope} (catalog of {date})")
                            }
                        };
                        let f = out.emit(span, message);
                        f.label(format!("unknown {what}"));
                        match suggestion {
                            Some(s) => f.help(format!("replace it with `{s}`")),
                            None => f.help(
                                "check the name in the Service Authorization Reference; if the action is newer than the catalog, refresh it with `python3 scripts/gen_catalog.py`",
                            ),
                        };
                    }
                    ActionStatus::Known | ActionStatus::UnknownService(_) => {}
                }
            }
        }
    }
}
