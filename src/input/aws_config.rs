//! AWS shared config and credentials files: an INI dialect read line by line, every key and value
//! spanned. Secrets are redacted in the text before it is stored, so no output can show them.

use std::sync::Arc;

use crate::model::aws_config::{ProfileSection, SectionKind, Setting};
use crate::model::terraform::{AssumeOrigin, AssumeRoleConfig};
use crate::model::{ParseFailure, Unit, Value};
use crate::source::{Source, Span};

/// Keys whose values are secret: the whole value is masked.
const SECRET_KEYS: &[&str] = &["aws_secret_access_key", "aws_session_token", "aws_security_token"];
/// The access key id: its first four characters say what it is (`AKIA` long-term, `ASIA` temporary).
const KEY_ID: &str = "aws_access_key_id";
const KEY_ID_SHOWN: usize = 4;
/// Keys that make a section of unknown name a profile of a credentials file.
const PROFILE_KEYS: &[&str] = &[
    KEY_ID,
    "aws_secret_access_key",
    "aws_session_token",
    "credential_process",
    "role_arn",
    "source_profile",
    "credential_source",
];

/// Is this text an AWS shared config or credentials file? Decided by its section headers.
pub fn looks_like_aws_config(text: &str) -> bool {
    let mut header = false;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            if name == "default"
                || ["profile ", "sso-session ", "services "].iter().any(|p| name.starts_with(p))
            {
                return true;
            }
            header = true;
        } else if header
            && key_of(line).is_some_and(|k| PROFILE_KEYS.iter().any(|p| k.eq_ignore_ascii_case(p)))
        {
            // A credentials file with named profiles only.
            return true;
        }
    }
    false
}

fn key_of(line: &str) -> Option<&str> {
    line.split_once('=').map(|(k, _)| k.trim())
}

/// The text with every secret value masked byte for byte (spans stay valid).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let Some((key, value)) = line.split_once('=') else {
            out.push_str(line);
            continue;
        };
        let k = key.trim().to_ascii_lowercase();
        let keep = if SECRET_KEYS.contains(&k.as_str()) {
            0
        } else if k == KEY_ID {
            KEY_ID_SHOWN
        } else {
            out.push_str(line);
            continue;
        };
        out.push_str(key);
        out.push('=');
        let mut kept = 0;
        for c in value.chars() {
            if c.is_whitespace() {
                out.push(c);
            } else if kept < keep {
                out.push(c);
                kept += 1;
            } else {
                out.extend(std::iter::repeat_n('*', c.len_utf8()));
            }
        }
    }
    out
}

/// Which dialect a file is written in: credentials files name profiles without `profile `.
pub fn is_credentials_file(source: &Source) -> bool {
    source.path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n == "credentials")
}

/// Reads the config and credentials files of one directory into one unit.
pub fn parse_files(name: &str, sources: &[Arc<Source>], in_tree: &[bool]) -> Unit {
    let mut unit = Unit { name: name.to_string(), ..Unit::default() };
    for (i, source) in sources.iter().enumerate() {
        unit.sources.push(source.id);
        parse_source(source, in_tree.get(i).copied().unwrap_or(true), &mut unit);
    }
    unit.assume_roles = assume_roles(&unit);
    unit
}

/// A line's trimmed text and its byte range in the source.
fn trimmed(line: &str, start: usize) -> (&str, usize) {
    let body = line.trim_end_matches(['\n', '\r']);
    let lead = body.len() - body.trim_start().len();
    (body.trim(), start + lead)
}

fn parse_source(source: &Source, in_tree: bool, unit: &mut Unit) {
    let credentials = is_credentials_file(source);
    let mut current: Option<ProfileSection> = None;
    let mut skipping = false;
    let mut offset = 0;
    for raw in source.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let (line, at) = trimmed(raw, start);
        let span = Span::new(source.id, at, at + line.len());
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if raw.starts_with([' ', '\t']) && current.as_ref().is_some_and(|c| c.settings.last().is_some()) {
            // A nested setting (`s3 =` followed by indented lines) belongs to the key above it.
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            if let Some(done) = current.take() {
                unit.aws_profiles.sections.push(done);
            }
            let Some(inner) = inner.strip_suffix(']') else {
                fail(unit, span, "a section header must end with `]`");
                skipping = true;
                continue;
            };
            skipping = false;
            current = section(inner.trim(), credentials, span, in_tree);
            if current.is_none() {
                // `[plugins]`, `[preview]` and other sections trustlint does not read.
                skipping = true;
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            fail(unit, span, &format!("`{line}` is neither a `[section]` nor a `key = value` line"));
            continue;
        };
        if skipping {
            continue;
        }
        let Some(sec) = current.as_mut() else {
            fail(unit, span, "a setting before the first `[section]` header");
            continue;
        };
        sec.settings.push(setting(source, key, value, at));
    }
    if let Some(done) = current.take() {
        unit.aws_profiles.sections.push(done);
    }
}

fn fail(unit: &mut Unit, span: Span, message: &str) {
    unit.parse_failures.push(ParseFailure { span, message: message.to_string(), what: "AWS config" });
}

fn section(inner: &str, credentials: bool, span: Span, in_tree: bool) -> Option<ProfileSection> {
    let (kind, name) = if credentials {
        (SectionKind::Credentials, inner)
    } else if inner == "default" {
        (SectionKind::Profile, inner)
    } else if let Some(n) = inner.strip_prefix("profile ") {
        (SectionKind::Profile, n.trim())
    } else if let Some(n) = inner.strip_prefix("sso-session ") {
        (SectionKind::SsoSession, n.trim())
    } else if let Some(n) = inner.strip_prefix("services ") {
        (SectionKind::Services, n.trim())
    } else {
        return None;
    };
    Some(ProfileSection { kind, name: name.to_string(), span, settings: Vec::new(), in_tree })
}

/// `key = value` at byte `at` of `source`; an inline ` #` or ` ;` starts a comment.
fn setting(source: &Source, key: &str, value: &str, at: usize) -> Setting {
    let key_trim = key.trim();
    let key_at = at + (key.len() - key.trim_start().len());
    let value_at = at + key.len() + 1;
    let cut = [" #", " ;", "\t#", "\t;"].iter().filter_map(|m| value.find(m)).min().unwrap_or(value.len());
    let v = &value[..cut];
    let v_start = value_at + (v.len() - v.trim_start().len());
    let v_text = v.trim();
    Setting {
        key: key_trim.to_ascii_lowercase(),
        key_span: Span::new(source.id, key_at, key_at + key_trim.len()),
        value: Value::known(v_text, Span::new(source.id, v_start, v_start + v_text.len())),
    }
}

/// Every profile that assumes a role, as the assume-role settings TL007/TL205/TL401/TL402 check.
fn assume_roles(unit: &Unit) -> Vec<AssumeRoleConfig> {
    let profiles = &unit.aws_profiles;
    let mut out = Vec::new();
    for name in profiles.names() {
        let Some(role_arn) = profiles.setting(name, "role_arn") else { continue };
        let span = profiles.profile(name).next().map(|s| s.span).unwrap_or(role_arn.key_span);
        let chained = profiles
            .setting(name, "source_profile")
            .and_then(|s| s.value.as_str())
            .is_some_and(|src| src != name && profiles.assumes_role(src));
        let value = |key: &str| profiles.setting(name, key).map(|s| s.value.clone());
        let duration = value("duration_seconds").map(|v| match v.as_str() {
            // STS takes seconds; the Go duration form is what TL401 reads.
            Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                Value::known(format!("{t}s"), v.span)
            }
            _ => v,
        });
        out.push(AssumeRoleConfig {
            origin: AssumeOrigin::Profile { name: name.to_string(), chained },
            span,
            role_arn: Some(role_arn.value.clone()),
            external_id: value("external_id"),
            session_name: value("role_session_name"),
            source_identity: None,
            duration,
            policy_arns: Vec::new(),
            tags: None,
            transitive_tag_keys: Vec::new(),
            policy: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn src(name: &str, text: &str) -> Arc<Source> {
        Arc::new(Source::new(SourceId(0), name.into(), name.into(), redact(text)))
    }

    #[test]
    fn redacts_secrets_keeping_spans() {
        let text = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG\n";
        let r = redact(text);
        assert_eq!(r.len(), text.len());
        assert!(r.contains("aws_access_key_id = AKIA****************\n"), "{r}");
        assert!(!r.contains("wJal") && !r.contains("IOSF"), "{r}");
    }

    #[test]
    fn reads_profiles_with_spans_and_nested_settings() {
        let text = "# c\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev ; note\ns3 =\n  max_concurrent_requests = 2\nsource_profile = base\n[plugins]\nx = y\n";
        let s = src("config", text);
        let unit = parse_files("config", std::slice::from_ref(&s), &[true]);
        assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
        let p = &unit.aws_profiles.sections[0];
        assert_eq!((p.kind, p.name.as_str()), (SectionKind::Profile, "dev"));
        let keys: Vec<&str> = p.settings.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["role_arn", "s3", "source_profile"]);
        let arn = p.get("role_arn").unwrap();
        assert_eq!(s.slice(arn.value.span), "arn:aws:iam::123456789012:role/dev");
        assert_eq!(unit.aws_profiles.sections.len(), 1, "[plugins] is not read");
        assert_eq!(unit.assume_roles.len(), 1);
    }

    #[test]
    fn bad_lines_are_parse_failures_and_reading_goes_on() {
        let s = src("x.aws-config", "oops = 1\n[profile a\n[profile b]\nnot a setting\nregion = eu-west-1\n");
        let unit = parse_files("x", &[s], &[true]);
        assert_eq!(unit.parse_failures.len(), 3, "{:?}", unit.parse_failures);
        assert_eq!(
            unit.aws_profiles.setting("b", "region").and_then(|s| s.value.as_str()),
            Some("eu-west-1")
        );
    }

    #[test]
    fn detection_by_content() {
        assert!(looks_like_aws_config("[profile x]\nregion = us-east-1\n"));
        assert!(looks_like_aws_config("[ci]\naws_access_key_id = AKIA...\n"));
        assert!(looks_like_aws_config("[base]\ncredential_process = corp-creds\n"));
        assert!(!looks_like_aws_config("[core]\n\tbare = false\n"));
    }
}
