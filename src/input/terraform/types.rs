//! The types Terraform's AWS provider gives the attributes trustlint reads, and the conversions
//! Terraform makes to them (a number or a bool becomes a string; nothing makes a list of lists a
//! set of strings). A value no conversion fits is a type error of its own (TL406): `terraform
//! plan` fails on it, so it is not reported as a malformed policy.

use crate::input::terraform::value::{Sv, V};
use crate::model::terraform::TypeError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `string` (`sid`, `effect`, `type`, `test`, `variable`).
    String,
    /// `set(string)` (`actions`, `resources`, `identifiers`).
    StringSet,
    /// `list(string)` (a condition's `values`).
    StringList,
    /// A string holding a JSON document (`assume_role_policy`, `policy`).
    Json,
}

impl Expected {
    fn words(self) -> &'static str {
        match self {
            Expected::String => "a string",
            Expected::StringSet => "a set of strings",
            Expected::StringList => "a list of strings",
            Expected::Json => "a string (a JSON document)",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Expected::String => {
                "write one string; `terraform plan` fails with \"Inappropriate value for attribute\""
            }
            Expected::StringSet | Expected::StringList => {
                "write a flat list of strings (`flatten()` joins lists); `terraform plan` fails with \"Inappropriate value for attribute\""
            }
            Expected::Json => {
                "wrap the document in `jsonencode()`; `terraform plan` fails with \"Inappropriate value for attribute\""
            }
        }
    }
}

/// Whether Terraform converts `v` to a string: scalars do, collections do not; unknown and
/// null values are not known to be wrong.
fn stringish(v: &V) -> bool {
    !matches!(v, V::List(_) | V::Obj(_))
}

/// The type error of `sv` for `attribute`, or `None` when Terraform accepts it.
pub fn check(sv: &Sv, attribute: &str, expected: Expected) -> Option<TypeError> {
    let ok = match expected {
        Expected::String | Expected::Json => stringish(&sv.v),
        Expected::StringSet | Expected::StringList => match &sv.v {
            V::List(items) => items.iter().all(|i| stringish(&i.v)),
            V::Unknown | V::Null => true,
            _ => false,
        },
    };
    if ok {
        return None;
    }
    let scalar_for_list = matches!(expected, Expected::StringSet | Expected::StringList) && stringish(&sv.v);
    let help = if scalar_for_list {
        "put the value in brackets, a list of one (`[\"...\"]`); `terraform plan` fails with \"Inappropriate value for attribute\""
    } else {
        expected.help()
    };
    Some(TypeError {
        span: sv.span,
        attribute: attribute.to_string(),
        expected: expected.words(),
        found: describe(sv),
        help,
    })
}

/// `a list of lists`, `an object`, `a string`.
fn describe(sv: &Sv) -> String {
    match &sv.v {
        V::Str(_) | V::Partial(..) | V::Json(_) => "a string".into(),
        V::Num(_) => "a number".into(),
        V::Bool(_) => "a bool".into(),
        V::Null => "null".into(),
        V::Unknown => "an unknown value".into(),
        V::Obj(_) => "an object".into(),
        V::List(items) => match items.iter().find(|i| !stringish(&i.v)).map(|i| &i.v) {
            Some(V::List(_)) => "a list of lists".into(),
            Some(V::Obj(_)) => "a list of objects".into(),
            _ => "a list".into(),
        },
    }
}

/// Terraform's conversion of a scalar element to a string (`123` is `"123"`): policy
/// documents write every element as a string.
pub fn to_string_value(sv: Sv) -> Sv {
    use crate::input::terraform::spanned::SpStr;
    match &sv.v {
        V::Num(n) => Sv { span: sv.span, v: V::Str(SpStr::plain(n.clone(), sv.span.src)) },
        V::Bool(b) => Sv { span: sv.span, v: V::Str(SpStr::plain(b.to_string(), sv.span.src)) },
        V::List(items) => {
            Sv { span: sv.span, v: V::List(items.iter().cloned().map(to_string_value).collect()) }
        }
        _ => sv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceId, Span};

    fn sv(v: V) -> Sv {
        Sv { span: Span::new(SourceId(1), 0, 1), v }
    }

    fn s(t: &str) -> Sv {
        sv(V::Str(crate::input::terraform::spanned::SpStr::plain(t.into(), SourceId(1))))
    }

    #[test]
    fn a_list_inside_a_set_of_strings_is_a_type_error() {
        let e = check(&sv(V::List(vec![sv(V::List(vec![s("a")]))])), "identifiers", Expected::StringSet);
        let e = e.expect("type error");
        assert_eq!((e.expected, e.found.as_str()), ("a set of strings", "a list of lists"));
        assert_eq!(
            check(&s("a"), "actions", Expected::StringSet).map(|e| e.found).as_deref(),
            Some("a string")
        );
        assert_eq!(
            check(&sv(V::Obj(vec![])), "policy", Expected::Json).map(|e| e.found).as_deref(),
            Some("an object")
        );
    }

    #[test]
    fn what_terraform_converts_is_not_an_error() {
        let list = sv(V::List(vec![s("a"), sv(V::Num("12".into())), sv(V::Bool(true)), sv(V::Unknown)]));
        assert!(check(&list, "identifiers", Expected::StringSet).is_none());
        assert!(check(&sv(V::Num("1".into())), "sid", Expected::String).is_none());
        assert!(check(&sv(V::Unknown), "values", Expected::StringList).is_none());
        assert!(check(&sv(V::Null), "resources", Expected::StringSet).is_none());
        let V::List(items) = to_string_value(list).v else { panic!("a list stays a list") };
        let texts: Vec<Option<String>> = items.iter().map(Sv::text).collect();
        assert_eq!(texts, [Some("a".into()), Some("12".into()), Some("true".into()), None]);
        assert!(matches!(items[1].v, V::Str(_)));
    }
}
