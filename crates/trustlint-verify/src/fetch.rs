//! `trustlint-verify fetch-authorization-details` (hidden; `trustlint check --aws` runs it):
//! the caller's account (`sts:GetCallerIdentity`), every page of
//! `iam:GetAccountAuthorizationDetails`, the dump written to `--out` in the AWS CLI's shape
//! ([`crate::dump`]) and one JSON summary line on standard output for `check` to read.
//! Errors go to standard error, cleaned and capped as every [`crate::AwsError`] is; nothing
//! secret is printed.

use std::io::{IsTerminal, Write};

use trustlint::cli::{FetchDumpArgs, FetchTrustArgs};
use trustlint::commands::{EXIT_OK, EXIT_USAGE};

use crate::aws::{Aws, AwsOptions};
use crate::dump::{self, Counts};
use crate::error::AwsErrorKind;
use crate::{Status, describe, follow, profiles};

pub fn run(args: &FetchDumpArgs) -> i32 {
    match fetch(args) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn fetch(args: &FetchDumpArgs) -> Result<(), String> {
    let opts = AwsOptions {
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        profile: args.profile.clone(),
        ..AwsOptions::default()
    };
    let aws = connect(&opts, args.profile.as_deref())?;
    let me = aws.caller_identity().map_err(|e| describe(&e))?;
    let mut progress = Progress::new(!args.quiet && std::io::stderr().is_terminal(), &me.account);
    let mut counts = Counts::default();
    let pages = aws
        .authorization_details(|n, page| {
            counts = counts.plus(&Counts::of(std::slice::from_ref(page)));
            progress.show(n, &counts);
        })
        .map_err(|e| {
            progress.clear();
            let hint = if e.kind() == AwsErrorKind::AccessDenied {
                format!(
                    "; {} may not read the account: it needs iam:GetAccountAuthorizationDetails (in \
                     the SecurityAudit and ReadOnlyAccess managed policies)",
                    me.arn
                )
            } else {
                String::new()
            };
            format!("{}{hint}", describe(&e))
        })?;
    progress.clear();
    let text = dump::render(&pages);
    std::fs::write(&args.out, &text).map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    let line = serde_json::json!({
        "account": me.account,
        "arn": me.arn,
        "pages": pages.len(),
        "roles": counts.roles,
        "users": counts.users,
        "groups": counts.groups,
        "policies": counts.policies,
    });
    println!("{line}");
    Ok(())
}

/// `fetch-trust-policy`: the role's trust policy on standard output, for `simulate --role-arn`.
pub fn run_trust(args: &FetchTrustArgs) -> i32 {
    match trust(args) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn trust(args: &FetchTrustArgs) -> Result<String, String> {
    let opts = AwsOptions {
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        profile: args.profile.clone(),
        ..AwsOptions::default()
    };
    let aws = connect(&opts, args.profile.as_deref())?;
    let role = aws.get_role(&args.role_arn).map_err(|e| {
        let account = trustlint::aws::arn::principal_account(&args.role_arn);
        let other = match (aws.caller_identity(), account) {
            (Ok(me), Some(acct)) if me.account != acct => format!(
                "; the role is in account {acct} and these credentials are of account {}: IAM reads \
                 only its own account, so use --profile with credentials of {acct}",
                me.account
            ),
            _ => String::new(),
        };
        format!("{}{other}", describe(&e))
    })?;
    let mut text = role.trust_policy_json;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The caller's client: `--profile` through its `role_arn` chain (each hop sent to
/// `--endpoint-url`, as `verify` does), else the standard chain.
pub(crate) fn connect(opts: &AwsOptions, profile: Option<&str>) -> Result<Aws, String> {
    let chain = profile.map(profiles::resolve).transpose()?.flatten();
    let Some(chain) = chain else { return Aws::new(opts).map_err(|e| describe(&e)) };
    let mut failure = None;
    let aws = follow(&chain, opts, None, &mut |_, status, detail| {
        if status == Status::Failed {
            failure = Some(detail);
        }
    });
    aws.ok_or_else(|| failure.unwrap_or_else(|| "the profile chain could not be followed".into()))
}

/// One line on a terminal's standard error, rewritten after each page.
struct Progress<'a> {
    on: bool,
    account: &'a str,
    shown: bool,
}

impl<'a> Progress<'a> {
    fn new(on: bool, account: &'a str) -> Self {
        Progress { on, account, shown: false }
    }

    fn show(&mut self, page: usize, c: &Counts) {
        if !self.on {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kfetching account {}: page {page} ({} roles, {} users, {} groups, {} policies)",
            self.account, c.roles, c.users, c.groups, c.policies
        );
        let _ = err.flush();
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
            self.shown = false;
        }
    }
}
