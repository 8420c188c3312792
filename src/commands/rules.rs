//! `trustlint rules` and `trustlint explain`.

use serde::Serialize;

use crate::cli::{ExplainArgs, ListFormat, RulesArgs};
use crate::commands::{EXIT_OK, EXIT_USAGE, write_stdout};
use crate::rule_set;
use crate::rules::{Family, Rule, Severity};

#[derive(Serialize)]
struct RuleOut<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    family: Family,
    summary: &'a str,
}

pub fn list(args: &RulesArgs) -> std::io::Result<i32> {
    let rules = match rule_set(args.rules_dir.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_USAGE);
        }
    };
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
                    }
                })
                .collect();
            serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
        }
        ListFormat::Text => {
            let mut s = String::new();
            for r in &rules {
                let m = r.meta();
                s.push_str(&format!("{}  {:<36} {:<8} {}\n", m.code, m.name, m.severity.name(), m.summary));
            }
            s
        }
    };
    write_stdout(&text)?;
    Ok(EXIT_OK)
}

pub fn find<'a>(rules: &'a [Box<dyn Rule>], key: &str) -> Option<&'a dyn Rule> {
    rules
        .iter()
        .find(|r| r.meta().code.eq_ignore_ascii_case(key) || r.meta().name.eq_ignore_ascii_case(key))
        .map(|r| r.as_ref())
}

pub fn explain(args: &ExplainArgs) -> std::io::Result<i32> {
    let rules = match rule_set(args.rules_dir.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    let Some(rule) = find(&rules, &args.rule) else {
        eprintln!("error: no rule `{}` (see `trustlint rules`)", args.rule);
        return Ok(EXIT_USAGE);
    };
    let text = rule.meta().page();
    write_stdout(&text)?;
    Ok(EXIT_OK)
}
