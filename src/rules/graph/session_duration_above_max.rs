use crate::aws::sts::{CHAINED_DURATION_MAX_SECS, DURATION_MAX_SECS, DURATION_MIN_SECS};
use crate::config::Settings;
use crate::declare_rule;
use crate::model::terraform::{AssumeOrigin, AssumeRoleConfig};
use crate::rules::graph::elsewhere;
use crate::rules::terraform::go_duration_secs;
use crate::rules::{Context, Rule, Run, Sink};

declare_rule! {
    /// ## What it does
    /// For each hop of a Terraform provider or S3 backend `assume_role` (`duration`, or the
    /// backend's older `assume_role_duration_seconds`) and of an AWS config profile
    /// (`duration_seconds`), compares the session length asked for with the target role's
    /// `MaxSessionDuration`, wherever the role is defined in the run: Terraform's
    /// `max_session_duration` (3600 seconds when not set), or `MaxSessionDuration` in a
    /// `get-role` style dump. Durations outside 900..43200 seconds, and chained sessions above
    /// one hour, are TL401's findings; a role whose limit is not known is not reported.
    ///
    /// ## Why is this bad?
    /// STS refuses the call (`ValidationError: The requested DurationSeconds exceeds the
    /// MaxSessionDuration set for this role`): `terraform plan` or the CLI fails before any
    /// work is done, and the two numbers live in different files, often different accounts.
    ///
    /// ## Example
    /// ```ini
    /// [profile deploy]
    /// role_arn = arn:aws:iam::222222222222:role/deploy
    /// credential_source = Environment
    /// duration_seconds = 7200
    /// ```
    /// with `resource "aws_iam_role" "deploy"` that leaves `max_session_duration` at its
    /// default of 3600.
    ///
    /// ## Use instead
    /// Ask for at most the role's limit (`duration_seconds = 3600`), or raise the role's
    /// `max_session_duration = 7200`.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role#max_session_duration
    pub struct SessionDurationAboveMax {
        code: "TL703",
        name: "session-duration-above-max",
        severity: Error,
        family: Graph,
        summary: "an `assume_role` duration above the target role's `MaxSessionDuration`",
    }
}

impl Rule for SessionDurationAboveMax {
    fn needs_run(&self) -> bool {
        true
    }

    fn check_run(&self, cx: &Context, run: &Run, out: &mut Sink) {
        let g = run.graph;
        for e in &g.edges {
            let Some((_, cfg)) = g.setting(run.units, e.from) else { continue };
            let Some((_, role)) = g.role(run.units, e.to) else { continue };
            let (Some(limit), Some(d)) = (role.session_limit, cfg.duration.as_ref()) else { continue };
            let Some(text) = d.as_str() else { continue };
            let Some(secs) = go_duration_secs(text) else { continue };
            if secs <= f64::from(limit.secs) || left_to_tl401(cfg, secs, cx.settings) {
                continue;
            }
            let asked = if text.trim_end_matches('s').bytes().all(|b| b.is_ascii_digit()) {
                String::new()
            } else {
                format!(" (`{text}`)")
            };
            let set = match limit.span {
                Some(s) => format!("its MaxSessionDuration{}", elsewhere(Some(s), d.span, cx.sources)),
                None => format!("the default max_session_duration of {} seconds", limit.secs),
            };
            let f = out
                .emit(
                    d.span,
                    format!(
                        "{} asks for a session of {secs} seconds{asked}, but {} allows at most {} seconds ({set}): STS refuses the call",
                        cfg.origin.describe(),
                        role.subject,
                        limit.secs
                    ),
                )
                .label("longer than the role allows")
                .help(format!(
                    "ask for at most {} seconds, or raise max_session_duration of {} to at least {secs}",
                    limit.secs, role.subject
                ));
            if let Some(s) = limit.span {
                f.secondary(s, "the role's limit");
            }
        }
    }
}

/// TL401 reports durations STS never accepts, and chained sessions above one hour.
fn left_to_tl401(cfg: &AssumeRoleConfig, secs: f64, settings: &Settings) -> bool {
    if !(f64::from(DURATION_MIN_SECS)..=f64::from(DURATION_MAX_SECS)).contains(&secs) {
        return true;
    }
    let chained = match cfg.origin {
        AssumeOrigin::Profile { chained, .. } => chained,
        AssumeOrigin::ProviderWebIdentity { .. } => false,
        AssumeOrigin::Provider { .. } | AssumeOrigin::Backend => settings.chained_credentials,
    };
    chained && secs > f64::from(CHAINED_DURATION_MAX_SECS)
}
