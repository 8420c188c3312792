//! Spacelift external id grammar.
