//! `trustlint verify`: static checks first (no network, [`plan`]), then the live steps
//! ([`live`]: `sts:GetCallerIdentity`, `iam:GetRole` with a lint and a local evaluation of the
//! live trust policy, `sts:AssumeRole`, `sts:GetCallerIdentity` with the minted credentials) and
//! negative probes ([`probes`]). The outcome is a [`report::Report`]; [`exec`] hands the minted
//! credentials on. AWS plumbing is in [`aws`], its errors in [`error`].
//!
//! Secrets: the minted secret key and session token are only ever written by `--export-env`
//! (stdout) or into the environment of `-- COMMAND`; the report carries ARNs and the expiry.

pub mod aws;
pub mod cli;
pub mod dump;
pub mod error;
pub mod exec;
pub mod fetch;
pub mod live;
pub mod plan;
pub mod probes;
pub mod profiles;
pub mod report;
pub mod ulid;

use std::path::Path;

pub use aws::{
    AttachedPolicy, Aws, AwsOptions, CallerCredentials, Identity, Minted, RoleInfo, RolePolicies, Secret,
    role_name_from_arn,
};
pub use error::{AwsError, AwsErrorKind};
pub use report::{Report, Status, Step};

use crate::cli::VerifyArgs;
use trustlint::commands::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use trustlint::config::Settings;
use trustlint::config::file::{self as config_file, Date};

pub fn run(args: &VerifyArgs) -> i32 {
    let to_stderr = args.export_env || !args.command.is_empty();
    let settings = match settings(args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut rep = Report { role_arn: args.role_arn.clone(), ..Report::default() };
    let Some(plan) = plan::static_checks(args, &settings, &mut rep) else {
        report::emit(&rep, args.format, to_stderr);
        return EXIT_USAGE;
    };
    let opts = AwsOptions {
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        profile: args.profile.clone(),
        ..AwsOptions::default()
    };
    let chain = match args.profile.as_deref().map(profiles::resolve).transpose() {
        Ok(c) => c.flatten(),
        Err(e) => {
            rep.step("profile", Status::Failed, e);
            report::emit(&rep, args.format, to_stderr);
            return EXIT_USAGE;
        }
    };
    let aws = match chain {
        Some(chain) => match follow(&chain, &opts, args.mfa_token.as_deref(), &mut |n, s, m| {
            rep.step(n, s, m);
        }) {
            Some(aws) => aws,
            None => {
                report::emit(&rep, args.format, to_stderr);
                return EXIT_FINDINGS;
            }
        },
        None => match Aws::new(&opts) {
            Ok(a) => a,
            Err(e) => {
                rep.step("aws-config", Status::Failed, describe(&e));
                report::emit(&rep, args.format, to_stderr);
                return EXIT_USAGE;
            }
        },
    };
    let minted = live::run(args, &plan, &settings, &aws, &mut rep);
    report::emit(&rep, args.format, to_stderr);
    if !rep.passed() {
        return EXIT_FINDINGS;
    }
    match minted {
        Some(m) if args.export_env => exec::export_env(&m),
        Some(m) if !args.command.is_empty() => exec::run_command(&args.command, &m),
        _ => EXIT_OK,
    }
}

/// Assumes each role of a profile chain in turn, each hop with the previous one's credentials
/// (and `--endpoint-url`), one report step per hop; the client of the last hop is the caller.
/// `step` is told each hop (and the failure that ends the chain), as `verify`'s report steps.
pub fn follow(
    chain: &profiles::Chain,
    opts: &AwsOptions,
    mfa_token: Option<&str>,
    step: &mut dyn FnMut(&'static str, Status, String),
) -> Option<Aws> {
    let base = match &chain.base {
        profiles::Base::Profile(p) => AwsOptions { profile: Some(p.clone()), ..opts.clone() },
        profiles::Base::CredentialSource(_) => AwsOptions { profile: None, ..opts.clone() },
    };
    let mut aws = match Aws::new(&base) {
        Ok(a) => a,
        Err(e) => {
            step("aws-config", Status::Failed, describe(&e));
            return None;
        }
    };
    for hop in &chain.hops {
        let code = match hop.mfa_serial.as_deref().map(|s| profiles::mfa_code(s, mfa_token)) {
            Some(Err(e)) => {
                step("profile-hop", Status::Failed, format!("profile {}: {e}", hop.profile));
                return None;
            }
            Some(Ok(c)) => Some(c),
            None => None,
        };
        let mfa = hop.mfa_serial.as_deref().zip(code.as_deref());
        let session = hop.session_name.clone().unwrap_or_else(|| format!("trustlint-verify-{}", hop.profile));
        let minted = match aws.assume_role_mfa(
            &hop.role_arn,
            hop.external_id.as_deref(),
            &session,
            hop.duration_secs,
            mfa,
        ) {
            Ok(m) => m,
            Err(e) => {
                step("profile-hop", Status::Failed, format!("profile {}: {}", hop.profile, describe(&e)));
                return None;
            }
        };
        step(
            "profile-hop",
            Status::Passed,
            format!("profile {}: assumed {} as {}", hop.profile, hop.role_arn, minted.assumed_role_arn),
        );
        let next = AwsOptions {
            profile: None,
            credentials: Some(CallerCredentials {
                access_key_id: minted.access_key_id.clone(),
                secret_access_key: minted.secret_access_key.clone(),
                session_token: Some(minted.session_token.clone()),
            }),
            ..opts.clone()
        };
        aws = match Aws::new(&next) {
            Ok(a) => a,
            Err(e) => {
                step("aws-config", Status::Failed, describe(&e));
                return None;
            }
        };
    }
    Some(aws)
}

/// Settings from the configuration file (`--config`, else the nearest one) and flags.
fn settings(args: &VerifyArgs) -> Result<Settings, String> {
    let mut s = Settings::default();
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config_file::discover(Path::new(".")),
    };
    if let Some(path) = path {
        let rules = trustlint::rule_set(None).map_err(|e| e.to_string())?;
        let names: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
        let c = config_file::load(&path, &names, Date::today()?).map_err(|e| e.to_string())?;
        c.apply_settings(&mut s);
    }
    if let Some(a) = &args.spacelift_account {
        s.spacelift_account = Some(a.clone());
    }
    Ok(s)
}

/// A one-line category and the error's own message: network, throttling, access denied and
/// malformed answers read differently.
pub fn describe(e: &AwsError) -> String {
    let what = match e.kind() {
        AwsErrorKind::AccessDenied => "access denied",
        AwsErrorKind::Throttled => "throttled by AWS (rate exceeded; retry later)",
        AwsErrorKind::Connect => "network error (cannot connect)",
        AwsErrorKind::Timeout => "network error (timed out)",
        AwsErrorKind::Network => "network error",
        AwsErrorKind::MalformedResponse => "malformed response",
        AwsErrorKind::NoCredentials => "no AWS credentials",
        AwsErrorKind::Config => "configuration error",
        AwsErrorKind::Other => "AWS error",
    };
    format!("{what}: {e}")
}
