//! Terraform's built-in functions that real modules use to build policies, on evaluated values.
//! Each follows Terraform's documented behaviour (checked against `terraform console` by
//! `tests/terraform_console.rs`). An unknown argument makes the result unknown, except where
//! Terraform keeps a partly known value (`concat`, `merge`, `length` of a list with unknown
//! elements).

use crate::input::terraform::bounds::{MAX_WEIGHT, Tally};
use crate::input::terraform::spanned::{SpStr, parse_json_str};
use crate::input::terraform::value::{Sv, V};
use crate::source::{SourceId, Span};

/// Why a function has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fail {
    /// Depends on something unknown.
    Unknown,
    /// Terraform reports an error (wrong types, `one()` of two items, ...).
    Error,
}

type R = Result<Sv, Fail>;

/// A number's value (numbers and numeric strings, as Terraform converts them).
pub fn num(sv: &Sv) -> Option<f64> {
    match &sv.v {
        V::Num(n) => n.parse().ok(),
        V::Str(s) => s.text.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

/// Whole numbers without a fraction, as Terraform prints them.
/// Terraform computes in arbitrary precision (`0.1 + 0.2` is `0.3`, `1 / 3` is as precise as
/// a float64 shows): a result within two units in the last place of a 15-digit decimal is
/// that decimal (the error binary arithmetic adds), anything else is shown in full.
pub fn format_num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    let ulp = f64::EPSILON * f.abs();
    if (rounded - f).abs() <= 2.0 * ulp { format!("{rounded}") } else { format!("{f}") }
}

pub fn num_value(f: f64) -> V {
    V::Num(format_num(f))
}

fn str_v(t: String, src: SourceId) -> V {
    V::Str(SpStr::plain(t, src))
}

/// The string value of a known primitive (numbers and bools convert, as Terraform does).
fn text(sv: &Sv) -> Result<String, Fail> {
    match &sv.v {
        V::Unknown => Err(Fail::Unknown),
        V::Str(_) | V::Num(_) | V::Bool(_) => sv.text().ok_or(Fail::Error),
        V::Json(_) => sv.text().ok_or(Fail::Unknown),
        _ => Err(Fail::Error),
    }
}

fn list(sv: &Sv) -> Result<&[Sv], Fail> {
    match &sv.v {
        V::List(items) => Ok(items),
        V::Unknown => Err(Fail::Unknown),
        _ => Err(Fail::Error),
    }
}

fn obj(sv: &Sv) -> Result<&[(String, Span, Sv)], Fail> {
    match &sv.v {
        V::Obj(m) => Ok(m),
        V::Unknown => Err(Fail::Unknown),
        _ => Err(Fail::Error),
    }
}

/// Object members in Terraform's order: by key.
fn sorted(m: &[(String, Span, Sv)]) -> Vec<&(String, Span, Sv)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// The (key, value) pairs a `for` iterates: index and element of a list, key and value of an
/// object (by key). `None` for an unknown or non-collection value.
pub fn iterate(sv: &Sv) -> Option<Vec<(Sv, Sv)>> {
    match &sv.v {
        V::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Sv { span: v.span, v: V::Num(i.to_string()) }, v.clone()))
                .collect(),
        ),
        V::Obj(m) => Some(
            sorted(m)
                .into_iter()
                .map(|(k, ks, v)| (Sv { span: *ks, v: str_v(k.clone(), ks.src) }, v.clone()))
                .collect(),
        ),
        V::Null => None,
        _ => None,
    }
}

/// `a == b` as Terraform compares: same type and value; `None` when unknown.
pub fn equal(a: &Sv, b: &Sv) -> Option<bool> {
    match (&a.v, &b.v) {
        (V::Unknown, _) | (_, V::Unknown) => None,
        (V::Null, V::Null) => Some(true),
        (V::Null, _) | (_, V::Null) => Some(false),
        (V::Num(_), V::Num(_)) => Some(num(a) == num(b)),
        (V::Bool(x), V::Bool(y)) => Some(x == y),
        (V::Str(_), V::Str(_)) => Some(a.text() == b.text()),
        (V::List(x), V::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                all &= equal(p, q)?;
            }
            Some(all)
        }
        (V::Obj(x), V::Obj(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (k, _, p) in x {
                let Some((_, _, q)) = y.iter().find(|(k2, _, _)| k2 == k) else { return Some(false) };
                all &= equal(p, q)?;
            }
            Some(all)
        }
        (V::Json(_), _) | (_, V::Json(_)) => match (a.text(), b.text()) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        },
        _ => Some(false),
    }
}

/// `coll[idx]`: a list element by number, an object attribute by string.
pub fn index(coll: &Sv, idx: &Sv) -> R {
    if idx.is_unknown() {
        return Err(Fail::Unknown);
    }
    match &coll.v {
        V::List(items) => {
            let i = num(idx).filter(|f| f.fract() == 0.0 && *f >= 0.0).ok_or(Fail::Error)?;
            items.get(i as usize).cloned().ok_or(Fail::Error)
        }
        V::Obj(m) => {
            let k = text(idx)?;
            m.iter().find(|(key, _, _)| *key == k).map(|(_, _, v)| v.clone()).ok_or(Fail::Error)
        }
        V::Unknown => Err(Fail::Unknown),
        _ => Err(Fail::Error),
    }
}

/// A pure function by name; `Err(Fail::Unknown)` for functions trustlint does not evaluate.
pub fn call(name: &str, args: &[Sv], src: SourceId, span: Span) -> R {
    let v = match name {
        "jsonencode" => jsonencode(args)?,
        "jsondecode" => return jsondecode(args),
        "tolist" | "tostring" | "tomap" | "tonumber" | "tobool" | "sensitive" | "nonsensitive" => {
            return convert(name, args, src, span);
        }
        "toset" => set(args)?,
        "lower" | "upper" | "trimspace" | "title" => strings(name, args, src)?,
        "replace" => replace(args, src)?,
        "join" => join(args, src)?,
        "split" => split(args, src, span)?,
        "format" => format(args, src)?,
        "trimprefix" | "trimsuffix" | "startswith" | "endswith" => affix(name, args, src)?,
        "length" => length(args)?,
        "concat" => concat(args)?,
        "flatten" => V::List(flatten(args)?),
        "merge" => merge(args)?,
        "coalesce" => return coalesce(args, span),
        "coalescelist" => return coalescelist(args, span),
        "lookup" => return lookup(args, span),
        "one" => return one(args, span),
        "element" => return element(args, span),
        "keys" | "values" => keys_values(name, args, src)?,
        "zipmap" => zipmap(args, span)?,
        "contains" => contains(args)?,
        "distinct" => distinct(args)?,
        "compact" => compact(args)?,
        "reverse" => V::List(list(one_arg(args)?)?.iter().rev().cloned().collect()),
        "sort" => sort(args, src)?,
        _ => return Err(Fail::Unknown),
    };
    Ok(Sv { span, v })
}

fn one_arg(args: &[Sv]) -> Result<&Sv, Fail> {
    match args {
        [a] => Ok(a),
        _ => Err(Fail::Error),
    }
}

fn jsonencode(args: &[Sv]) -> Result<V, Fail> {
    let a = one_arg(args)?;
    Ok(V::Json(Box::new(a.to_node())))
}

/// The decoded value keeps the spans inside the JSON text (or of the document it encodes).
fn jsondecode(args: &[Sv]) -> R {
    let a = one_arg(args)?;
    match &a.v {
        V::Json(n) => Ok(Sv::from_node(n)),
        V::Str(s) => match parse_json_str(s, a.span) {
            Ok(n) => Ok(Sv::from_node(&n)),
            Err(_) => Err(Fail::Error),
        },
        V::Unknown => Err(Fail::Unknown),
        _ => Err(Fail::Error),
    }
}

fn convert(name: &str, args: &[Sv], src: SourceId, span: Span) -> R {
    let a = one_arg(args)?;
    let v = match (name, &a.v) {
        (_, V::Unknown) => return Err(Fail::Unknown),
        (_, V::Null) => V::Null,
        ("tostring", V::Str(_)) => a.v.clone(),
        ("tostring", V::Num(_) | V::Bool(_)) => str_v(text(a)?, src),
        ("tonumber", _) => num_value(num(a).ok_or(Fail::Error)?),
        ("tobool", _) => V::Bool(a.as_bool().ok_or(Fail::Error)?),
        ("tolist", V::List(_)) | ("tomap", V::Obj(_)) | ("sensitive" | "nonsensitive", _) => a.v.clone(),
        _ => return Err(Fail::Error),
    };
    Ok(Sv { span, v })
}

/// `toset`: distinct elements; strings sorted, as Terraform orders a set of strings.
fn set(args: &[Sv]) -> Result<V, Fail> {
    let items = list(one_arg(args)?)?;
    let mut out: Vec<Sv> = Vec::new();
    for it in items {
        if it.is_unknown() {
            return Err(Fail::Unknown);
        }
        if !out.iter().any(|o| equal(o, it) == Some(true)) {
            out.push(it.clone());
        }
    }
    if out.iter().all(|o| matches!(o.v, V::Str(_))) {
        out.sort_by_key(|o| o.text());
    } else if out.iter().all(|o| matches!(o.v, V::Num(_))) {
        out.sort_by(|a, b| num(a).partial_cmp(&num(b)).unwrap_or(std::cmp::Ordering::Equal));
    }
    Ok(V::List(out))
}

fn strings(name: &str, args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let t = text(one_arg(args)?)?;
    Ok(str_v(
        match name {
            "lower" => t.to_lowercase(),
            "upper" => t.to_uppercase(),
            "title" => title(&t),
            _ => t.trim().to_string(),
        },
        src,
    ))
}

fn title(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut start = true;
    for c in t.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// `replace(s, substr, repl)`; a `substr` written `/.../` is a regular expression (RE2 syntax,
/// which the `regex` crate follows) and `repl` may name its groups (`$1`).
fn replace(args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let [s, a, b] = args else { return Err(Fail::Error) };
    let (s, a, b) = (text(s)?, text(a)?, text(b)?);
    let out = if a.len() > 1 && a.starts_with('/') && a.ends_with('/') {
        let re = regex::RegexBuilder::new(&a[1..a.len() - 1])
            .size_limit(1 << 20)
            .build()
            .map_err(|_| Fail::Error)?;
        re.replace_all(&s, b.as_str()).into_owned()
    } else if a.is_empty() {
        s
    } else {
        s.replace(&a, &b)
    };
    bounded_str(out, src)
}

fn bounded_str(t: String, src: SourceId) -> Result<V, Fail> {
    if t.len() / 16 > MAX_WEIGHT { Err(Fail::Unknown) } else { Ok(str_v(t, src)) }
}

/// `join(sep, list, ...)`: several lists are joined as one.
fn join(args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let [sep, lists @ ..] = args else { return Err(Fail::Error) };
    if lists.is_empty() {
        return Err(Fail::Error);
    }
    let sep = text(sep)?;
    let mut parts = Vec::new();
    for l in lists {
        for it in list(l)? {
            match &it.v {
                V::Null => return Err(Fail::Error),
                _ => parts.push(text(it)?),
            }
        }
    }
    bounded_str(parts.join(&sep), src)
}

fn split(args: &[Sv], src: SourceId, span: Span) -> Result<V, Fail> {
    let [sep, s] = args else { return Err(Fail::Error) };
    let (sep, s) = (text(sep)?, text(s)?);
    let parts: Vec<Sv> = if sep.is_empty() {
        s.chars().map(|c| Sv { span, v: str_v(c.to_string(), src) }).collect()
    } else {
        s.split(sep.as_str()).map(|p| Sv { span, v: str_v(p.to_string(), src) }).collect()
    };
    Ok(V::List(parts))
}

/// Go-style `format` for the verbs Terraform code uses: `%s %d %v %q %%`.
fn format(args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let [fmt, rest @ ..] = args else { return Err(Fail::Error) };
    let fmt = text(fmt)?;
    let mut out = String::new();
    let mut it = fmt.chars();
    let mut n = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = it.next().ok_or(Fail::Error)?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = rest.get(n).ok_or(Fail::Error)?;
        n += 1;
        match verb {
            's' | 'v' => out.push_str(&text(arg)?),
            'd' => out.push_str(&format_num(num(arg).filter(|f| f.fract() == 0.0).ok_or(Fail::Error)?)),
            'q' => out.push_str(&serde_json::Value::String(text(arg)?).to_string()),
            _ => return Err(Fail::Unknown),
        }
    }
    bounded_str(out, src)
}

fn affix(name: &str, args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let [s, a] = args else { return Err(Fail::Error) };
    let (s, a) = (text(s)?, text(a)?);
    Ok(match name {
        "trimprefix" => str_v(s.strip_prefix(a.as_str()).unwrap_or(&s).to_string(), src),
        "trimsuffix" => str_v(s.strip_suffix(a.as_str()).unwrap_or(&s).to_string(), src),
        "startswith" => V::Bool(s.starts_with(a.as_str())),
        _ => V::Bool(s.ends_with(a.as_str())),
    })
}

fn length(args: &[Sv]) -> Result<V, Fail> {
    let a = one_arg(args)?;
    let n = match &a.v {
        V::List(items) => items.len(),
        V::Obj(m) => m.len(),
        V::Str(s) => s.text.chars().count(),
        V::Unknown => return Err(Fail::Unknown),
        _ => return Err(Fail::Error),
    };
    Ok(V::Num(n.to_string()))
}

fn concat(args: &[Sv]) -> Result<V, Fail> {
    let mut out = Vec::new();
    let mut tally = Tally::default();
    for a in args {
        for it in list(a)? {
            if !tally.add(it) {
                return Err(Fail::Unknown);
            }
            out.push(it.clone());
        }
    }
    Ok(V::List(out))
}

fn flatten(args: &[Sv]) -> Result<Vec<Sv>, Fail> {
    let mut out = Vec::new();
    let mut tally = Tally::default();
    fn walk(items: &[Sv], out: &mut Vec<Sv>, tally: &mut Tally) -> Result<(), Fail> {
        for it in items {
            match &it.v {
                V::List(inner) => walk(inner, out, tally)?,
                V::Unknown => return Err(Fail::Unknown),
                _ => {
                    if !tally.add(it) {
                        return Err(Fail::Unknown);
                    }
                    out.push(it.clone())
                }
            }
        }
        Ok(())
    }
    walk(list(one_arg(args)?)?, &mut out, &mut tally)?;
    Ok(out)
}

/// `merge(a, b, ...)`: later keys win; null arguments are skipped.
fn merge(args: &[Sv]) -> Result<V, Fail> {
    let mut out: Vec<(String, Span, Sv)> = Vec::new();
    let mut tally = Tally::default();
    for a in args {
        if matches!(a.v, V::Null) {
            continue;
        }
        for (k, ks, v) in obj(a)? {
            if !tally.add(v) {
                return Err(Fail::Unknown);
            }
            out.retain(|(key, _, _)| key != k);
            out.push((k.clone(), *ks, v.clone()));
        }
    }
    Ok(V::Obj(out))
}

/// `coalesce(a, b, ...)`: the first argument that is neither null nor an empty string.
fn coalesce(args: &[Sv], span: Span) -> R {
    for a in args {
        match &a.v {
            V::Unknown => return Err(Fail::Unknown),
            V::Null => continue,
            V::Str(s) if s.text.is_empty() => continue,
            _ => {
                return Ok(Sv { span, v: a.v.clone() });
            }
        }
    }
    Err(Fail::Error)
}

fn coalescelist(args: &[Sv], span: Span) -> R {
    for a in args {
        match &a.v {
            V::List(items) if items.is_empty() => continue,
            V::List(_) => return Ok(Sv { span, v: a.v.clone() }),
            V::Unknown => return Err(Fail::Unknown),
            _ => return Err(Fail::Error),
        }
    }
    Err(Fail::Error)
}

fn lookup(args: &[Sv], span: Span) -> R {
    let (m, k, default) = match args {
        [m, k] => (m, k, None),
        [m, k, d] => (m, k, Some(d)),
        _ => return Err(Fail::Error),
    };
    let k = text(k)?;
    match obj(m)?.iter().find(|(key, _, _)| *key == k) {
        Some((_, _, v)) => Ok(Sv { span, v: v.v.clone() }),
        None => default.map(|d| Sv { span, v: d.v.clone() }).ok_or(Fail::Error),
    }
}

fn one(args: &[Sv], span: Span) -> R {
    match list(one_arg(args)?)? {
        [] => Ok(Sv { span, v: V::Null }),
        [x] => Ok(Sv { span, v: x.v.clone() }),
        _ => Err(Fail::Error),
    }
}

/// `element(list, i)` wraps around the end of the list.
fn element(args: &[Sv], span: Span) -> R {
    let [l, i] = args else { return Err(Fail::Error) };
    let items = list(l)?;
    let i = num(i).filter(|f| f.fract() == 0.0 && *f >= 0.0).ok_or(if i.is_unknown() {
        Fail::Unknown
    } else {
        Fail::Error
    })?;
    if items.is_empty() {
        return Err(Fail::Error);
    }
    let v = &items[(i as usize) % items.len()];
    Ok(Sv { span, v: v.v.clone() })
}

fn keys_values(name: &str, args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let m = obj(one_arg(args)?)?;
    Ok(V::List(
        sorted(m)
            .into_iter()
            .map(
                |(k, ks, v)| {
                    if name == "keys" { Sv { span: *ks, v: str_v(k.clone(), src) } } else { v.clone() }
                },
            )
            .collect(),
    ))
}

fn zipmap(args: &[Sv], span: Span) -> Result<V, Fail> {
    let [k, v] = args else { return Err(Fail::Error) };
    let (ks, vs) = (list(k)?, list(v)?);
    if ks.len() != vs.len() {
        return Err(Fail::Error);
    }
    let mut out: Vec<(String, Span, Sv)> = Vec::new();
    for (k, v) in ks.iter().zip(vs) {
        let k = text(k)?;
        out.retain(|(key, _, _)| *key != k);
        out.push((k, span, v.clone()));
    }
    Ok(V::Obj(out))
}

fn contains(args: &[Sv]) -> Result<V, Fail> {
    let [l, x] = args else { return Err(Fail::Error) };
    let mut unknown = false;
    for it in list(l)? {
        match equal(it, x) {
            Some(true) => return Ok(V::Bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown { Err(Fail::Unknown) } else { Ok(V::Bool(false)) }
}

fn distinct(args: &[Sv]) -> Result<V, Fail> {
    let mut out: Vec<Sv> = Vec::new();
    for it in list(one_arg(args)?)? {
        match out.iter().map(|o| equal(o, it)).collect::<Option<Vec<bool>>>() {
            Some(eqs) if eqs.contains(&true) => {}
            Some(_) => out.push(it.clone()),
            None => return Err(Fail::Unknown),
        }
    }
    Ok(V::List(out))
}

/// `compact(list)`: without null and empty strings.
fn compact(args: &[Sv]) -> Result<V, Fail> {
    let mut out = Vec::new();
    for it in list(one_arg(args)?)? {
        match &it.v {
            V::Null => {}
            V::Str(s) if s.text.is_empty() => {}
            V::Unknown => return Err(Fail::Unknown),
            _ => out.push(it.clone()),
        }
    }
    Ok(V::List(out))
}

/// `sort(list)`: strings in lexical order (numbers are sorted as their text, as Terraform does).
fn sort(args: &[Sv], src: SourceId) -> Result<V, Fail> {
    let mut texts = Vec::new();
    for it in list(one_arg(args)?)? {
        texts.push((text(it)?, it.span));
    }
    texts.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(V::List(texts.into_iter().map(|(t, span)| Sv { span, v: str_v(t, src) }).collect()))
}
