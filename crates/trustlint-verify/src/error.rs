//! [`AwsError`]: why an AWS call failed, as one struct with a [`AwsErrorKind`].
//!
//! Every error is built by [`AwsError::new`], which takes the secret values of the call (empty
//! for calls made with the caller's own credentials) and cleans every text field: secrets are
//! replaced, control characters removed, and server-supplied text capped in size. There is no
//! other constructor, so no error can skip the cleaning.

use std::fmt;

/// Coarse kind of an [`AwsError`], for matching and exit-status decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsErrorKind {
    AccessDenied,
    Throttled,
    Connect,
    Timeout,
    Network,
    MalformedResponse,
    NoCredentials,
    Config,
    Other,
}

/// Longest message or detail kept, in characters; the rest is cut with a note saying how much.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Raw bytes looked at before cleaning: enough that a secret straddling the first cut cannot
/// survive the second one, little enough that a 100 MB server message costs nothing.
const RAW_WINDOW: usize = MAX_TEXT_CHARS * 4 + 64 * 1024;

/// Why an AWS call failed. Messages name the operation (e.g. `sts:AssumeRole`) and, for transport
/// errors, the endpoint; they never contain credential values.
#[derive(Debug, Clone)]
pub struct AwsError {
    kind: AwsErrorKind,
    operation: &'static str,
    code: Option<String>,
    endpoint: Option<String>,
    message: String,
}

/// The raw parts of an error, before cleaning.
#[derive(Debug, Default)]
pub struct Parts {
    pub code: Option<String>,
    pub endpoint: Option<String>,
    pub message: String,
}

impl Parts {
    /// A service error: an error code and the server's message.
    pub fn service(code: impl Into<String>, message: impl Into<String>) -> Parts {
        Parts { code: Some(code.into()), endpoint: None, message: message.into() }
    }

    /// A transport or response error: the endpoint and what went wrong.
    pub fn transport(endpoint: impl Into<String>, detail: impl Into<String>) -> Parts {
        Parts { code: None, endpoint: Some(endpoint.into()), message: detail.into() }
    }

    /// Only a message (missing credentials, configuration).
    pub fn message(message: impl Into<String>) -> Parts {
        Parts { message: message.into(), ..Parts::default() }
    }
}

impl AwsError {
    /// The one constructor: `secrets` are the credential values of the call, replaced wherever
    /// they appear in the text.
    pub fn new(kind: AwsErrorKind, operation: &'static str, parts: Parts, secrets: &[&str]) -> AwsError {
        let clean = |t: String| clean_text(&t, secrets);
        AwsError {
            kind,
            operation,
            code: parts.code.map(clean),
            endpoint: parts.endpoint.map(clean),
            message: clean(parts.message),
        }
    }

    /// An invalid configuration (no call was made, so no secret can be in it).
    pub fn config(message: impl Into<String>) -> AwsError {
        AwsError::new(AwsErrorKind::Config, "", Parts::message(message), &[])
    }

    pub fn kind(&self) -> AwsErrorKind {
        self.kind
    }

    /// The service error code (`AccessDenied`, `Throttling`, `NoSuchEntity`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The operation that failed (`sts:AssumeRole`); empty for configuration errors.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.operation;
        let code = self.code.as_deref().unwrap_or("no code");
        let endpoint = self.endpoint.as_deref().unwrap_or("the endpoint");
        let m = &self.message;
        match self.kind {
            AwsErrorKind::AccessDenied => write!(f, "{op} was denied ({code}): {m}"),
            AwsErrorKind::Throttled => {
                write!(f, "{op} was throttled by AWS ({code}) and retries were exhausted: {m}")
            }
            AwsErrorKind::Connect => write!(f, "{op}: could not connect to {endpoint}: {m}"),
            AwsErrorKind::Timeout => write!(f, "{op}: timed out waiting for {endpoint}: {m}"),
            AwsErrorKind::Network => write!(f, "{op}: network error talking to {endpoint}: {m}"),
            AwsErrorKind::MalformedResponse => write!(f, "{op}: malformed response from {endpoint}: {m}"),
            AwsErrorKind::NoCredentials => write!(
                f,
                "{op}: no AWS credentials found ({m}); configure the standard chain \
                 (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO login, or an \
                 instance/container role)"
            ),
            AwsErrorKind::Config => write!(f, "invalid AWS configuration: {m}"),
            AwsErrorKind::Other => write!(f, "{op} failed ({code}): {m}"),
        }
    }
}

impl std::error::Error for AwsError {}

/// Secrets replaced, control characters dropped (line breaks and tabs become spaces), and the
/// text cut to [`MAX_TEXT_CHARS`]. Secrets are replaced after the control characters are gone,
/// so a server cannot smuggle one through by splitting it with invisible characters.
pub fn clean_text(text: &str, secrets: &[&str]) -> String {
    let total = text.len();
    let mut end = total.min(RAW_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let visible: String = text[..end]
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let scrubbed = secrets.iter().filter(|s| !s.is_empty()).fold(visible, |t, s| t.replace(s, "<redacted>"));
    if scrubbed.chars().count() <= MAX_TEXT_CHARS && end == total {
        return scrubbed;
    }
    let kept: String = scrubbed.chars().take(MAX_TEXT_CHARS).collect();
    format!("{kept}... [cut: the server sent {total} bytes]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_even_when_split_by_control_characters() {
        let e = AwsError::new(
            AwsErrorKind::Other,
            "sts:GetCallerIdentity",
            Parts::service("X", "echo s3cr3t-value and s3cr\u{1}3t-value"),
            &["s3cr3t-value"],
        );
        let text = e.to_string();
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert_eq!(text, "sts:GetCallerIdentity failed (X): echo <redacted> and <redacted>");
    }

    #[test]
    fn long_text_is_cut_and_control_characters_go() {
        let long = format!("\u{1b}[31mred\nline{}", "x".repeat(5_000_000));
        let out = clean_text(&long, &[]);
        assert!(out.starts_with("[31mred line"), "{}", &out[..20]);
        assert!(out.chars().count() < MAX_TEXT_CHARS + 60, "{}", out.len());
        assert!(out.ends_with("[cut: the server sent 5000013 bytes]"), "{}", &out[out.len() - 50..]);
        assert_eq!(clean_text("short", &[]), "short");
    }
}
