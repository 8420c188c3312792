use std::collections::BTreeMap;

use crate::declare_rule;
use crate::model::Unit;
use crate::model::terraform::SpaceliftAttachment;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a stack or module that gets more than one AWS integration for reading, or more
    /// than one for writing, through `spacelift_aws_integration_attachment` resources of the
    /// same configuration.
    ///
    /// ## Why is this bad?
    /// Spacelift allows at most one read and one write AWS integration per stack (or one that
    /// does both); the second attachment fails to apply, or leaves it unclear which role a run
    /// gets.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration_attachment" "a" {
    ///   integration_id = spacelift_aws_integration.a.id
    ///   stack_id       = "infra"
    /// }
    ///
    /// resource "spacelift_aws_integration_attachment" "b" {
    ///   integration_id = spacelift_aws_integration.b.id
    ///   stack_id       = "infra"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "spacelift_aws_integration_attachment" "a" {
    ///   integration_id = spacelift_aws_integration.a.id
    ///   stack_id       = "infra"
    ///   write          = false
    /// }
    ///
    /// resource "spacelift_aws_integration_attachment" "b" {
    ///   integration_id = spacelift_aws_integration.b.id
    ///   stack_id       = "infra"
    ///   read           = false
    /// }
    /// ```
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration_attachment
    pub struct TooManyIntegrations {
        code: "TL505",
        name: "too-many-integrations",
        severity: Error,
        family: Spacelift,
        summary: "more than one read or write AWS integration on one stack",
    }
}

/// Which integration an attachment names, when that can be told apart.
fn integration_key(a: &SpaceliftAttachment) -> Option<String> {
    match (a.integration, a.integration_id.as_ref().and_then(|v| v.as_str())) {
        (Some(i), _) => Some(format!("#{i}")),
        (None, Some(t)) => Some(t.to_string()),
        _ => None,
    }
}

impl Rule for TooManyIntegrations {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        // (stack kind, stack) -> attachments with a known target and integration.
        let mut by_target: BTreeMap<(bool, String), Vec<&SpaceliftAttachment>> = BTreeMap::new();
        for a in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source && !a.repeated) {
            let (is_module, target) = match (&a.stack_id, &a.module_id) {
                (Some(s), _) => (false, s),
                (None, Some(m)) => (true, m),
                _ => continue,
            };
            let Some(t) = target.as_str() else { continue };
            if integration_key(a).is_none() {
                continue;
            }
            by_target.entry((is_module, t.to_string())).or_default().push(a);
        }
        for ((is_module, target), list) in by_target {
            for (phase, pick) in [("read", 0usize), ("write", 1)] {
                let mut seen: Vec<(String, &SpaceliftAttachment)> = Vec::new();
                for a in &list {
                    let on = if pick == 0 { a.read } else { a.write };
                    if on != Some(true) {
                        continue;
                    }
                    let Some(key) = integration_key(a) else { continue };
                    if seen.iter().any(|(k, _)| *k == key) {
                        continue;
                    }
                    if let Some((_, first)) = seen.first() {
                        let kind = if is_module { "module" } else { "stack" };
                        out.emit(a.span, format!("{kind} `{target}` gets a second {phase} AWS integration from {}", a.address))
                            .secondary(first.span, format!("first {phase} integration attached here"))
                            .help(format!("attach at most one integration with `{phase} = true` per {kind}; set `{phase} = false` on one of them"))
                            .subject(a.address.clone());
                    }
                    seen.push((key, a));
                }
            }
        }
    }
}
