#![no_main]

// A thin wrapper: the body is `trustlint::fuzz::aws_config`, which tests/fuzz_corpus.rs also runs
// over the seeds and fuzz/regressions/ on stable.
libfuzzer_sys::fuzz_target!(|data: &[u8]| trustlint::fuzz::aws_config(data));
