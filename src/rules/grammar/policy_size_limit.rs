use crate::declare_rule;
use crate::model::{Policy, PolicyKind, PolicyQuota, Unit};
use crate::rules::{Context, Rule, Severity, Sink, opening};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Counts the policy's non-whitespace characters against its IAM quota: a role trust
    /// policy warns above 2048 (the default quota) and errors above 4096 (the raised maximum);
    /// a managed policy errors above 6144; an inline policy above 10240. It also reports
    /// characters IAM rejects (anything but tab, line feed, carriage return and U+0020..U+00FF).
    ///
    /// ## Why is this bad?
    /// `LimitExceeded` or `MalformedPolicyDocument` at apply time: the deploy fails after
    /// review, usually when one more account or stack was added to a long trust policy.
    ///
    /// ## Example
    /// A trust policy listing 60 external ids one by one.
    ///
    /// ## Use instead
    /// A `StringLike` pattern such as `acme@*@stack-a@*`, or split the roles.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    pub struct PolicySizeLimit {
        code: "TL009",
        name: "policy-size-limit",
        severity: Error,
        family: Grammar,
        summary: "the policy exceeds its IAM size quota or holds characters IAM rejects",
    }
}

impl Rule for PolicySizeLimit {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        let Some(text) = &policy.text else { return };
        let (size, rejected) = measure(text);
        let quota = match policy.quota {
            PolicyQuota::Unspecified if policy.kind == PolicyKind::Trust => PolicyQuota::Trust,
            PolicyQuota::Unspecified if policy.kind == PolicyKind::Resource => PolicyQuota::Resource,
            PolicyQuota::Unspecified if policy.kind == PolicyKind::ServiceControl => {
                PolicyQuota::ServiceControl
            }
            PolicyQuota::Unspecified => PolicyQuota::Managed,
            q => q,
        };
        let limit = match quota {
            PolicyQuota::Trust if size > 4096 => {
                Some((4096, Severity::Error, "role trust policies (maximum quota)"))
            }
            PolicyQuota::Trust if size > 2048 => {
                Some((2048, Severity::Warning, "role trust policies (default quota)"))
            }
            PolicyQuota::Managed if size > 6144 => Some((6144, Severity::Error, "managed policies")),
            PolicyQuota::Inline if size > 10240 => Some((10240, Severity::Error, "a role's inline policies")),
            PolicyQuota::ServiceControl if size > 5120 => {
                Some((5120, Severity::Error, "service control policies"))
            }
            _ => None,
        };
        if let Some((limit, severity, what)) = limit {
            out.emit(
                opening(policy.span),
                format!("policy has {size} non-whitespace characters; the limit for {what} is {limit}"),
            )
            .severity(severity)
            .label("this policy")
            .help("shorten it: merge statements, use wildcard patterns, or split it");
        }
        // Offsets are only meaningful when the text is exactly the source slice.
        let base = policy.span.start;
        let exact = policy.span.end.saturating_sub(base) == text.len();
        if let Some((i, c)) = rejected {
            let span = if exact {
                Span::new(policy.span.src, base + i, base + i + c.len_utf8())
            } else {
                opening(policy.span)
            };
            out.emit(span, format!("character {:?} (U+{:04X}) is not allowed in a policy", c, c as u32))
                .help("IAM accepts only tab, newline, carriage return and U+0020..U+00FF; use a \\u escape or plain ASCII");
        }
    }
}

/// What one pass over an ASCII text finds.
struct AsciiScan {
    /// Whitespace as `char::is_whitespace` defines it (which includes VT and FF, unlike
    /// `u8::is_ascii_whitespace`).
    spaces: usize,
    /// A control character IAM rejects (below U+0020, other than tab, LF and CR).
    rejected: bool,
}

/// One pass over the bytes, in fixed-size chunks the compiler vectorises; `None` for text
/// that is not ASCII (the caller then decodes characters). Policies are nearly always ASCII.
fn scan_ascii(text: &str) -> Option<AsciiScan> {
    let mut scan = AsciiScan { spaces: 0, rejected: false };
    let mut non_ascii = 0u8;
    for chunk in text.as_bytes().chunks(128) {
        let (mut spaces, mut rejected) = (0u8, 0u8);
        for &b in chunk {
            spaces += u8::from(b == b' ' || b.wrapping_sub(b'\t') < 5);
            rejected |= u8::from(b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r');
            non_ascii |= b & 0x80;
        }
        scan.spaces += usize::from(spaces);
        scan.rejected |= rejected != 0;
    }
    (non_ascii == 0).then_some(scan)
}

/// The characters that are not whitespace (as IAM counts them), and the first character IAM
/// rejects (anything but tab, LF, CR and U+0020..U+00FF) with its byte offset.
fn measure(text: &str) -> (usize, Option<(usize, char)>) {
    let first_rejected = || {
        text.char_indices()
            .find(|&(_, c)| !(matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(&c)))
    };
    match scan_ascii(text) {
        Some(AsciiScan { spaces, rejected: false }) => (text.len() - spaces, None),
        Some(AsciiScan { spaces, rejected: true }) => (text.len() - spaces, first_rejected()),
        None => (text.chars().filter(|c| !c.is_whitespace()).count(), first_rejected()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_agrees_with_the_char_definition() {
        let cases = [
            "",
            " {\"a\": 1}\n",
            "a\u{b}b\u{c}c\rd\te",
            "x\u{1}y",
            "ok\u{7f}",
            "é\u{85} \u{a0}x\u{2028}\u{100}",
        ];
        for text in cases {
            let slow = text.chars().filter(|c| !c.is_whitespace()).count();
            let rejected = text
                .char_indices()
                .find(|&(_, c)| !(matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(&c)));
            assert_eq!(measure(text), (slow, rejected), "{text:?}");
        }
        assert_eq!(measure("ab\u{b}").1, Some((2, '\u{b}')));
        assert_eq!(measure("é\u{100}").1, Some((2, '\u{100}')));
        // Longer than one chunk, with the rejected character in a later one.
        let long = format!("{}\u{1f}", " x".repeat(200));
        assert_eq!(measure(&long), (201, Some((400, '\u{1f}'))));
    }
}
