//! IAM condition operators: `ForAnyValue:StringLikeIfExists` -> qualifier + base + IfExists.

use std::fmt;

/// The base operators IAM knows (docs/facts.md, "Policy grammar and evaluation").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl BaseOp {
    pub const ALL: &'static [BaseOp] = &[
        BaseOp::StringEquals,
        BaseOp::StringNotEquals,
        BaseOp::StringEqualsIgnoreCase,
        BaseOp::StringNotEqualsIgnoreCase,
        BaseOp::StringLike,
        BaseOp::StringNotLike,
        BaseOp::NumericEquals,
        BaseOp::NumericNotEquals,
        BaseOp::NumericLessThan,
        BaseOp::NumericLessThanEquals,
        BaseOp::NumericGreaterThan,
        BaseOp::NumericGreaterThanEquals,
        BaseOp::DateEquals,
        BaseOp::DateNotEquals,
        BaseOp::DateLessThan,
        BaseOp::DateLessThanEquals,
        BaseOp::DateGreaterThan,
        BaseOp::DateGreaterThanEquals,
        BaseOp::Bool,
        BaseOp::BinaryEquals,
        BaseOp::IpAddress,
        BaseOp::NotIpAddress,
        BaseOp::ArnEquals,
        BaseOp::ArnLike,
        BaseOp::ArnNotEquals,
        BaseOp::ArnNotLike,
        BaseOp::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BaseOp::StringEquals => "StringEquals",
            BaseOp::StringNotEquals => "StringNotEquals",
            BaseOp::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOp::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOp::StringLike => "StringLike",
            BaseOp::StringNotLike => "StringNotLike",
            BaseOp::NumericEquals => "NumericEquals",
            BaseOp::NumericNotEquals => "NumericNotEquals",
            BaseOp::NumericLessThan => "NumericLessThan",
            BaseOp::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOp::NumericGreaterThan => "NumericGreaterThan",
            BaseOp::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOp::DateEquals => "DateEquals",
            BaseOp::DateNotEquals => "DateNotEquals",
            BaseOp::DateLessThan => "DateLessThan",
            BaseOp::DateLessThanEquals => "DateLessThanEquals",
            BaseOp::DateGreaterThan => "DateGreaterThan",
            BaseOp::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOp::Bool => "Bool",
            BaseOp::BinaryEquals => "BinaryEquals",
            BaseOp::IpAddress => "IpAddress",
            BaseOp::NotIpAddress => "NotIpAddress",
            BaseOp::ArnEquals => "ArnEquals",
            BaseOp::ArnLike => "ArnLike",
            BaseOp::ArnNotEquals => "ArnNotEquals",
            BaseOp::ArnNotLike => "ArnNotLike",
            BaseOp::Null => "Null",
        }
    }

    /// Negated operators are true when the key is absent from the request.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            BaseOp::StringNotEquals
                | BaseOp::StringNotEqualsIgnoreCase
                | BaseOp::StringNotLike
                | BaseOp::NumericNotEquals
                | BaseOp::DateNotEquals
                | BaseOp::NotIpAddress
                | BaseOp::ArnNotEquals
                | BaseOp::ArnNotLike
        )
    }

    /// Operators whose values are matched literally (no `*`/`?` wildcards).
    pub fn is_exact_match(self) -> bool {
        matches!(
            self,
            BaseOp::StringEquals
                | BaseOp::StringEqualsIgnoreCase
                | BaseOp::ArnEquals
                | BaseOp::StringNotEquals
                | BaseOp::StringNotEqualsIgnoreCase
                | BaseOp::ArnNotEquals
        )
    }

    fn parse(s: &str) -> Option<BaseOp> {
        BaseOp::ALL.iter().copied().find(|op| op.name() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

impl SetQualifier {
    pub fn name(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A condition operator as written, decomposed. `base` is `None` when IAM does not know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub raw: String,
    pub qualifier: Option<SetQualifier>,
    pub base: Option<BaseOp>,
    pub if_exists: bool,
}

impl Operator {
    /// Operator names are case-sensitive in IAM; a wrong case is an unknown operator.
    pub fn parse(raw: &str) -> Operator {
        let mut rest = raw;
        let mut qualifier = None;
        for q in [SetQualifier::ForAllValues, SetQualifier::ForAnyValue] {
            if let Some(r) = rest.strip_prefix(q.name()).and_then(|r| r.strip_prefix(':')) {
                qualifier = Some(q);
                rest = r;
            }
        }
        let (body, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        Operator { raw: raw.to_string(), qualifier, base: BaseOp::parse(body), if_exists }
    }

    pub fn is_known(&self) -> bool {
        self.base.is_some()
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposes() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists");
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, Some(BaseOp::StringLike));
        assert!(op.if_exists);
        assert_eq!(Operator::parse("StringEqual").base, None);
        assert_eq!(Operator::parse("stringequals").base, None);
        assert_eq!(Operator::parse("NullIfExists").base, Some(BaseOp::Null));
    }
}
