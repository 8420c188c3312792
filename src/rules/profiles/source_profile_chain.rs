use crate::declare_rule;
use crate::model::Unit;
use crate::model::aws_config::{AwsProfiles, SectionKind};
use crate::rules::{Context, Rule, Sink, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Follows each profile's `source_profile` through the shared config and credentials files
    /// of one directory and reports a chain that comes back to a profile it already passed (a
    /// loop), or a `source_profile` that names no profile. A dangling name is reported only
    /// when a credentials file was read alongside the config file (otherwise the profile may
    /// live in a credentials file outside the tree; give it with `--aws-config`). A profile
    /// that names itself and has its own keys is not a loop: the SDKs use those keys.
    ///
    /// ## Why is this bad?
    /// The AWS CLI and SDKs stop with "Infinite loop in credential configuration" or "The
    /// source profile ... could not be found" the first time the profile is used.
    ///
    /// ## Example
    /// ```ini
    /// [profile a]
    /// role_arn = arn:aws:iam::111111111111:role/a
    /// source_profile = b
    ///
    /// [profile b]
    /// role_arn = arn:aws:iam::111111111111:role/b
    /// source_profile = a
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [profile a]
    /// role_arn = arn:aws:iam::111111111111:role/a
    /// source_profile = b
    ///
    /// [profile b]
    /// credential_source = Environment
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
    /// - https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
    pub struct SourceProfileChain {
        code: "TL601",
        name: "source-profile-chain",
        severity: Error,
        family: Profiles,
        summary: "a `source_profile` chain that loops, or a `source_profile` that names no profile",
    }
}

/// Does profile `name` hold its own long-term keys (so `source_profile = <itself>` ends there)?
fn has_keys(profiles: &AwsProfiles, name: &str) -> bool {
    profiles.setting(name, "aws_access_key_id").is_some()
}

fn source_of<'a>(profiles: &'a AwsProfiles, name: &str) -> Option<&'a str> {
    profiles.setting(name, "source_profile").and_then(|s| s.value.as_str()).filter(|s| !s.is_empty())
}

/// The chain from `start`, and whether it loops (the repeated name is the last element).
fn chain<'a>(profiles: &'a AwsProfiles, start: &'a str) -> (Vec<&'a str>, bool) {
    let mut path = vec![start];
    let mut at = start;
    while let Some(next) = source_of(profiles, at) {
        if next == at && has_keys(profiles, at) {
            break;
        }
        let looped = path.contains(&next);
        path.push(next);
        if looped {
            return (path, true);
        }
        at = next;
    }
    (path, false)
}

impl Rule for SourceProfileChain {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        let profiles = &unit.aws_profiles;
        let names = profiles.names();
        let credentials_read = profiles.sections.iter().any(|s| s.kind == SectionKind::Credentials);
        for name in &names {
            let Some(setting) = profiles.setting(name, "source_profile") else { continue };
            let Some(target) = setting.value.as_str() else { continue };
            if !names.contains(&target) {
                if credentials_read {
                    let f = out.emit(setting.value.span, format!("profile {name}: source_profile `{target}` names no profile in the config or credentials file"));
                    f.label("no such profile");
                    match did_you_mean(target, names.iter().copied()) {
                        Some(s) => f.help(format!("did you mean `{s}`?")),
                        None => f.help("define the profile, or name one that exists"),
                    };
                }
                continue;
            }
            let (path, looped) = chain(profiles, name);
            // Report a loop once, at the profile where it closes on itself.
            if looped && path.last() == Some(name) {
                out.emit(setting.value.span, format!("profile {name}: source_profile chain loops ({})", path.join(" -> ")))
                    .label("back to the start")
                    .help("end the chain at a profile with credentials: keys, credential_source, credential_process or SSO");
            }
        }
    }
}
