//! String templates: literals, `${...}` interpolations, `%{if}` / `%{for}` directives and the
//! `~` strip markers, rendered into a string that keeps the source offset of every byte.

use hcl_edit::Span as _;
use hcl_edit::template::{Directive, Element, Template};

use super::Eval;
use crate::input::terraform::bounds::MAX_WEIGHT;
use crate::input::terraform::functions;
use crate::input::terraform::spanned::{SpStr, push_part};
use crate::input::terraform::value::{Sv, V};
use crate::source::{SourceId, Span};

/// The text rendered so far.
struct Buf {
    text: String,
    offs: Vec<usize>,
    /// The previous marker had `~` on its right: the next literal loses its leading whitespace.
    trim_next: bool,
}

impl Buf {
    fn trim_end(&mut self) {
        let keep = self.text.trim_end().len();
        self.text.truncate(keep);
        self.offs.truncate(keep);
    }

    fn push(&mut self, part: &SpStr, span: Span) -> bool {
        let part = if self.trim_next {
            let t = part.text.trim_start();
            let cut = part.text.len() - t.len();
            let offs = part.offs.as_ref().map(|o| o[cut.min(o.len())..].to_vec());
            SpStr { text: t.to_string(), src: part.src, offs }
        } else {
            part.clone()
        };
        self.trim_next = false;
        push_part(&mut self.text, &mut self.offs, &part, span);
        self.text.len() / 16 <= MAX_WEIGHT
    }
}

/// Why rendering stopped.
enum Stop {
    Unknown,
    Error,
}

impl Eval<'_> {
    pub(crate) fn template<'t>(
        &mut self,
        elements: impl Iterator<Item = &'t Element>,
        src: SourceId,
        span: Span,
    ) -> Sv {
        let elements: Vec<&Element> = elements.collect();
        // `"${x}"` is the value of `x` itself, not its text (how Terraform reads a template that
        // is one interpolation, and how `.tf.json` writes every expression).
        if let [Element::Interpolation(i)] = elements.as_slice() {
            let mut v = self.eval(&i.expr, src);
            v.span = span;
            return v;
        }
        let mut buf = Buf { text: String::new(), offs: Vec::new(), trim_next: false };
        match self.render(&elements, src, span, &mut buf) {
            Ok(()) => {}
            Err(Stop::Unknown) => return Sv::unknown(span),
            Err(Stop::Error) => return self.fail(span),
        }
        let Buf { text, mut offs, .. } = buf;
        offs.push(offs.last().map(|o| o + 1).unwrap_or(span.start));
        Sv { span, v: V::Str(SpStr { text, src, offs: Some(offs) }) }
    }

    /// A template parsed out of a file (`templatefile`): its spans are in that file.
    pub(crate) fn template_file(&mut self, t: &Template, src: SourceId, span: Span) -> Sv {
        let mut out = self.template(t.iter(), src, Span::new(src, 0, 0));
        out.span = span;
        out
    }

    fn render(
        &mut self,
        elements: &[&Element],
        src: SourceId,
        span: Span,
        buf: &mut Buf,
    ) -> Result<(), Stop> {
        for el in elements {
            match el {
                Element::Literal(l) => {
                    let ls = self.module.hspan(src, l.span(), span);
                    let part = self.literal(l.value(), ls, false);
                    if !buf.push(&part, ls) {
                        return Err(Stop::Unknown);
                    }
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        buf.trim_end();
                    }
                    let v = self.eval(&i.expr, src);
                    let part = match &v.v {
                        V::Str(s) if s.src == src => s.clone(),
                        V::Null => return Err(Stop::Error),
                        V::List(_) | V::Obj(_) => return Err(Stop::Error),
                        _ => match v.text() {
                            Some(t) => SpStr::plain(t, src),
                            None => return Err(Stop::Unknown),
                        },
                    };
                    if !buf.push(&part, v.span) {
                        return Err(Stop::Unknown);
                    }
                    buf.trim_next = i.strip.strip_end();
                }
                Element::Directive(d) => self.directive(d, src, span, buf)?,
            }
        }
        Ok(())
    }

    fn directive(&mut self, d: &Directive, src: SourceId, span: Span, buf: &mut Buf) -> Result<(), Stop> {
        match d {
            Directive::If(d) => {
                if d.if_expr.strip.strip_start() {
                    buf.trim_end();
                }
                let cond = self.eval(&d.if_expr.cond_expr, src);
                let (body, open, close) = match (cond.as_bool(), &d.else_expr) {
                    (Some(true), Some(e)) => (Some(&d.if_expr.template), d.if_expr.strip, e.strip),
                    (Some(true), None) => (Some(&d.if_expr.template), d.if_expr.strip, d.endif_expr.strip),
                    (Some(false), Some(e)) => (Some(&e.template), e.strip, d.endif_expr.strip),
                    (Some(false), None) => (None, d.if_expr.strip, d.endif_expr.strip),
                    (None, _) if cond.is_unknown() => return Err(Stop::Unknown),
                    (None, _) => return Err(Stop::Error),
                };
                buf.trim_next = open.strip_end();
                if let Some(t) = body {
                    let els: Vec<&Element> = t.iter().collect();
                    self.render(&els, src, span, buf)?;
                }
                if close.strip_start() {
                    buf.trim_end();
                }
                buf.trim_next = d.endif_expr.strip.strip_end();
            }
            Directive::For(d) => {
                let f = &d.for_expr;
                if f.strip.strip_start() {
                    buf.trim_end();
                }
                let coll = self.eval(&f.collection_expr, src);
                let Some(pairs) = functions::iterate(&coll) else {
                    return Err(if coll.is_unknown() { Stop::Unknown } else { Stop::Error });
                };
                let els: Vec<&Element> = f.template.iter().collect();
                for (k, v) in pairs {
                    let mut names = std::collections::HashMap::new();
                    if let Some(kn) = &f.key_var {
                        names.insert(kn.as_str().to_string(), k);
                    }
                    names.insert(f.value_var.as_str().to_string(), v);
                    buf.trim_next = f.strip.strip_end();
                    self.scope.push(names);
                    let r = self.render(&els, src, span, buf);
                    self.scope.pop();
                    r?;
                    if d.endfor_expr.strip.strip_start() {
                        buf.trim_end();
                    }
                }
                buf.trim_next = d.endfor_expr.strip.strip_end();
            }
        }
        Ok(())
    }
}
