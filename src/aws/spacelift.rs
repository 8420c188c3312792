//! Spacelift's side of role assumption (docs/facts.md, "Spacelift"): which AWS account assumes
//! customer roles in each environment, the run phases, and the external id it sends.

use std::fmt;

/// Spacelift environment: decides which AWS account assumes customer roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpaceliftEnvironment {
    #[default]
    Eu,
    Us,
}

impl SpaceliftEnvironment {
    pub const ALL: [SpaceliftEnvironment; 2] = [SpaceliftEnvironment::Eu, SpaceliftEnvironment::Us];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.host() == s)
    }

    pub fn host(self) -> &'static str {
        match self {
            SpaceliftEnvironment::Eu => "spacelift.io",
            SpaceliftEnvironment::Us => "us.spacelift.io",
        }
    }

    /// The AWS account Spacelift assumes roles from in this environment.
    pub fn principal_account(self) -> &'static str {
        match self {
            SpaceliftEnvironment::Eu => SPACELIFT_EU_ACCOUNT,
            SpaceliftEnvironment::Us => SPACELIFT_US_ACCOUNT,
        }
    }

    /// The environment whose account is this one, if it is one of Spacelift's.
    pub fn of_account(account: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.principal_account() == account)
    }
}

pub const SPACELIFT_EU_ACCOUNT: &str = "324880187172";
pub const SPACELIFT_US_ACCOUNT: &str = "577638371743";

/// `spacelift_aws_integration.duration_seconds`: 900 (the default) to 3600.
pub const INTEGRATION_DURATION_MIN_SECS: u32 = 900;
pub const INTEGRATION_DURATION_MAX_SECS: u32 = 3_600;

/// Is this account one of Spacelift's, and which environment?
pub fn spacelift_environment_of(account: &str) -> Option<SpaceliftEnvironment> {
    SpaceliftEnvironment::of_account(account)
}

/// The phase an external id is issued for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Initialize and Plan, including proposed runs from pull requests.
    Read,
    /// Apply, task Perform, stack destructor Destroy.
    Write,
}

impl Phase {
    pub const ALL: [Phase; 2] = [Phase::Read, Phase::Write];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Read => "read",
            Phase::Write => "write",
        }
    }

    pub fn other(self) -> Phase {
        match self {
            Phase::Read => Phase::Write,
            Phase::Write => Phase::Read,
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The external id Spacelift sends: `<account>@<integration id>@<stack>@<read|write>`.
/// Each part is written as given, so callers may pass placeholders such as `<integration id>`.
pub fn external_id(account: &str, integration_id: &str, stack: &str, phase: impl fmt::Display) -> String {
    format!("{account}@{integration_id}@{stack}@{phase}")
}

/// A Spacelift account name as the default external-id grammar reads it: a lowercase letter or
/// digit, then lowercase letters, digits, `-` and `_`, 2 to 38 characters in all (docs/facts.md).
pub fn is_account_name(s: &str) -> bool {
    let ok = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (2..=38).contains(&s.len())
        && s.bytes().next().is_some_and(ok)
        && s.bytes().all(|c| ok(c) || c == b'-' || c == b'_')
}

/// A stack slug or module id as the default grammar reads it: lowercase letters, digits, `-`
/// and `_` (docs/facts.md: the exact set is unverified).
pub fn is_stack_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}
