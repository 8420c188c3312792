//! `trustlint external-id`: one id into its parts, or a pattern into what it accepts.

use serde_json::{Value as J, json};

use crate::Error;
use crate::analysis::external_id::{Analysis, ExternalId, Grammar, analyse, foreign_account_witness, parse};
use crate::analysis::reason::{Lang, PatternKind, VarMode, escape};
use crate::analysis::trust::grammar;
use crate::aws::sts::external_id_problem as sts_rejects;
use crate::cli::{ExternalIdArgs, ListFormat, PatternOperator};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, exit, write_stdout};

pub fn run(args: &ExternalIdArgs) -> Result<std::process::ExitCode, Error> {
    let g =
        grammar().ok_or_else(|| Error::Usage("the built-in external id grammar failed to build".into()))?;
    let (text, status) = if args.pattern { pattern(args, g)? } else { one_id(args, g) };
    write_stdout(&text)?;
    Ok(exit(status))
}

fn one_id(args: &ExternalIdArgs, g: &Grammar) -> (String, i32) {
    let id = &args.value;
    let mut problems = Vec::new();
    if let Some(why) = sts_rejects(id) {
        problems.push(format!("STS rejects it: {why}"));
    }
    let parsed = parse(id, g);
    if let Err(e) = &parsed {
        problems.push(e.to_string());
    }
    if let (Ok(p), Some(account)) = (&parsed, &args.spacelift_account)
        && p.account() != account
    {
        problems.push(format!("the account part `{}` is not your account `{account}`", p.account()));
    }
    let status = if problems.is_empty() { EXIT_OK } else { EXIT_FINDINGS };
    let text = match args.format {
        ListFormat::Json => {
            let parts = match &parsed {
                Ok(ExternalId::Current { account, integration_id, stack, phase }) => json!({
                    "format": "current", "account": account, "integration_id": integration_id,
                    "stack": stack, "phase": phase.as_str()
                }),
                Ok(ExternalId::Legacy { account, stack }) => {
                    json!({"format": "legacy", "account": account, "stack": stack})
                }
                Err(_) => J::Null,
            };
            pretty(json!({"value": id, "valid": problems.is_empty(), "parts": parts, "problems": problems}))
        }
        ListFormat::Text => {
            let mut s = format!("external id     {id}\n");
            match &parsed {
                Ok(ExternalId::Current { account, integration_id, stack, phase }) => {
                    s += &format!(
                        "format          current (cloud integration)\naccount         {account}\nintegration id  {integration_id}\nstack/module    {stack}\nphase           {phase}\n"
                    );
                }
                Ok(ExternalId::Legacy { account, stack }) => {
                    s += &format!(
                        "format          legacy (spacelift_aws_role)\naccount         {account}\nstack/module    {stack}\n"
                    );
                }
                Err(_) => {}
            }
            for p in &problems {
                s += &format!("invalid: {p}\n");
            }
            s
        }
    };
    (text, status)
}

/// Does the pattern accept exactly one stack (`stack`) in the current format?
fn only_stack(lang: &Lang, g: &Grammar, stack: &str) -> bool {
    let other = Lang::regex(&format!("[^@]*@[^@]*@{}@[^@]*", escape(stack))).map(|l| l.complement());
    match other {
        Ok(other) => matches!(
            lang.and(g.language(crate::analysis::external_id::Format::Current)).and(&other).is_empty(),
            Ok(true)
        ),
        Err(_) => false,
    }
}

fn summary(a: &Analysis, lang: &Lang, g: &Grammar) -> String {
    let phases: Vec<&str> = a.phases().iter().map(|p| p.as_str()).collect();
    let phase_text = match phases.len() {
        2 => "in both phases (read and write)".to_string(),
        1 => format!("in the {} phase only", phases[0]),
        _ => String::new(),
    };
    if a.current.is_none() && a.legacy.is_none() {
        return "accepts no external id Spacelift sends".into();
    }
    if let Some(any) = a.any_stack.first() {
        let legacy = if a.legacy.is_some() { " (current and legacy formats)" } else { "" };
        return format!(
            "accepts every stack of the account{legacy} {phase_text}, e.g. `{}`",
            any.example("any-stack")
        )
        .replace("  ", " ");
    }
    let stack =
        a.read.as_deref().or(a.write.as_deref()).or(a.legacy.as_deref()).and_then(|w| parse(w, g).ok());
    match stack {
        Some(id) if only_stack(lang, g, id.stack()) => format!("accepts stack `{}` {phase_text}", id.stack()),
        Some(id) => format!("accepts some stacks (e.g. `{}`) {phase_text}", id.stack()),
        None => format!("accepts ids {phase_text}"),
    }
    .trim_end()
    .to_string()
}

fn pattern(args: &ExternalIdArgs, g: &Grammar) -> Result<(String, i32), Error> {
    let kind = match args.operator {
        PatternOperator::Like => PatternKind::Like,
        PatternOperator::Equals => PatternKind::Equals,
    };
    let op = if kind == PatternKind::Like { "StringLike" } else { "StringEquals" };
    let lang = Lang::pattern(kind, &args.value, VarMode::Literal).map_err(|e| Error::Usage(e.to_string()))?;
    let a = analyse(&lang, g).map_err(|e| Error::Usage(e.to_string()))?;
    let foreign = args.spacelift_account.as_deref().and_then(|acct| {
        foreign_account_witness(&lang, g, acct).ok().flatten().map(|w| (acct.to_string(), w))
    });
    let summary = summary(&a, &lang, g);
    let invalid = a.invalid.as_ref().map(|d| d.to_string());
    let status =
        if a.current.is_none() && a.legacy.is_none() || foreign.is_some() { EXIT_FINDINGS } else { EXIT_OK };
    let text = match args.format {
        ListFormat::Json => pretty(json!({
            "pattern": args.value,
            "operator": op,
            "summary": summary,
            "current": a.current,
            "legacy": a.legacy,
            "legacy_only": a.legacy_only(),
            "phases": {"read": a.read, "write": a.write},
            "every_stack": a.any_stack.first().map(|s| s.example("any-stack")),
            "other_account": foreign.as_ref().map(|(_, w)| w),
            "invalid": invalid,
        })),
        ListFormat::Text => {
            let yes = |w: &Option<String>| match w {
                Some(w) => format!("yes, e.g. {w}"),
                None => "no".to_string(),
            };
            let mut s = format!("pattern         {} ({op})\n{summary}\n\n", args.value);
            s += &format!("current format  {}\n", yes(&a.current));
            s += &format!("legacy format   {}\n", yes(&a.legacy));
            s += &format!("read phase      {}\n", yes(&a.read));
            s += &format!("write phase     {}\n", yes(&a.write));
            s += &format!(
                "every stack     {}\n",
                a.any_stack
                    .first()
                    .map(|x| format!("yes, e.g. {}", x.example("any-stack")))
                    .unwrap_or_else(|| "no".into())
            );
            if let Some((acct, w)) = &foreign {
                s += &format!("other accounts  yes: accepts ids outside `{acct}`, e.g. {w}\n");
            }
            if let Some(why) = &invalid {
                s += &format!("invalid         {why}\n");
            }
            s
        }
    };
    Ok((text, status))
}

fn pretty(v: J) -> String {
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
