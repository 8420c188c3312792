//! Facts about AWS, STS and Spacelift that the rest of the crate relies on, written once.
//! Depends on nothing above `source`; the public sources are listed in `docs/facts.md`.

pub mod arn;
pub mod region;
pub mod spacelift;
pub mod sts;

pub use arn::PARTITIONS;

/// An AWS account id: exactly 12 ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}
