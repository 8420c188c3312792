//! Real servers for the `verify` tests: moto (a Python AWS emulator) and a tiny canned HTTP
//! responder. No mocks of the SDK: every test goes through the SDK's real HTTP stack.
#![allow(dead_code)]

pub mod lint;
pub mod moto;
pub mod responder;

/// True when running under CI (`CI` set to anything but empty/`false`/`0`).
pub fn in_ci() -> bool {
    std::env::var("CI").map(|v| !v.is_empty() && v != "false" && v != "0").unwrap_or(false)
}
