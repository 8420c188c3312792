//! `trustlint rules` and `trustlint explain`.

use serde::Serialize;

use crate::cli::{ExplainArgs, ListFormat, RulesArgs};
use std::process::ExitCode;

use crate::Error;
use crate::commands::{EXIT_OK, exit, write_stdout};
use crate::rule_set;
use crate::rules::{Applicability, Family, Rule, Severity};

#[derive(Serialize)]
struct RuleOut<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    family: Family,
    summary: &'a str,
    /// `safe` or `unsafe` when the rule offers fixes.
    fix: Option<Applicability>,
}

pub fn list(args: &RulesArgs) -> Result<ExitCode, Error> {
    let rules = rule_set(args.rules_dir.as_deref())?;
    let text = match args.format {
        ListFormat::Json => {
            let out: Vec<RuleOut> = rules
                .iter()
                .map(|r| {
                    let m = r.meta();
                    RuleOut {
                        code: m.code,
                        name: m.name,
                        severity: m.severity,
                        family: m.family,
                        summary: m.summary,
                        fix: m.fix,
                    }
                })
                .collect();
            serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
        }
        ListFormat::Text => {
            let mut s = String::new();
            for r in &rules {
                let m = r.meta();
                let fix = m.fix.map_or("-", |a| a.name());
                s.push_str(&format!(
                    "{}  {:<36} {:<8} {:<7} {}\n",
                    m.code,
                    m.name,
                    m.severity.name(),
                    fix,
                    m.summary
                ));
            }
            s
        }
    };
    write_stdout(&text)?;
    Ok(exit(EXIT_OK))
}

pub fn find<'a>(rules: &'a [Box<dyn Rule>], key: &str) -> Option<&'a dyn Rule> {
    rules
        .iter()
        .find(|r| r.meta().code.eq_ignore_ascii_case(key) || r.meta().name.eq_ignore_ascii_case(key))
        .map(|r| r.as_ref())
}

pub fn explain(args: &ExplainArgs) -> Result<ExitCode, Error> {
    let rules = rule_set(args.rules_dir.as_deref())?;
    let rule = find(&rules, &args.rule)
        .ok_or_else(|| Error::Usage(format!("no rule `{}` (see `trustlint rules`)", args.rule)))?;
    let text = rule.meta().page();
    write_stdout(&text)?;
    Ok(exit(EXIT_OK))
}
