//! Values of a root module's variables, as Terraform takes them (later wins): defaults, then
//! `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in name order, then each
//! `--var-file`, then each `--var NAME=VALUE`. Only declared variables are assigned.

use std::path::Path;
use std::sync::Arc;

use hcl_edit::expr::{Expression, ObjectKey};

use crate::input::InputOptions;
use crate::input::terraform::files;
use crate::input::terraform::module::Module;
use crate::model::{ParseFailure, Unit};
use crate::source::{Source, SourceMap, Span};

pub fn assign(module: &mut Module, unit: &mut Unit, sources: &SourceMap, options: &InputOptions) {
    if module.declared.is_empty() {
        return;
    }
    for name in auto_files(&module.dir) {
        let path = module.dir.join(&name);
        if let Some(text) = files::read_contained(&path, &module.roots) {
            let display = match module.display.as_str() {
                "" | "." => name.clone(),
                d => format!("{}/{name}", d.trim_end_matches('/')),
            };
            let source = source_for(sources, display, &path, text);
            read_file(module, unit, &source);
        }
    }
    for path in &options.var_files {
        // Named on the command line: read wherever it is, as Terraform does.
        let text = match std::fs::metadata(path) {
            Ok(m) if m.is_file() && m.len() <= files::MAX_FILE_BYTES => std::fs::read_to_string(path).ok(),
            _ => None,
        };
        let Some(text) = text else { continue };
        let source = source_for(sources, path.display().to_string(), path, text);
        read_file(module, unit, &source);
    }
    for (name, value) in &options.vars {
        let Some(ty) = module.declared.get(name) else { continue };
        // A string variable takes the text as it is; other types parse it as an expression.
        let literal = ty.as_deref().is_none_or(|t| t == "string");
        let text = if literal { quote(value) } else { value.clone() };
        let source = source_for(sources, format!("--var {name}"), Path::new(&format!("--var {name}")), text);
        match hcl_edit::parser::parse_expr(&source.text) {
            Ok(e) => {
                module.assigned.insert(name.clone(), (source.id, e));
            }
            Err(_) => {
                let e =
                    hcl_edit::parser::parse_expr(&quote(value)).unwrap_or(Expression::from(value.as_str()));
                module.assigned.insert(name.clone(), (source.id, e));
            }
        }
    }
}

/// The variable files Terraform loads by itself, in its order.
fn auto_files(dir: &Path) -> Vec<String> {
    let mut auto: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    let mut out: Vec<String> = ["terraform.tfvars", "terraform.tfvars.json"]
        .iter()
        .map(|s| s.to_string())
        .filter(|n| dir.join(n).is_file())
        .collect();
    out.extend(auto);
    out
}

fn source_for(sources: &SourceMap, display: String, path: &Path, text: String) -> Arc<Source> {
    match sources.find_path(path) {
        Some(s) => s,
        None => sources.add(display, path.to_path_buf(), text),
    }
}

/// An HCL string literal holding `text` exactly (no interpolation).
fn quote(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string().replace("${", "$${").replace("%{", "%%{")
}

/// `NAME = value` lines (`.tfvars`) or one JSON object (`.tfvars.json`).
fn read_file(module: &mut Module, unit: &mut Unit, source: &Arc<Source>) {
    if !unit.sources.contains(&source.id) {
        unit.sources.push(source.id);
    }
    let failure = |offset: usize, message: String| ParseFailure {
        span: Span::new(source.id, offset.min(source.text.len()), (offset + 1).min(source.text.len())),
        message,
        what: "Terraform variables",
    };
    if source.name.ends_with(".json") {
        // `parse_expr` takes one expression and nothing after it, not even a final newline.
        match hcl_edit::parser::parse_expr(source.text.trim_end()) {
            Ok(Expression::Object(o)) => {
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        _ => continue,
                    };
                    if module.declared.contains_key(&key) {
                        module.assigned.insert(key, (source.id, v.expr().clone()));
                    }
                }
            }
            Ok(_) => unit.parse_failures.push(failure(0, "a variables file holds one JSON object".into())),
            Err(e) => unit.parse_failures.push(failure(e.location().offset(), e.message().to_string())),
        }
        return;
    }
    match hcl_edit::parser::parse_body(&source.text) {
        Ok(body) => {
            for a in body.attributes() {
                let key = a.key.as_str();
                if module.declared.contains_key(key) {
                    module.assigned.insert(key.to_string(), (source.id, a.value.clone()));
                }
            }
        }
        Err(e) => unit.parse_failures.push(failure(e.location().offset(), e.message().to_string())),
    }
}
