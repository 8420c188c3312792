#![no_main]

// A thin wrapper: the body is `trustlint::fuzz::terraform_hcl`, which tests/fuzz_corpus.rs also runs
// over the seeds and fuzz/regressions/ on stable.
libfuzzer_sys::fuzz_target!(|data: &[u8]| trustlint::fuzz::terraform_hcl(data));
