//! `--profile NAME` through a chain of shared config profiles (`role_arn` + `source_profile`,
//! down to a profile with its own credentials or a `credential_source`), one `sts:AssumeRole`
//! per hop made here rather than inside the SDK, so every hop goes to `--endpoint-url`, asks
//! for its MFA code, and shows in the report.

use std::path::PathBuf;

use trustlint::model::aws_config::AwsProfiles;
use trustlint::source::SourceMap;

/// One `role_arn` hop of the chain, as its profile configures it.
#[derive(Debug, Clone)]
pub struct Hop {
    pub profile: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration_secs: Option<u32>,
    pub mfa_serial: Option<String>,
}

/// Where the first hop's credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// A profile without `role_arn` (keys, SSO, `credential_process`): the SDK reads it.
    Profile(String),
    /// `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`): the SDK's
    /// standard chain without a profile.
    CredentialSource(String),
}

#[derive(Debug, Clone)]
pub struct Chain {
    pub base: Base,
    /// From the base upward: the last hop is the profile named on the command line.
    pub hops: Vec<Hop>,
}

/// The shared config and credentials files the SDKs read (`AWS_CONFIG_FILE`,
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`).
fn files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let pick =
        |var: &str, default: &str| std::env::var_os(var).map(PathBuf::from).unwrap_or(home.join(default));
    vec![pick("AWS_CONFIG_FILE", ".aws/config"), pick("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")]
}

/// The profiles of the user's shared files (secret values masked: only chain settings are read).
fn load() -> AwsProfiles {
    let sources = SourceMap::new();
    let mut loaded = Vec::new();
    for path in files() {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let name = path.to_string_lossy().into_owned();
        loaded.push(sources.add(name, path, trustlint::input::aws_config::redact(&text)));
    }
    let flags = vec![false; loaded.len()];
    trustlint::input::aws_config::parse_files("aws config", &loaded, &flags).aws_profiles
}

/// The chain of `name`, or `None` when the profile assumes no role (the SDK's own profile
/// handling is then all there is to it).
pub fn resolve(name: &str) -> Result<Option<Chain>, String> {
    resolve_in(&load(), name)
}

pub fn resolve_in(profiles: &AwsProfiles, name: &str) -> Result<Option<Chain>, String> {
    let get = |p: &str, key: &str| profiles.setting(p, key).and_then(|s| s.value.as_str()).map(String::from);
    let mut hops = Vec::new();
    let mut cur = name.to_string();
    let base = loop {
        let Some(role_arn) = get(&cur, "role_arn") else { break Base::Profile(cur) };
        if hops.iter().any(|h: &Hop| h.profile == cur) {
            return Err(format!("profile {name}: source_profile chain loops back to profile {cur}"));
        }
        let duration_secs = match get(&cur, "duration_seconds") {
            Some(d) => Some(
                d.parse().map_err(|_| format!("profile {cur}: duration_seconds `{d}` is not a number"))?,
            ),
            None => None,
        };
        hops.push(Hop {
            profile: cur.clone(),
            role_arn,
            external_id: get(&cur, "external_id"),
            session_name: get(&cur, "role_session_name"),
            duration_secs,
            mfa_serial: get(&cur, "mfa_serial"),
        });
        match (get(&cur, "source_profile"), get(&cur, "credential_source")) {
            // A profile that names itself uses its own keys for its role.
            (Some(src), _) if src == cur => break Base::Profile(cur),
            (Some(src), _) => cur = src,
            (None, Some(source)) => break Base::CredentialSource(source),
            (None, None) => {
                return Err(format!(
                    "profile {cur} has role_arn but neither source_profile nor credential_source"
                ));
            }
        }
    };
    if hops.is_empty() {
        return Ok(None);
    }
    hops.reverse();
    Ok(Some(Chain { base, hops }))
}

/// The MFA code for `serial`: `--mfa-token`, else asked for on the terminal.
pub fn mfa_code(serial: &str, given: Option<&str>) -> Result<String, String> {
    use std::io::{BufRead, IsTerminal, Write};
    if let Some(code) = given {
        return Ok(code.to_string());
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!("the profile chain needs an MFA code for {serial}: pass --mfa-token CODE"));
    }
    eprint!("MFA code for {serial}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the MFA code: {e}"))?;
    Ok(line.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustlint::source::SourceMap;

    fn profiles(text: &str) -> AwsProfiles {
        let sources = SourceMap::new();
        let src = sources.add("config".into(), PathBuf::from("config"), text.into());
        trustlint::input::aws_config::parse_files("t", &[src], &[false]).aws_profiles
    }

    #[test]
    fn two_hops_down_to_a_key_profile() {
        let p = profiles(
            "[profile base]\nregion = us-east-1\n\n[profile hub]\nrole_arn = arn:aws:iam::111111111111:role/hub\nsource_profile = base\n\n[profile app]\nrole_arn = arn:aws:iam::222222222222:role/app\nsource_profile = hub\nexternal_id = x-1\nmfa_serial = arn:aws:iam::111111111111:mfa/me\nduration_seconds = 1800\n",
        );
        let chain = resolve_in(&p, "app").expect("resolves").expect("a chain");
        assert_eq!(chain.base, Base::Profile("base".into()));
        let arns: Vec<&str> = chain.hops.iter().map(|h| h.role_arn.as_str()).collect();
        assert_eq!(arns, ["arn:aws:iam::111111111111:role/hub", "arn:aws:iam::222222222222:role/app"]);
        assert_eq!(chain.hops[1].external_id.as_deref(), Some("x-1"));
        assert_eq!(chain.hops[1].duration_secs, Some(1800));
        assert!(chain.hops[1].mfa_serial.is_some() && chain.hops[0].mfa_serial.is_none());
        assert!(resolve_in(&p, "base").expect("resolves").is_none());
    }

    #[test]
    fn loops_and_missing_sources_are_errors() {
        let p = profiles(
            "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/b\nsource_profile = a\n\n[profile c]\nrole_arn = arn:aws:iam::111111111111:role/c\n",
        );
        assert!(resolve_in(&p, "a").unwrap_err().contains("loops"));
        assert!(resolve_in(&p, "c").unwrap_err().contains("neither source_profile nor credential_source"));
        let env = profiles(
            "[profile e]\nrole_arn = arn:aws:iam::111111111111:role/e\ncredential_source = Environment\n",
        );
        let chain = resolve_in(&env, "e").expect("resolves").expect("chain");
        assert_eq!(chain.base, Base::CredentialSource("Environment".into()));
    }
}
