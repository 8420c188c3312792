//! What STS accepts in `AssumeRole` parameters (docs/facts.md, "STS limits").

/// External ids: 2 to 1224 characters of `[\w+=,.@:/-]`.
pub const EXTERNAL_ID_MIN_LEN: usize = 2;
pub const EXTERNAL_ID_MAX_LEN: usize = 1224;
pub const EXTERNAL_ID_EXTRA_CHARS: &str = "_+=,.@:/-";

/// Role session names and source identities: 2 to 64 characters of `[\w+=,.@-]`.
pub const SESSION_NAME_MIN_LEN: usize = 2;
pub const SESSION_NAME_MAX_LEN: usize = 64;
pub const SESSION_NAME_EXTRA_CHARS: &str = "_+=,.@-";

/// `DurationSeconds`: 900 s up to the role's maximum session duration (at most 12 hours); one hour
/// at most when the caller is itself an assumed-role session (role chaining).
pub const DURATION_MIN_SECS: u32 = 900;
pub const DURATION_MAX_SECS: u32 = 43_200;
pub const CHAINED_DURATION_MAX_SECS: u32 = 3_600;
pub const DEFAULT_DURATION_SECS: u32 = 3_600;
/// A role's `MaxSessionDuration` when none is set (Terraform's `max_session_duration` default).
pub const DEFAULT_MAX_SESSION_SECS: u32 = 3_600;

/// Why STS would reject this external id, if it would.
pub fn external_id_problem(id: &str) -> Option<String> {
    let n = id.chars().count();
    if n < EXTERNAL_ID_MIN_LEN {
        return Some(format!("it has {n} character{}; STS needs at least 2", if n == 1 { "" } else { "s" }));
    }
    if n > EXTERNAL_ID_MAX_LEN {
        return Some(format!("it has {n} characters; STS accepts at most {EXTERNAL_ID_MAX_LEN}"));
    }
    // Each offending character once, as the user would write it (not Rust's escaped string).
    let mut bad: Vec<char> = Vec::new();
    for c in id.chars().filter(|c| !(c.is_ascii_alphanumeric() || EXTERNAL_ID_EXTRA_CHARS.contains(*c))) {
        if !bad.contains(&c) && bad.len() < 3 {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let shown: Vec<String> = bad
            .iter()
            .map(|c| match c {
                ' ' => "a space".to_string(),
                c if c.is_whitespace() || c.is_control() => format!("U+{:04X}", *c as u32),
                c => format!("`{c}`"),
            })
            .collect();
        return Some(format!(
            "it contains {}; STS accepts only letters, digits and {EXTERNAL_ID_EXTRA_CHARS}",
            shown.join(", ")
        ));
    }
    None
}

/// Why STS would reject this `RoleSessionName`, if it would.
pub fn session_name_problem(text: &str) -> Option<String> {
    name_problem(text, false)
}

/// Why STS would reject this `SourceIdentity` (a session name that may not start with `aws:`).
pub fn source_identity_problem(text: &str) -> Option<String> {
    name_problem(text, true)
}

fn name_problem(text: &str, source_identity: bool) -> Option<String> {
    let n = text.chars().count();
    if !(SESSION_NAME_MIN_LEN..=SESSION_NAME_MAX_LEN).contains(&n) {
        return Some(format!(
            "is {n} characters long ({SESSION_NAME_MIN_LEN} to {SESSION_NAME_MAX_LEN} allowed)"
        ));
    }
    if let Some(c) = text.chars().find(|c| !(c.is_alphanumeric() || SESSION_NAME_EXTRA_CHARS.contains(*c))) {
        return Some(format!("contains `{c}` (allowed: letters, digits and `{SESSION_NAME_EXTRA_CHARS}`)"));
    }
    if source_identity && text.to_ascii_lowercase().starts_with("aws:") {
        return Some("starts with the reserved prefix `aws:`".into());
    }
    None
}

/// Why STS would reject this duration, given whether the caller is an assumed-role session.
pub fn duration_problem(secs: f64, chained: bool) -> Option<String> {
    if !(f64::from(DURATION_MIN_SECS)..=f64::from(DURATION_MAX_SECS)).contains(&secs) {
        return Some(format!("STS accepts {DURATION_MIN_SECS} to {DURATION_MAX_SECS} seconds"));
    }
    if chained && secs > f64::from(CHAINED_DURATION_MAX_SECS) {
        return Some(format!("role chaining caps sessions at {CHAINED_DURATION_MAX_SECS} seconds"));
    }
    None
}
