//! `trustlint simulate`: flags and configuration -> [`crate::simulate::Options`], load the
//! input, simulate, print, exit status (0 every expectation held, 1 one did not, 2 usage).

use std::io::IsTerminal;
use std::path::Path;

use crate::aws::spacelift::{Phase, SpaceliftEnvironment};
use crate::cli::{FetchTrustArgs, PhaseArg, SimulateArgs, SpaceliftEnvironmentArg, VerifyFormat};
use std::process::ExitCode;

use crate::Error;
use crate::commands::{EXIT_FINDINGS, EXIT_OK, exit, write_stdout};
use crate::config::Settings;
use crate::config::file::{self as config_file, Date};
use crate::simulate::{self, Options, SpaceliftRun, load};

pub fn run(args: &SimulateArgs) -> Result<ExitCode, Error> {
    let (text, passed) = prepare_and_simulate(args).map_err(Error::Usage)?;
    write_stdout(&text)?;
    Ok(exit(if passed { EXIT_OK } else { EXIT_FINDINGS }))
}

/// The rendered report and whether every expectation held; `Err` is a usage error.
fn prepare_and_simulate(args: &SimulateArgs) -> Result<(String, bool), String> {
    let settings = settings(args)?;
    let opts = options(args, &settings)?;
    let (input, loaded) = match (&args.path, &args.role_arn) {
        (Some(path), _) => (path.display().to_string(), load::load_path(path, &settings)?),
        (None, Some(arn)) => {
            let (name, text) = fetch(args, arn)?;
            let loaded = load::load_text(&name, &text, &settings)?;
            (name, loaded)
        }
        (None, None) => return Err("give a PATH or --role-arn ARN".into()),
    };
    let target = load::select(&loaded.unit, args.role.as_deref())?;
    let policy_index = target.policy;
    let sim = simulate::simulate(input, &loaded, target, &opts)?;
    let policy = &loaded.unit.policies[policy_index];
    let text = match args.format {
        VerifyFormat::Json => format!("{}\n", simulate::render::json(&sim, policy, &loaded.sources)),
        VerifyFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            simulate::render::human(&sim, policy, &loaded.sources, color)
        }
    };
    Ok((text, sim.passed()))
}

/// Settings from the configuration file (`--config`, else the nearest one) and flags.
fn settings(args: &SimulateArgs) -> Result<Settings, String> {
    let mut s = Settings::default();
    let path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(p), _) => Some(p.clone()),
        (None, false) => config_file::discover(Path::new(".")),
    };
    if let Some(path) = path {
        let rules = crate::rule_set(None).map_err(|e| e.to_string())?;
        let names: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
        let c = config_file::load(&path, &names, Date::today()?).map_err(|e| e.to_string())?;
        c.apply_settings(&mut s);
    }
    if let Some(a) = &args.spacelift_account {
        s.spacelift_account = Some(a.clone());
    }
    if let Some(env) = args.spacelift_environment {
        s.spacelift_environment = Some(match env {
            SpaceliftEnvironmentArg::SpaceliftIo => SpaceliftEnvironment::Eu,
            SpaceliftEnvironmentArg::UsSpaceliftIo => SpaceliftEnvironment::Us,
        });
    }
    Ok(s)
}

fn key_value(flag: &str, text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("{flag} `{text}`: expected KEY=VALUE")),
    }
}

fn options(args: &SimulateArgs, settings: &Settings) -> Result<Options, String> {
    let mut runs = Vec::new();
    if let Some(stack) = &args.spacelift_stack {
        let mut phases: Vec<Phase> = args
            .phase
            .iter()
            .map(|p| match p {
                PhaseArg::Read => Phase::Read,
                PhaseArg::Write => Phase::Write,
            })
            .collect();
        phases.dedup();
        for phase in phases {
            runs.push(SpaceliftRun {
                stack: stack.clone(),
                phase,
                tag_session: false,
                attachment: None,
                module: false,
                custom_external_id: None,
                worker: false,
            });
        }
    }
    let tags = args.tag.iter().map(|t| key_value("--tag", t)).collect::<Result<Vec<_>, _>>()?;
    let mut context = Vec::new();
    for c in &args.context {
        let (k, v) = key_value("--context", c)?;
        if !k.contains(':') {
            return Err(format!("--context `{c}`: a condition key has a prefix (`aws:PrincipalOrgID`)"));
        }
        context.push((k, v));
    }
    let mut notes = Vec::new();
    let spacelift = !runs.is_empty() || args.as_spacelift;
    if spacelift && args.integration_id.is_none() {
        notes.push(format!(
            "no --integration-id: using {}, which only matches patterns with `*` in the \
             integration-id part (or, in Terraform, the integration's own id)",
            simulate::request::DEFAULT_INTEGRATION_ID
        ));
    }
    Ok(Options {
        principal: args.principal.clone(),
        external_id: args.external_id.clone(),
        spacelift_runs: runs,
        as_spacelift: args.as_spacelift,
        spacelift_account: settings.spacelift_account.clone(),
        environment: settings.spacelift_environment.unwrap_or_default(),
        partition: settings.partition.clone(),
        integration_id: args.integration_id.clone(),
        session_name: args.session_name.clone(),
        source_identity: args.source_identity.clone(),
        tags,
        mfa: args.mfa,
        source_account: args.source_account.clone(),
        source_arn: args.source_arn.clone(),
        context,
        expect_deny: args.expect_deny,
        probes: !args.no_probes,
        notes,
    })
}

/// `--role-arn`: the lint binary has no AWS SDK, so `trustlint-verify fetch-trust-policy`
/// reads the role (`iam:GetRole`) and prints its trust policy; that text is simulated as a file
/// named by `--save-policy` (written there) or by the role ARN.
fn fetch(args: &SimulateArgs, arn: &str) -> Result<(String, String), String> {
    crate::aws::arn::validate(arn, crate::aws::arn::ArnUse::Role).map_err(|e| format!("--role-arn: {e}"))?;
    let name = crate::aws::arn::role_name(arn).unwrap_or("NAME");
    let Some(bin) = crate::commands::verify::find_binary() else {
        return Err(format!(
            "--role-arn needs the {} binary (the part of trustlint that talks to AWS), which is not \
             installed next to this trustlint or on PATH; install it with `cargo install --locked \
             --path crates/trustlint-verify`, or save the trust policy with `aws iam get-role \
             --role-name {name} --query Role.AssumeRolePolicyDocument > trust.json` and pass it as PATH",
            crate::commands::verify::binary_name()
        ));
    };
    let fetch = FetchTrustArgs {
        role_arn: arn.to_string(),
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
    };
    let out = std::process::Command::new(&bin)
        .arg(FetchTrustArgs::SUBCOMMAND)
        .args(fetch.to_args())
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!("--role-arn: could not read the trust policy of {arn} (see above)"));
    }
    // IAM caps a trust policy at 4,096 characters; anything far larger is not one.
    if out.stdout.len() as u64 > crate::load::MAX_FILE_BYTES {
        return Err(format!("--role-arn: the trust policy of {arn} is larger than any IAM allows"));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| format!("--role-arn: the trust policy of {arn} is not UTF-8"))?;
    match &args.save_policy {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("--save-policy {}: {e}", path.display()))?;
            Ok((path.display().to_string(), text))
        }
        None => Ok((arn.to_string(), text)),
    }
}
