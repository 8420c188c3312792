use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports long-term credentials in an AWS shared config or credentials file inside the
    /// scanned tree: an `aws_access_key_id` of an IAM user (`AKIA...`) or an
    /// `aws_secret_access_key` (unless the key id is a temporary `ASIA...` one). Files given with `--aws-config` (your own `~/.aws`) are read
    /// for their profiles and not reported. trustlint masks the values when it reads the
    /// file, so no output (message, code frame, JSON, SARIF) shows more than the key id's
    /// first four characters.
    ///
    /// ## Why is this bad?
    /// A committed key is in every clone, fork and CI cache; it does not expire, and whoever
    /// reads it acts as that IAM user. Deactivate and rotate it, then remove the file from
    /// the history.
    ///
    /// ## Example
    /// ```ini
    /// [default]
    /// aws_access_key_id = AKIAIOSFODNN7EXAMPLE
    /// aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [profile dev]
    /// sso_session = corp
    /// sso_account_id = 123456789012
    /// sso_role_name = Developer
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console
    pub struct LongTermKeysInTree {
        code: "TL605",
        name: "long-term-keys-in-tree",
        severity: Error,
        family: Profiles,
        summary: "an IAM user's access key or secret key in a shared config/credentials file in the tree",
    }
}

impl Rule for LongTermKeysInTree {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for section in unit.aws_profiles.sections.iter().filter(|s| s.in_tree && s.is_profile()) {
            let key_id = section.get("aws_access_key_id").and_then(|s| s.value.as_str());
            // The reader kept only the first four characters of the key id.
            let prefix: String = key_id.unwrap_or_default().chars().take(4).collect();
            if prefix == "AKIA"
                && let Some(s) = section.get("aws_access_key_id")
            {
                out.emit(s.key_span, format!("profile {}: long-term access key `AKIA…` in a file in the tree", section.name))
                    .label("IAM user access key")
                    .help("deactivate and rotate the key, remove the file from the repository and its history, and use roles (SSO, credential_process, OIDC) instead");
            }
            // `ASIA` keys are temporary (they expire with their session token).
            let secret = section
                .get("aws_secret_access_key")
                .filter(|s| s.value.as_str().is_some_and(|v| !v.is_empty()));
            if let Some(s) = secret.filter(|_| prefix != "ASIA") {
                let id = if prefix.is_empty() { String::new() } else { format!(" of `{prefix}…`") };
                out.emit(
                    s.key_span,
                    format!("profile {}: secret access key{id} in a file in the tree", section.name),
                )
                .label("secret redacted")
                .help("rotate the key now: anyone with the repository can use it");
            }
        }
    }
}
