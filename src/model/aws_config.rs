//! AWS shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`): profiles as
//! plain spanned data.

use crate::model::Value;
use crate::source::Span;

/// Which file a section came from, and which kind of section it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// `[default]` or `[profile name]` in a config file.
    Profile,
    /// `[name]` in a credentials file.
    Credentials,
    /// `[sso-session name]`.
    SsoSession,
    /// `[services name]`.
    Services,
}

/// One `key = value` line. Values of secrets are redacted before they reach the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// Lower-cased, as the SDKs compare keys.
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

/// One section of a config or credentials file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSection {
    pub kind: SectionKind,
    /// The profile (or session, or services) name; `default` for `[default]`.
    pub name: String,
    /// The `[...]` header.
    pub span: Span,
    pub settings: Vec<Setting>,
    /// Found in the scanned tree (not given with `--aws-config`): keys here are committed.
    pub in_tree: bool,
}

impl ProfileSection {
    /// The last value of `key` (a later line overrides an earlier one, as in the SDKs).
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().rev().find(|s| s.key == key)
    }

    pub fn is_profile(&self) -> bool {
        matches!(self.kind, SectionKind::Profile | SectionKind::Credentials)
    }
}

/// The profiles of one directory's config and credentials files, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsProfiles {
    pub sections: Vec<ProfileSection>,
}

impl AwsProfiles {
    /// Every section (config and credentials) that defines profile `name`.
    pub fn profile<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ProfileSection> + 'a {
        self.sections.iter().filter(move |s| s.is_profile() && s.name == name)
    }

    /// The last value of `key` over every section of profile `name`.
    pub fn setting(&self, name: &str, key: &str) -> Option<&Setting> {
        self.sections.iter().rev().filter(|s| s.is_profile() && s.name == name).find_map(|s| s.get(key))
    }

    /// Names of the profiles, each once, in order of first definition.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.sections.iter().filter(|s| s.is_profile()) {
            if !out.contains(&s.name.as_str()) {
                out.push(&s.name);
            }
        }
        out
    }

    /// Does profile `name` get its credentials by assuming a role?
    pub fn assumes_role(&self, name: &str) -> bool {
        self.setting(name, "role_arn").is_some()
    }
}
