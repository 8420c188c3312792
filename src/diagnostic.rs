//! What a run produces: findings and their severities. Below both `config` (which overrides
//! severities) and `rules` (which emit findings), so neither imports the other for them.

use std::borrow::Cow;
use std::fmt;

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

/// One problem found by a rule, before it is resolved to lines and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Text of the primary label in code frames.
    pub label: Option<String>,
    /// Context such as the enclosing statement.
    pub secondary: Vec<(Span, String)>,
    pub subject: Option<String>,
    /// The text edits that correct it, when the right text is certain.
    pub fix: Option<Fix>,
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
    /// Attaches a fix; a fix without edits is no fix.
    pub fn fix(&mut self, fix: Option<Fix>) -> &mut Self {
        self.fix = fix.filter(|f| !f.edits.is_empty());
        self
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(bounded(help.into()));
        self
    }

    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(bounded(label.into()));
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
        self.subject = Some(subject.into());
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
