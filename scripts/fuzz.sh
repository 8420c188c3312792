#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a given time, one after the other, on one core each.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]     (default: 600 s, every target)
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seed corpora come from
# fixtures/ and examples/ (the same files tests/fuzz_corpus.rs replays) plus fuzz/seeds/; the
# working corpora live in fuzz/corpus/ (not committed). A crash or timeout input is left in
# fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/, fix the bug, and commit both;
# `cargo test --test fuzz_corpus` then replays it on stable. Prints executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
all=(policy_json terraform_hcl terraform_json plan_json auth_details aws_config external_id pattern)
targets=("${@:-${all[@]}}")

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz); skipped" >&2
  exit 0
fi

seed() {
  local target=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  local files=()
  case $target in
    terraform_hcl) mapfile -t files < <(find fixtures examples -name '*.tf' -type f) ;;
    terraform_json) mapfile -t files < <(find fixtures examples -name '*.tf.json' -type f) ;;
    policy_json) mapfile -t files < <(find fixtures examples -name '*.json' ! -name '*.tf.json' -type f -exec grep -l '"Statement"' {} +) ;;
    plan_json) mapfile -t files < <(find fixtures examples -name '*.json' ! -name '*.tf.json' -type f -exec grep -lE '"(planned_values|resource_changes)"' {} +) ;;
    aws_config) mapfile -t files < <(find fixtures examples -type f \( -name '*.aws-config' -o -name config -o -name credentials -o -path '*/.aws/*' \)) ;;
    auth_details) mapfile -t files < <(find fixtures examples -name '*.json' ! -name '*.tf.json' -type f -exec grep -lE '"(Role|User|Group)DetailList"' {} +) ;;
  esac
  if [ -d "fuzz/seeds/$target" ]; then
    mapfile -t -O "${#files[@]}" files < <(find "fuzz/seeds/$target" -type f)
  fi
  for f in "${files[@]}"; do
    cp "$f" "$dir/seed-$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
  done
}

(cd fuzz && cargo +nightly fuzz build -O)
for t in "${targets[@]}"; do
  seed "$t"
  log=$(mktemp)
  # -timeout: an input taking over 10 s is a hang; -rss_limit_mb: the memory promise (with
  # room for the fuzzer itself); -jobs=1: one core, the machine is shared.
  (cd fuzz && cargo +nightly fuzz run -O "$t" -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
    -max_len=65536 -print_final_stats=1) >"$log" 2>&1 || status=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  if [ "${status:-0}" != 0 ]; then
    # Every target still runs: one crash must not hide another target's.
    grep -E '^(SUMMARY|==[0-9]+==ERROR|thread .* panicked)' "$log" | head -3
    echo "$t: FAILED after ${execs:-?} executions (input in fuzz/artifacts/$t/)"
    failed=1
  else
    echo "$t: ${execs:-?} executions in ${secs} s, no crash"
  fi
  unset status
  rm -f "$log"
done
exit "${failed:-0}"
