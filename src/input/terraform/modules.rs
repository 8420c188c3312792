//! `module "NAME" { source = "./x" ... }`: a local child module evaluated as Terraform does, once
//! per call (and per `count`/`for_each` instance), with the call's arguments bound to its
//! variables (defaults for the rest). What it defines joins the caller's unit under the module
//! address (`module.spacelift.aws_iam_role.this`), with spans in the child's files; its outputs
//! are what `module.NAME.OUTPUT` reads in the caller.
//!
//! Registry and git sources are read from `.terraform/modules/modules.json` when `terraform
//! init` wrote it; otherwise a non-local source is unknown (its outputs are unknown, and a
//! policy passed to it is still linted where it is written, as a standalone document).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::input::InputOptions;
use crate::input::terraform::eval::Eval;
use crate::input::terraform::iam::{each_instance, when};
use crate::input::terraform::instances::Key;
use crate::input::terraform::value::{Sv, V};
use crate::input::terraform::{Call, Module, Res, evaluate, read_files};
use crate::model::Unit;
use crate::model::terraform::DefaultOrigin;
use crate::source::{Source, SourceMap};

/// Module calls nested deeper than this are not followed.
const MAX_DEPTH: usize = 8;
/// A child module directory with more files, or a file larger than this, is not read.
const MAX_FILES: usize = 256;
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Arguments of a module block that are Terraform's, not the child's variables.
const META_ARGUMENTS: &[&str] = &["source", "version", "count", "for_each", "providers", "depends_on"];

/// Evaluates every local module call of the module `ev` evaluates, adds what the children
/// define to `unit`, and makes their outputs known to `ev`. `stack` holds the canonical
/// directories of the modules being evaluated (a module that calls itself is not followed).
pub fn calls(ev: &mut Eval, unit: &mut Unit, options: &InputOptions, stack: &mut Vec<PathBuf>) {
    if stack.len() > MAX_DEPTH {
        return;
    }
    let module: &Module = ev.module;
    for call in &module.calls {
        let Some((dir, display)) = child_dir(ev, call, stack) else { continue };
        if stack.contains(&dir) {
            continue;
        }
        let Some(files) = load_files(ev.sources, &dir, &display, &options.overlay) else { continue };
        let mut scratch = Unit::default();
        let mut child = read_files(&display, dir.clone(), &files, (ev.sources, true), &mut scratch);
        child.roots = module.roots.clone();
        let repeated_map = call.block.body.has_attribute("for_each");
        let mut list = Vec::new();
        let mut map = Vec::new();
        let mut symbolic = false;
        each_instance(ev, call, false, |ev, inst, address| {
            let call_address = match ev.address.as_str() {
                "" => address.clone(),
                parent => format!("{parent}.{address}"),
            };
            let bound = Call {
                address: call_address,
                root_display: ev.root_display.clone(),
                bound: arguments(ev, call),
            };
            let mut child_unit = Unit { suppressions: scratch.suppressions.clone(), ..Unit::default() };
            child_unit.parse_failures.clone_from(&scratch.parse_failures);
            child_unit.sources.clone_from(&scratch.sources);
            stack.push(dir.clone());
            let outputs = evaluate(&child, &mut child_unit, ev.sources, options, bound, stack);
            stack.pop();
            merge(unit, child_unit, &address, when(inst, call, false));
            symbolic |= inst.symbolic;
            match &inst.key {
                Some(Key::Name(k)) => map.push((k.clone(), outputs.span, outputs)),
                _ => list.push(outputs),
            }
        });
        let span = call.span;
        let value = if repeated_map {
            if symbolic { Sv::unknown(span) } else { Sv { span, v: V::Obj(map) } }
        } else if call.repeated() {
            Sv { span, v: V::List(list) }
        } else {
            list.pop().unwrap_or(Sv::unknown(span))
        };
        ev.set_module_value(&call.name, value);
    }
}

/// The outputs of the module `ev` evaluates, as one object.
pub fn outputs(ev: &mut Eval) -> Sv {
    let module: &Module = ev.module;
    let mut members = Vec::new();
    let mut span = None;
    for (name, src, expr) in &module.outputs {
        let v = ev.eval(expr, *src);
        span.get_or_insert(v.span);
        members.push((name.clone(), v.span, v));
    }
    let span = span.unwrap_or(crate::source::Span::new(crate::source::SourceId(0), 0, 0));
    Sv { span, v: V::Obj(members) }
}

/// The arguments of one call instance, evaluated in the caller, with the caller's variable
/// defaults each read.
fn arguments(ev: &mut Eval, call: &Res) -> Vec<(String, Sv, Vec<DefaultOrigin>)> {
    call.block
        .body
        .attributes()
        .filter(|a| !META_ARGUMENTS.contains(&a.key.as_str()))
        .map(|a| {
            let (v, origins) = ev.traced(|ev| ev.eval(&a.value, call.src));
            (a.key.as_str().to_string(), v, origins)
        })
        .collect()
}

/// The canonical directory of a call's module and the name its files are shown under: a local
/// path (`./x`, `../x`), or what `.terraform/modules/modules.json` says for this call. `None`
/// when the source is elsewhere or leaves the scanned roots.
fn child_dir(ev: &mut Eval, call: &Res, stack: &[PathBuf]) -> Option<(PathBuf, String)> {
    let module: &Module = ev.module;
    let source = call.block.body.get_attribute("source").and_then(|a| ev.eval(&a.value, call.src).text())?;
    // A local path is relative to the calling module; `modules.json` paths to the root module,
    // whose `terraform init` wrote it (for calls at any depth: keys are `a.b`).
    let (from, base, rel) = if source.starts_with("./") || source.starts_with("../") {
        (module.dir.clone(), module.display.as_str(), source)
    } else {
        let root = stack.first()?;
        (root.clone(), ev.root_display.as_str(), installed(root, &installed_key(&ev.address, &call.name))?)
    };
    let dir = from.join(&rel).canonicalize().ok()?;
    if !dir.is_dir() || !module.roots.iter().any(|r| dir.starts_with(r) || same_repository(r, &dir)) {
        return None;
    }
    let base = if base.is_empty() { "." } else { base };
    Some((dir, normalize(&Path::new(base).join(&rel))))
}

/// The `modules.json` key of call `name` in the module at `address`: `module.a["x"].module.b`
/// calling `c` is `a.b.c`.
fn installed_key(address: &str, name: &str) -> String {
    let path = crate::input::terraform::plan_config::strip_address(address);
    let mut parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty() && *p != "module").collect();
    parts.push(name);
    parts.join(".")
}

/// `envs/prod` calling `../../modules/x`: a child outside the scanned directory is still read
/// when both are in one git repository (only its `.tf` files, size-capped).
fn same_repository(root: &Path, dir: &Path) -> bool {
    root.ancestors().find(|a| a.join(".git").exists()).is_some_and(|repo| dir.starts_with(repo))
}

/// `Dir` of the entry `Key = name` in `.terraform/modules/modules.json`.
fn installed(root: &Path, name: &str) -> Option<String> {
    let path = root.join(".terraform").join("modules").join("modules.json");
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let doc = crate::input::tree::parse_json(&text, crate::source::SourceId(0), 0).ok()?;
    let crate::input::tree::NodeKind::Array(items) = &doc.get("Modules")?.kind else { return None };
    items
        .iter()
        .find(|m| m.get("Key").and_then(|k| k.as_str()) == Some(name))
        .and_then(|m| m.get("Dir").and_then(|d| d.as_str()))
        .map(str::to_string)
}

/// `a/b/../c` is `a/c`, as the user would write it.
fn normalize(p: &Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            // An absolute path keeps one leading `/` (below), so a child module's files are
            // shown as the same file scanned on its own is, whichever job reads it first.
            Component::CurDir | Component::RootDir => {}
            Component::ParentDir if out.last().is_some_and(|l| l != "..") => {
                out.pop();
            }
            other => out.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    match (p.has_root(), out.is_empty()) {
        (true, _) => format!("/{}", out.join("/")),
        (false, true) => ".".into(),
        (false, false) => out.join("/"),
    }
}

/// The `*.tf` and `*.tf.json` files of a child module directory, as sources (shared with the
/// run when the directory is also scanned on its own).
fn load_files(
    sources: &SourceMap,
    dir: &Path,
    display: &str,
    overlay: &crate::input::Overlay,
) -> Option<Vec<Arc<Source>>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".tf") || s.ends_with(".tf.json")))
        .collect();
    if paths.len() > MAX_FILES {
        return None;
    }
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        if let Some(s) = sources.find_path(&path) {
            out.push(s);
            continue;
        }
        if std::fs::metadata(&path).map(|m| m.len() > MAX_FILE_BYTES).unwrap_or(true) {
            continue;
        }
        let text = match crate::input::overlaid(overlay, &path) {
            Some(text) => text,
            None => match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(_) => continue,
            },
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = if display == "." { name } else { format!("{display}/{name}") };
        out.push(sources.add(shown, path, text));
    }
    Some(out)
}

/// Adds what a child module instance defines to the caller's unit, under its address.
fn merge(parent: &mut Unit, child: Unit, prefix: &str, created: Option<String>) {
    let (po, ro, io) = (parent.policies.len(), parent.roles.len(), parent.spacelift.integrations.len());
    let pre = |s: &str| format!("{prefix}.{s}");
    for mut p in child.policies {
        p.role = p.role.map(|r| r + ro);
        p.subject = p.subject.as_deref().map(pre);
        p.when = created.clone().or(p.when.as_deref().map(pre));
        parent.policies.push(p);
    }
    for mut r in child.roles {
        r.trust = r.trust.map(|p| p + po);
        r.permissions.iter_mut().for_each(|p| *p += po);
        r.subject = pre(&r.subject);
        parent.roles.push(r);
    }
    for mut a in child.assume_roles {
        a.policy = a.policy.map(|p| p + po);
        parent.assume_roles.push(a);
    }
    parent.provider_creds.extend(child.provider_creds);
    for mut i in child.spacelift.integrations {
        i.role = i.role.map(|r| r + ro);
        i.address = pre(&i.address);
        parent.spacelift.integrations.push(i);
    }
    for mut a in child.spacelift.attachments {
        a.integration = a.integration.map(|i| i + io);
        a.address = pre(&a.address);
        parent.spacelift.attachments.push(a);
    }
    for mut l in child.spacelift.legacy_roles {
        l.address = pre(&l.address);
        parent.spacelift.legacy_roles.push(l);
    }
    for mut u in child.unread_policies {
        u.subject = pre(&u.subject);
        parent.unread_policies.push(u);
    }
    parent.external_id_templates.extend(child.external_id_templates);
    parent.template_files.extend(child.template_files);
    parent.defaults.extend(child.defaults);
    for e in child.type_errors {
        if !parent.type_errors.contains(&e) {
            parent.type_errors.push(e);
        }
    }
    for f in child.parse_failures {
        if !parent.parse_failures.contains(&f) {
            parent.parse_failures.push(f);
        }
    }
    for s in child.suppressions {
        if !parent.suppressions.contains(&s) {
            parent.suppressions.push(s);
        }
    }
    for id in child.sources {
        if !parent.sources.contains(&id) {
            parent.sources.push(id);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn installed_keys_are_call_names_without_instance_keys() {
        assert_eq!(super::installed_key("", "roles"), "roles");
        assert_eq!(super::installed_key(r#"module.roles["a"].module.x[0]"#, "inner"), "roles.x.inner");
    }

    #[test]
    fn child_directories_are_shown_as_written_with_one_leading_slash() {
        use std::path::Path;
        assert_eq!(super::normalize(Path::new("/work/repo/examples/../modules/x")), "/work/repo/modules/x");
        assert_eq!(super::normalize(Path::new("envs/prod/../../modules/x")), "modules/x");
        assert_eq!(super::normalize(Path::new("./a/..")), ".");
        assert_eq!(super::normalize(Path::new("../shared")), "../shared");
    }
}
