//! What a run produces: findings and their severities. Below both `config` (which overrides
//! severities) and `rules` (which emit findings), so neither imports the other for them.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem found by a rule, before it is resolved to lines and columns. A run may hold
/// 600,000 of them until they are sorted, so the rarely set parts are boxed and the repeated
/// texts shared (112 bytes each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: Text,
    pub help: Option<Text>,
    /// Text of the primary label in code frames.
    pub label: Option<Text>,
    /// Context such as the enclosing statement (one pointer wide when empty, as it mostly is).
    pub secondary: thin_vec::ThinVec<(Span, String)>,
    pub subject: Option<Text>,
    /// The text edits that correct it, when the right text is certain.
    pub fix: Option<Box<Fix>>,
}

/// A finding's message or help: shared text, so the same words in many findings (a help
/// sentence, an unknown action repeated across files) are held once per run
/// ([`Interner`]). Reads as a `str`. One pointer wide (the `str` is behind a second one), so
/// the four texts of a finding take 32 bytes, not 64.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<Box<str>>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Arc::new(s.into_boxed_str()))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Arc::new(s.into()))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Hands out one shared [`Text`] per distinct string, for the findings of a run; bounded, so a
/// run of unique messages keeps at most [`INTERNED_BYTES`] of them in the table (the findings
/// themselves hold their text either way).
#[derive(Default)]
pub struct Interner {
    texts: std::sync::Mutex<Table>,
}

/// The distinct texts and their bytes. hashbrown's hasher: SipHash's resistance to chosen
/// collisions buys nothing for a bounded table of finding texts and cost 2% of a run.
type Table = (hashbrown::HashSet<Text>, usize);

/// Bytes of distinct text an [`Interner`] remembers.
pub const INTERNED_BYTES: usize = 8 << 20;

impl Interner {
    /// The shared copy of `text` (remembered when the table has room).
    pub fn intern(&self, text: &Text) -> Text {
        intern_in(&mut self.texts.lock().unwrap_or_else(|e| e.into_inner()), text)
    }

    /// Shares the message and help of each finding with equal ones seen before; the table is
    /// locked once for them all, not once per text (threads finish units at the same time).
    pub fn findings(&self, findings: &mut [Finding]) {
        let mut table = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        for f in findings {
            f.message = intern_in(&mut table, &f.message);
            for t in [&mut f.help, &mut f.label, &mut f.subject].into_iter().flatten() {
                *t = intern_in(&mut table, t);
            }
        }
    }
}

fn intern_in((set, bytes): &mut Table, text: &Text) -> Text {
    if let Some(t) = set.get(text.as_str()) {
        return t.clone();
    }
    if *bytes + text.len() <= INTERNED_BYTES {
        *bytes += text.len();
        set.insert(text.clone());
    }
    text.clone()
}

/// How sure a fix is, as in ruff: a *safe* fix keeps the meaning or only does the obvious
/// intent and `check --fix` applies it; an *unsafe* one changes who may assume the role, so it
/// waits for `--unsafe-fixes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

impl fmt::Display for Applicability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Replace the bytes of `span` (in the finding's source text) with `replacement`; an empty span
/// inserts, an empty replacement deletes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Edit {
        Edit { span, replacement: replacement.into() }
    }

    /// Inserts `text` at byte `at` of `span`'s source.
    pub fn insert(src: crate::source::SourceId, at: usize, text: impl Into<String>) -> Edit {
        Edit { span: Span::new(src, at, at), replacement: text.into() }
    }

    pub fn delete(span: Span) -> Edit {
        Edit { span, replacement: String::new() }
    }
}

/// A correction of one finding: edits applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in the imperative: "Replace `StringEquals` with `StringLike`".
    pub message: String,
    /// Non-overlapping edits, all in the finding's source.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { applicability: Applicability::Safe, message: message.into(), edits }
    }

    pub fn unsafe_edits(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { applicability: Applicability::Unsafe, message: message.into(), edits }
    }
}

impl Finding {
    /// An error finding of rule `code` with nothing but its message, for tests.
    #[cfg(test)]
    pub fn for_test(code: &'static str, span: Span, message: &str) -> Finding {
        Finding {
            code,
            name: "test-rule",
            severity: Severity::Error,
            span,
            message: message.into(),
            help: None,
            label: None,
            secondary: Default::default(),
            subject: None,
            fix: None,
        }
    }

    /// Attaches a fix; a fix without edits is no fix.
    pub fn fix(&mut self, fix: Option<Fix>) -> &mut Self {
        self.fix = fix.filter(|f| !f.edits.is_empty()).map(Box::new);
        self
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(bounded(help.into()).into());
        self
    }

    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(bounded(label.into()).into());
        self
    }

    pub fn secondary(&mut self, span: Span, label: impl Into<String>) -> &mut Self {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    pub fn subject(&mut self, subject: impl Into<String>) -> &mut Self {
        self.subject = Some(subject.into().into());
        self
    }
}

/// `text` cut in the middle (with `…`) to [`MAX_MESSAGE_CHARS`].
pub fn bounded(text: String) -> String {
    if text.len() <= MAX_MESSAGE_CHARS {
        return text;
    }
    let n = text.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return text;
    }
    let keep = MAX_MESSAGE_CHARS / 2;
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(n - keep).collect();
    format!("{head}…{tail}")
}

/// Longest message, help or label text, in characters. Messages quote values from the input;
/// a 2 MB `Action` string must not become a 2 MB message in every report format.
pub const MAX_MESSAGE_CHARS: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_stays_small() {
        // A run of 100,000 files holds about 600,000 findings until it sorts them.
        assert!(std::mem::size_of::<Finding>() <= 112, "{}", std::mem::size_of::<Finding>());
    }

    #[test]
    fn the_interner_shares_equal_labels_and_subjects() {
        let texts = Interner::default();
        let mut findings: Vec<Finding> = (0..2)
            .map(|_| {
                let mut f = Finding::for_test("TL303", Span::default(), "m");
                f.label(String::from("unknown action")).subject("aws_iam_role.a");
                f
            })
            .collect();
        texts.findings(&mut findings);
        let [a, b] = &findings[..] else { panic!("two findings") };
        let same = |x: &Option<Text>, y: &Option<Text>| match (x, y) {
            (Some(x), Some(y)) => std::ptr::eq(x.as_str(), y.as_str()),
            _ => false,
        };
        assert!(same(&a.label, &b.label) && same(&a.subject, &b.subject));
    }
}
