//! `count` and `for_each`: one `resource`, `data` or `module` block stands for several
//! instances, addressed as Terraform does (`aws_iam_role.r[0]`, `aws_iam_role.r["net"]`), each
//! evaluated with `count.index` or `each.key`/`each.value` bound.
//!
//! A collection that is not known statically (`count = var.create ? 1 : 0` with the variable set
//! by callers) is one *possible* instance whose key is unknown: it is linted, and its policies
//! say "when created".

use std::collections::HashMap;

use hcl_edit::expr::Expression;

use crate::input::terraform::value::{Sv, V};

/// Instances beyond this many are not expanded (a `count = 10000` must not make the run slow);
/// the ones kept are linted, the rest stand for the same policies.
pub const MAX_INSTANCES: usize = 64;

/// The key of one instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Index(usize),
    Name(String),
}

impl Key {
    /// `[0]` or `["net"]`, as in Terraform addresses.
    pub fn suffix(&self) -> String {
        match self {
            Key::Index(i) => format!("[{i}]"),
            Key::Name(n) => format!("[{n:?}]"),
        }
    }

    pub fn matches(&self, v: &Sv) -> bool {
        match (self, &v.v) {
            (Key::Index(i), V::Num(n)) => n.parse::<usize>().ok() == Some(*i),
            (Key::Name(k), V::Str(s)) => &s.text == k,
            (Key::Index(i), V::Str(s)) => s.text.parse::<usize>().ok() == Some(*i),
            _ => false,
        }
    }
}

/// One instance of a block.
#[derive(Debug, Clone)]
pub struct Instance {
    /// `None` for a block without `count`/`for_each`, or for the one possible instance of an
    /// unknown collection (then `symbolic`).
    pub key: Option<Key>,
    pub symbolic: bool,
    /// `count` / `each` bindings.
    pub scope: HashMap<String, Sv>,
}

impl Instance {
    pub fn single() -> Self {
        Instance { key: None, symbolic: false, scope: HashMap::new() }
    }

    /// The address of this instance of `base` (`aws_iam_role.r["net"]`); the one possible
    /// instance of an unknown collection is the block's own address.
    pub fn address(&self, base: &str) -> String {
        match &self.key {
            Some(k) => format!("{base}{}", k.suffix()),
            None => base.to_string(),
        }
    }

    /// Does a reference's index select this instance? The one possible instance of an unknown
    /// collection stands for every index.
    pub fn selected_by(&self, idx: &Sv) -> bool {
        self.symbolic || self.key.as_ref().is_some_and(|k| k.matches(idx))
    }
}

/// Does the expression read an input variable (directly)? A count or for_each that is empty only
/// through a variable's default is still a possible instance: callers of the module turn it on.
pub fn reads_variable(expr: &Expression) -> bool {
    expr.to_string().contains("var.")
}
