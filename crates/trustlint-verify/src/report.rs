//! The `verify` report: steps with a status, notes and warnings; rendered for people or as the
//! version-1 JSON report. It never holds a secret.

use crate::cli::VerifyFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    /// Further lines (lint findings, evaluation reasons).
    pub messages: Vec<String>,
}

impl Step {
    pub fn new(name: &'static str, status: Status, detail: impl Into<String>) -> Step {
        Step { name, status, detail: detail.into(), messages: Vec::new() }
    }

    pub fn passed(name: &'static str, detail: impl Into<String>) -> Step {
        Step::new(name, Status::Passed, detail)
    }

    pub fn failed(name: &'static str, detail: impl Into<String>) -> Step {
        Step::new(name, Status::Failed, detail)
    }

    pub fn skipped(name: &'static str, detail: impl Into<String>) -> Step {
        Step::new(name, Status::Skipped, detail)
    }

    pub fn with_messages(mut self, messages: Vec<String>) -> Step {
        self.messages = messages;
        self
    }
}

/// What `verify` found; never holds a secret.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
    pub steps: Vec<Step>,
    pub assumed_role_arn: Option<String>,
    pub expiration: Option<String>,
}

impl Report {
    /// Appends a step and returns it, for its messages.
    pub fn step(&mut self, name: &'static str, status: Status, detail: impl Into<String>) -> &mut Step {
        self.push(Step::new(name, status, detail))
    }

    pub fn push(&mut self, step: Step) -> &mut Step {
        self.steps.push(step);
        let last = self.steps.len() - 1;
        &mut self.steps[last]
    }

    /// True when the last step failed (the run stops there).
    pub fn stopped(&self) -> bool {
        self.steps.last().is_some_and(|s| s.status == Status::Failed)
    }

    pub fn passed(&self) -> bool {
        !self.steps.iter().any(|s| s.status == Status::Failed)
    }

    fn json_report(&self) -> JsonReport<'_> {
        JsonReport {
            version: 1,
            role_arn: &self.role_arn,
            external_id: self.external_id.as_deref(),
            session_name: self.session_name.as_deref(),
            steps: self
                .steps
                .iter()
                .map(|s| JsonStep {
                    name: s.name,
                    status: s.status.as_str(),
                    detail: &s.detail,
                    messages: &s.messages,
                })
                .collect(),
            notes: &self.notes,
            warnings: &self.warnings,
            assumed_role_arn: self.assumed_role_arn.as_deref(),
            expiration: self.expiration.as_deref(),
            result: if self.passed() { "passed" } else { "failed" },
        }
    }

    /// The JSON report (version 1) as a value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json_report()).unwrap_or_default()
    }

    /// The JSON report as pretty text, keys in the documented order.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string_pretty(&self.json_report()).unwrap_or_default()
    }

    pub fn to_human(&self) -> String {
        let mut out = format!("trustlint verify {}\n", self.role_arn);
        let head: Vec<(&str, &Option<String>)> =
            vec![("external id", &self.external_id), ("session name", &self.session_name)];
        for (k, v) in head {
            if let Some(v) = v {
                out.push_str(&format!("  {k:<13} {v}\n"));
            }
        }
        for n in &self.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        out.push('\n');
        let width = self.steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in &self.steps {
            out.push_str(&format!("  {:<7}  {:<width$}  {}\n", s.status.as_str(), s.name, s.detail));
            for m in &s.messages {
                out.push_str(&format!("  {:<7}  {:<width$}    {m}\n", "", ""));
            }
        }
        if self.assumed_role_arn.is_some() || !self.warnings.is_empty() {
            out.push('\n');
        }
        if let Some(a) = &self.assumed_role_arn {
            out.push_str(&format!("  {:<13} {a}\n", "assumed role"));
        }
        if let Some(e) = &self.expiration {
            out.push_str(&format!("  {:<13} {e}\n", "expires"));
        }
        for w in &self.warnings {
            out.push_str(&format!("  warning: {w}\n"));
        }
        out.push_str(&format!("\nresult: {}\n", if self.passed() { "passed" } else { "failed" }));
        out
    }
}

#[derive(serde::Serialize)]
struct JsonStep<'a> {
    name: &'a str,
    status: &'a str,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    messages: &'a [String],
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    role_arn: &'a str,
    external_id: Option<&'a str>,
    session_name: Option<&'a str>,
    steps: Vec<JsonStep<'a>>,
    notes: &'a [String],
    warnings: &'a [String],
    assumed_role_arn: Option<&'a str>,
    expiration: Option<&'a str>,
    result: &'a str,
}

/// Prints the report: on stderr when stdout carries `--export-env` or the command's output.
pub fn emit(rep: &Report, format: VerifyFormat, to_stderr: bool) {
    let text = match format {
        VerifyFormat::Human => rep.to_human(),
        VerifyFormat::Json => {
            format!("{}\n", rep.to_json_text())
        }
    };
    if to_stderr {
        eprint!("{text}");
    } else if let Err(e) = trustlint::commands::write_stdout(&text)
        && !trustlint::commands::is_broken_pipe(&e)
    {
        eprintln!("error: cannot write to standard output: {e}");
    }
}
