use crate::analysis::trust::allows_assume_role;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};

/// Services that AWS documents as sending `aws:SourceAccount`/`aws:SourceArn` when they assume
/// a role, so a trust can name the account and resource (the cross-service confused deputy
/// pages of each service). Services that do not (EC2 instance profiles, Lambda execution
/// roles) stay out: a condition there would lock the service out.
const SUPPORTS_SOURCE_KEYS: &[&str] = &[
    "appsync",
    "bedrock",
    "codebuild",
    "config",
    "datasync",
    "ecs-tasks",
    "events",
    "firehose",
    "pipes",
    "sagemaker",
    "scheduler",
    "sns",
    "states",
    "transfer",
];

const SOURCE_KEYS: &[&str] = &["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"];

/// `states.us-east-1.amazonaws.com` -> `states`.
fn service_name(principal: &str) -> Option<&str> {
    let host =
        principal.strip_suffix(".amazonaws.com").or_else(|| principal.strip_suffix(".amazonaws.com.cn"))?;
    host.split('.').next()
}

declare_rule! {
    /// ## What it does
    /// Reports a trust statement that lets an AWS service principal assume the role without a
    /// condition on `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or
    /// `aws:SourceOrgPaths`, for services AWS documents as sending those keys (Step
    /// Functions, EventBridge and its Scheduler and Pipes, SageMaker, Bedrock, AWS Config,
    /// ECS tasks, CodeBuild, Firehose, SNS, DataSync, Transfer Family, AppSync).
    ///
    /// ## Why is this bad?
    /// This is the cross-service confused deputy: the service acts for every AWS customer, so
    /// without naming *your* account or resource, someone else's state machine, rule or job
    /// can be configured with your role's ARN and act through it.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
    pub struct ServicePrincipalWithoutSource {
        code: "TL115",
        name: "service-principal-without-source",
        severity: Warning,
        family: Trust,
        summary: "a service principal is trusted without `aws:SourceAccount`/`aws:SourceArn`",
    }
}

impl Rule for ServicePrincipalWithoutSource {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_trust() {
            return;
        }
        for st in policy.statements.iter().filter(|st| allows_assume_role(st) && !st.partial) {
            if st.conditions.iter().any(|c| SOURCE_KEYS.iter().any(|k| c.key_is(k))) {
                continue;
            }
            let Some(p) = &st.principal else { continue };
            for v in p.values_of("Service") {
                let Some(text) = v.as_str() else { continue };
                let Some(service) = service_name(text).filter(|s| SUPPORTS_SOURCE_KEYS.contains(s)) else {
                    continue;
                };
                out.emit(
                    v.span,
                    format!(
                        "`{text}` may assume the role for any account: no aws:SourceAccount or aws:SourceArn condition (cross-service confused deputy)"
                    ),
                )
                .label(format!("{service} acts for every AWS customer"))
                .secondary(st.span, "in this statement")
                .help("add \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"<your account id>\"}} (or aws:SourceArn with the resource that uses the role)");
            }
        }
    }
}
