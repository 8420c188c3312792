use std::collections::HashSet;
use std::sync::OnceLock;

use crate::analysis::access::{ActionSubset, Allowed, is_admin_statement};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};
use crate::source::Span;

/// Single actions that let the holder grant themselves (or a principal they control) more
/// permissions, with what they allow.
const SINGLE: &[(&str, &str)] = &[
    ("iam:CreatePolicyVersion", "make a new default version of a managed policy with any permissions"),
    ("iam:SetDefaultPolicyVersion", "switch a managed policy to an older, broader version"),
    ("iam:AttachRolePolicy", "attach any managed policy (e.g. AdministratorAccess) to a role"),
    ("iam:AttachUserPolicy", "attach any managed policy (e.g. AdministratorAccess) to a user"),
    ("iam:AttachGroupPolicy", "attach any managed policy (e.g. AdministratorAccess) to a group"),
    ("iam:PutRolePolicy", "write an inline policy with any permissions into a role"),
    ("iam:PutUserPolicy", "write an inline policy with any permissions into a user"),
    ("iam:PutGroupPolicy", "write an inline policy with any permissions into a group"),
    ("iam:UpdateAssumeRolePolicy", "rewrite a role's trust policy so anyone chosen can assume it"),
    ("iam:CreateAccessKey", "create access keys for another user"),
    ("iam:CreateLoginProfile", "set a console password for a user that has none"),
    ("iam:UpdateLoginProfile", "change another user's console password"),
    ("iam:AddUserToGroup", "join a more privileged group"),
    // Compute that already runs with a role: changing it runs the holder's code as that role
    // (no iam:PassRole needed). From the public privilege-escalation lists (Rhino Security Labs).
    ("lambda:UpdateFunctionCode", "replace the code of any function and run it with the function's role"),
    ("glue:UpdateDevEndpoint", "add an SSH key to any Glue development endpoint and act as its role"),
];

/// Actions that start compute running with a role passed by `iam:PassRole`.
const COMPUTE: &[&str] = &[
    "lambda:CreateFunction",
    "ec2:RunInstances",
    "ecs:RunTask",
    "ecs:StartTask",
    "glue:CreateDevEndpoint",
    "glue:CreateJob",
    "cloudformation:CreateStack",
    "codebuild:CreateProject",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "datapipeline:CreatePipeline",
    "states:CreateStateMachine",
];

declare_rule! {
    /// ## What it does
    /// Collects the actions that the permission policies allow (wildcards expanded against the
    /// catalog; for a role, across all its permission policies; an unconditional `Deny` on `*`
    /// removes what it names) and reports known privilege-escalation sets:
    /// - `iam:PassRole` on a broad resource (`*` or `.../*`) together with an action that starts
    ///   compute with the passed role (`lambda:CreateFunction`, `ec2:RunInstances`,
    ///   `ecs:RunTask`, `glue:CreateDevEndpoint`, `cloudformation:CreateStack`, ...);
    /// - any one of `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`,
    ///   `iam:Attach{Role,User,Group}Policy`, `iam:Put{Role,User,Group}Policy`,
    ///   `iam:UpdateAssumeRolePolicy`, `iam:CreateAccessKey`, `iam:CreateLoginProfile`,
    ///   `iam:UpdateLoginProfile`, `iam:AddUserToGroup`, `lambda:UpdateFunctionCode`,
    ///   `glue:UpdateDevEndpoint` on a broad resource (the last two run the holder's code as the
    ///   role an existing function or endpoint already has).
    ///
    /// Grants limited to named resources (or with policy variables such as
    /// `user/${aws:username}`) are not reported; conditions are not evaluated. Statements that
    /// allow `*` on `*` are left to TL301 (admin-wildcard): they include every escalation, and
    /// one finding is enough.
    ///
    /// ## Why is this bad?
    /// Each set lets the holder turn its permissions into administrator access, so the policy
    /// is only as strong as its weakest escalation path.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/my-function",
    ///  "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}
    /// ```
    ///
    /// ## References
    /// - https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
    pub struct PrivilegeEscalation {
        code: "TL307",
        name: "privilege-escalation",
        severity: Error,
        family: Permissions,
        summary: "the allowed actions include a known privilege-escalation set",
    }
}

impl Rule for PrivilegeEscalation {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        let mut in_role: HashSet<usize> = HashSet::new();
        for role in &unit.roles {
            let perms: Vec<usize> = role
                .permissions
                .iter()
                .copied()
                .filter(|&i| unit.policies.get(i).is_some_and(Policy::is_permission))
                .collect();
            in_role.extend(perms.iter().copied());
            if !perms.is_empty() {
                check(unit, &perms, Some(&role.subject), out);
            }
        }
        for (i, p) in unit.policies.iter().enumerate() {
            if p.is_permission() && !in_role.contains(&i) {
                check(unit, &[i], p.subject.as_deref(), out);
            }
        }
    }
}

fn check(unit: &Unit, policies: &[usize], subject: Option<&str>, out: &mut Sink) {
    // Only the actions this rule asks about: matching each value against them is linear in
    // the policy, where expanding every value against the catalog was not.
    static WANTED: OnceLock<ActionSubset> = OnceLock::new();
    let wanted = WANTED.get_or_init(|| {
        let names: Vec<&str> =
            SINGLE.iter().map(|(a, _)| *a).chain(COMPUTE.iter().copied()).chain(["iam:PassRole"]).collect();
        ActionSubset::new(&names)
    });
    let allowed = Allowed::of_only(unit, policies, is_admin_statement, wanted);
    let broad = |action: &str| allowed.get(action).filter(|g| g.broad);
    // Single-action sets, one finding per granting value (`iam:*` grants many of them).
    let mut groups: Vec<(Span, Vec<(String, &str)>)> = Vec::new();
    for (action, what) in SINGLE {
        let Some(g) = broad(action) else { continue };
        let name = g.action.full_name();
        match groups.iter_mut().find(|(s, _)| *s == g.span) {
            Some((_, list)) => list.push((name, what)),
            None => groups.push((g.span, vec![(name, what)])),
        }
    }
    for (span, list) in groups {
        let (first, what) = &list[0];
        let message = match list.len() {
            1 => {
                format!("allows {first} on wildcard resources: privilege escalation (the holder can {what})")
            }
            n => {
                let names: Vec<&str> = list.iter().map(|(a, _)| a.as_str()).collect();
                let shown = if n > 4 {
                    format!("{} and {} more", names[..4].join(", "), n - 4)
                } else {
                    names.join(", ")
                };
                format!("allows {n} privilege-escalation actions on wildcard resources: {shown}")
            }
        };
        let f = out.emit(span, message);
        f.label("privilege escalation").help(if list.len() == 1 {
            format!("remove {first} or limit it to named resources that cannot lead to more privileges")
        } else {
            format!("remove them or limit them to named resources; e.g. {first} lets the holder {what}")
        });
        if let Some(s) = subject {
            f.subject(s);
        }
    }
    if let Some(pass) = broad("iam:PassRole")
        && let Some(compute) = COMPUTE.iter().find_map(|a| allowed.get(a))
    {
        let f = out.emit(
            pass.span,
            format!(
                "allows iam:PassRole on any role together with {}: privilege escalation (start compute that runs as any role)",
                compute.action
            ),
        );
        f.label("grants iam:PassRole").help(
            "limit iam:PassRole to the roles the workload needs (and add an `iam:PassedToService` condition)",
        );
        if compute.span != pass.span {
            f.secondary(compute.span, format!("grants {}", compute.action));
        }
        if let Some(s) = subject {
            f.subject(s);
        }
    }
}
