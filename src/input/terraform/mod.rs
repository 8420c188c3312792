//! Terraform input: one directory of `*.tf` (and `*.tf.json`) files is one module, one
//! [`Unit`]. Parsing keeps spans; a static evaluator resolves what it can; resources become the
//! same model every other input produces.
//!
//! Dependencies run one way: `spanned` and `value` (data) <- `module` <- `eval` (HCL) <-
//! `policy`, `attrs` <- `data_sources`, `resources`; this file wires them together.

pub mod attrs;
pub mod bounds;
pub mod data_sources;
pub mod dynamic;
pub mod eval;
pub mod files;
pub mod functions;
pub mod iam;
pub mod instances;
pub mod json;
pub mod module;
pub mod modules;
pub mod optional;
pub mod parse;
pub mod plan;
pub mod plan_config;
pub mod plan_spacelift;
pub mod policy;
pub mod resource_policies;
pub mod resources;
pub mod spanned;
pub mod types;
pub mod unknown;
pub mod value;
pub mod variables;

use std::path::PathBuf;
use std::sync::Arc;

use crate::input::InputOptions;
use crate::model::{ParseFailure, Unit};
use crate::source::{Source, SourceMap, Span};

pub use module::{Module, Res};

/// Parses the files of one module directory (already loaded as sources) into one unit.
pub fn parse_module(
    display: &str,
    dir: PathBuf,
    files: &[Arc<Source>],
    sources: &SourceMap,
    options: &InputOptions,
) -> Unit {
    let (module, mut unit) = read_module(display, dir, files, sources, options);
    // Only module calls read the stack (cycles, paths relative to the root); resolving the
    // directory costs a system call per path component, so a module without calls skips it.
    let mut stack = match module.calls.is_empty() {
        true => Vec::new(),
        false => vec![module.dir.canonicalize().unwrap_or_else(|_| module.dir.clone())],
    };
    evaluate(&module, &mut unit, sources, options, Call::default(), &mut stack);
    unit
}

/// The blocks of one module directory, with its variables assigned as for a root module, and
/// a unit holding its sources, suppressions and syntax errors (nothing evaluated yet).
pub fn read_module(
    display: &str,
    dir: PathBuf,
    files: &[Arc<Source>],
    sources: &SourceMap,
    options: &InputOptions,
) -> (Module, Unit) {
    let mut unit = Unit { name: display.to_string(), ..Unit::default() };
    let mut module = read_files(display, dir, files, (sources, false), &mut unit);
    module.roots = if options.roots.is_empty() {
        files::canonical_roots(&[module.dir.clone()])
    } else {
        options.roots.clone()
    };
    variables::assign(&mut module, &mut unit, sources, options);
    (module, unit)
}

/// The module the files of one directory make (syntax errors and suppressions go to `unit`).
pub fn read_files(
    display: &str,
    dir: PathBuf,
    files: &[Arc<Source>],
    (sources, keep): (&SourceMap, bool),
    unit: &mut Unit,
) -> Module {
    let mut module = Module { dir, display: display.to_string(), ..Module::default() };
    for source in files {
        if !unit.sources.contains(&source.id) {
            unit.sources.push(source.id);
        }
        if source.name.ends_with(".tf.json") {
            read_json_file(source, &mut module, unit);
            continue;
        }
        // A directory called as a module by many roots (examples, environments) is parsed
        // once per run, not once per call: module calls keep their trees (`keep`), and a
        // directory's own job reuses one a call kept.
        let parsed = sources.memo(source.id, keep, || parse::parse_file(source));
        // A tree no one else holds (not kept for module calls) gives its blocks to the module.
        match std::sync::Arc::try_unwrap(parsed) {
            Ok(Ok(body)) => {
                unit.suppressions.extend(parse::suppressions(source, &body));
                module.add_body_from(source.id, body);
            }
            Ok(Err(failure)) => unit.parse_failures.push(failure),
            Err(shared) => match &*shared {
                Ok(body) => {
                    unit.suppressions.extend(parse::suppressions(source, body));
                    module.add_body(source.id, body);
                }
                Err(failure) => unit.parse_failures.push(failure.clone()),
            },
        }
    }
    module
}

/// Terraform JSON syntax, read as the HCL it stands for.
fn read_json_file(source: &Source, module: &mut Module, unit: &mut Unit) {
    match crate::input::tree::parse_json(&source.text, source.id, 0) {
        Ok(root) => {
            let converted = json::convert(source, &root);
            unit.parse_failures.extend(converted.failures);
            match hcl_edit::parser::parse_body(&converted.text) {
                Ok(body) => {
                    module.span_maps.insert(source.id, converted.map);
                    module.add_body_from(source.id, body);
                }
                Err(e) => {
                    // Not expected: the generated text is checked piece by piece.
                    let at = converted.map.get(e.location().offset()).map(|m| m.0).unwrap_or(0);
                    unit.parse_failures.push(ParseFailure {
                        span: Span::new(source.id, at, (at + 1).min(source.text.len().max(at))),
                        message: format!("could not read this Terraform JSON: {}", e.message()),
                        what: "Terraform JSON",
                    });
                }
            }
        }
        Err(e) => unit.parse_failures.push(ParseFailure {
            span: Span::new(source.id, e.start, (e.start + 1).min(source.text.len().max(e.start))),
            message: e.message,
            what: "Terraform JSON",
        }),
    }
}

/// How a module is called: its address (`module.x`, empty for a root module) and the
/// arguments bound to its variables, each with the caller's defaults that decided it.
#[derive(Default)]
pub struct Call {
    pub address: String,
    /// How the root module's directory is shown (paths in `modules.json` are relative to it).
    pub root_display: String,
    pub bound: Vec<(String, value::Sv, Vec<crate::model::terraform::DefaultOrigin>)>,
}

/// Evaluates a module into `unit`, with `bound` variables (a child module's arguments): first
/// its local module calls (whose outputs its resources may read), then its resources. Returns
/// the module's outputs as an object.
pub fn evaluate(
    module: &Module,
    unit: &mut Unit,
    sources: &SourceMap,
    options: &InputOptions,
    call: Call,
    stack: &mut Vec<PathBuf>,
) -> value::Sv {
    let data = data_sources::TerraformData::new(options);
    let mut ev = eval::Eval::new(module, sources, &data);
    ev.root_display = if call.address.is_empty() { module.display.clone() } else { call.root_display };
    ev.address = call.address;
    for (name, v, origins) in call.bound {
        ev.bind_variable(&name, v, origins);
    }
    modules::calls(&mut ev, unit, options, stack);
    resources::extract(&mut ev, unit);
    let outputs = modules::outputs(&mut ev);
    for id in ev.extra_sources.drain(..) {
        if !unit.sources.contains(&id) {
            unit.sources.push(id);
        }
    }
    unit.template_files.append(&mut ev.template_files);
    unit.defaults.append(&mut ev.default_uses);
    for e in ev.type_errors.drain(..) {
        if !unit.type_errors.contains(&e) {
            unit.type_errors.push(e);
        }
    }
    unit.external_id_templates.extend(data.into_templates());
    outputs
}
