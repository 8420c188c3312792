//! Function calls: the lazy ones (`try`, `can`), the ones that read files (`file`,
//! `templatefile`), and the pure ones of `functions.rs`.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use hcl_edit::expr::{Expression, FuncCall};

use super::Eval;
use crate::input::terraform::files;
use crate::input::terraform::functions::{self, Fail};
use crate::input::terraform::spanned::SpStr;
use crate::input::terraform::value::{Sv, V};
use crate::source::{Source, SourceId, Span};

impl Eval<'_> {
    pub(crate) fn call(&mut self, f: &FuncCall, src: SourceId, span: Span) -> Sv {
        if f.name.is_namespaced() {
            return Sv::unknown(span);
        }
        let exprs: Vec<&Expression> = f.args.iter().collect();
        let name = f.name.name.as_str();
        match name {
            "try" => return self.try_(&exprs, src, span),
            "can" => return self.can(&exprs, src, span),
            _ => {}
        }
        let mut args: Vec<Sv> = exprs.iter().map(|e| self.eval(e, src)).collect();
        if f.args.expand_final() {
            // `f(a, list...)`: the list's elements are the last arguments.
            match args.pop().map(|a| a.v) {
                Some(V::List(items)) => args.extend(items),
                Some(V::Unknown) | None => return Sv::unknown(span),
                Some(_) => return self.fail(span),
            }
        }
        let out = match name {
            "file" => self.file(&args, span),
            "templatefile" => self.templatefile(&args, span),
            _ => functions::call(name, &args, src, span),
        };
        match out {
            Ok(v) => v,
            Err(Fail::Unknown) => Sv::unknown(span),
            Err(Fail::Error) => self.fail(span),
        }
    }

    /// `try(a, b, ...)`: the first argument that evaluates without an error. An unknown one
    /// makes the result unknown (Terraform cannot tell yet whether it will fail).
    fn try_(&mut self, exprs: &[&Expression], src: SourceId, span: Span) -> Sv {
        for e in exprs {
            let before = self.errors;
            let v = self.eval(e, src);
            if self.errors > before {
                self.errors = before;
                continue;
            }
            let mut v = v;
            v.span = span;
            return v;
        }
        self.fail(span)
    }

    /// `can(x)`: whether `x` evaluates without an error.
    fn can(&mut self, exprs: &[&Expression], src: SourceId, span: Span) -> Sv {
        let [e] = exprs else { return self.fail(span) };
        let before = self.errors;
        let v = self.eval(e, src);
        if self.errors > before {
            self.errors = before;
            return Sv { span, v: V::Bool(false) };
        }
        if v.is_unknown() { Sv::unknown(span) } else { Sv { span, v: V::Bool(true) } }
    }

    fn file(&mut self, args: &[Sv], span: Span) -> Result<Sv, Fail> {
        let [path] = args else { return Err(Fail::Error) };
        let path = path.text().ok_or(Fail::Unknown)?;
        let source = self.load(&path).ok_or(Fail::Unknown)?;
        let offs = (0..=source.text.len()).collect();
        Ok(Sv { span, v: V::Str(SpStr { text: source.text.clone(), src: source.id, offs: Some(offs) }) })
    }

    /// `templatefile(path, vars)`: the file rendered as a template with only `vars` in scope.
    fn templatefile(&mut self, args: &[Sv], span: Span) -> Result<Sv, Fail> {
        let [path, vars] = args else { return Err(Fail::Error) };
        let path = path.text().ok_or(Fail::Unknown)?;
        let members = match &vars.v {
            V::Obj(m) => m.clone(),
            V::Unknown => return Err(Fail::Unknown),
            _ => return Err(Fail::Error),
        };
        let source = self.load(&path).ok_or(Fail::Unknown)?;
        let template = hcl_edit::parser::parse_template(&source.text).map_err(|_| Fail::Unknown)?;
        // The template sees its variables only: not the caller's locals or iterators.
        let scope =
            std::mem::replace(&mut self.scope, vec![members.into_iter().map(|(k, _, v)| (k, v)).collect()]);
        let out = self.template_file(&template, source.id, span);
        self.scope = scope;
        Ok(out)
    }

    /// A file of the repository (relative to the module's directory), registered as a source.
    /// Only regular files inside the scanned roots are read (see `files.rs`).
    fn load(&mut self, rel: &str) -> Option<Arc<Source>> {
        let module = self.module;
        let joined = normalize(&module.dir.join(rel));
        if let Some(s) = self.sources.find_path(&joined) {
            if !self.extra_sources.contains(&s.id) {
                self.extra_sources.push(s.id);
            }
            return Some(s);
        }
        let text = files::read_contained(&joined, &module.roots)?;
        let display = display_path(&module.display, rel);
        let s = self.sources.add(display, joined, text);
        self.extra_sources.push(s.id);
        Some(s)
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (the containment check resolves
/// symlinks separately).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The name a file read by `file()` is reported under: relative to the module as displayed.
fn display_path(module: &str, rel: &str) -> String {
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    if module.is_empty() || module == "." || Path::new(rel).is_absolute() {
        rel.to_string()
    } else {
        let joined = format!("{}/{rel}", module.trim_end_matches('/'));
        normalize(Path::new(&joined)).to_string_lossy().into_owned()
    }
}
