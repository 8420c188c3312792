#!/usr/bin/env bash
# The public Terraform corpus the README's real-input figures are measured on: nine IAM-heavy
# repositories at pinned commits, exported (no history) into one directory, then linted with
# one or two binaries: CPU seconds, peak RSS, findings by code, and, with two binaries, whether
# the JSON reports are identical.
#
#   scripts/real-corpus.sh DIR [BIN [REFERENCE_BIN]]
#
# DIR is made when absent (needs network: clones from GitHub, or from local mirrors when
# MIRROR=/path/to/mirrors holds `owner+name/repo` git directories). BIN defaults to
# target/release/trustlint.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: scripts/real-corpus.sh DIR [BIN [REFERENCE_BIN]]}"
bin="${2:-target/release/trustlint}"
ref="${3:-}"

# owner/name commit
repos="
aws-ia/terraform-aws-control_tower_account_factory 2ba0f21627e90f86115031bc9f6ea1eb50cd411f
cloudposse/terraform-aws-components a10df84fcd6e3456938f2b95c6283118f0607e5d
cloudposse/terraform-aws-eks-cluster 1def0d9ac2ab798c127961142eb756c3408af49a
cloudposse/terraform-aws-iam-role 1033fc3dad3196ecbee53f426cd8fc916a615721
spacelift-io/terraform-aws-spacelift-selfhosted 47885da2644042ec51797ccb5f7f4bc8155703df
terraform-aws-modules/terraform-aws-atlantis 9a87714768d4381de6951edb1b50304b8b23139e
terraform-aws-modules/terraform-aws-eks bef29c4d9523523e57fe898643fde2895106b339
terraform-aws-modules/terraform-aws-iam 981121bcd17618b8ed032223c0d9e647b9277ef9
terraform-aws-modules/terraform-aws-lambda 23d00f7daef40091e87ed2f9dc5d8532e9d2cc22
"

# Only `.tf` and `.json` files: what trustlint reads (large binary files of some repositories
# are not in every mirror).
export_repo() {
  local git_dir=$1 commit=$2 out=$3
  mkdir -p "$out"
  git --git-dir="$git_dir" ls-tree -r --name-only "$commit" | grep -E '\.(tf|json)$' |
    while read -r f; do
      mkdir -p "$out/$(dirname "$f")"
      git --git-dir="$git_dir" show "$commit:$f" >"$out/$f" 2>/dev/null || rm -f "$out/$f"
    done
}

if [ ! -d "$dir" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "$repos" | while read -r repo commit; do
    [ -n "$repo" ] || continue
    name=${repo/\//+}
    if [ -n "${MIRROR:-}" ]; then
      git_dir="$MIRROR/$name/repo"
    else
      git_dir="$tmp/$name.git"
      git init -q --bare "$git_dir"
      git --git-dir="$git_dir" fetch -q --depth 1 "https://github.com/$repo" "$commit"
    fi
    export_repo "$git_dir" "$commit" "$dir/$name"
  done
fi
echo "corpus $dir: $(find "$dir" -name '*.tf' | wc -l) .tf files, $(find "$dir" -name '*.json' | wc -l) .json files"

out=$(mktemp -d)
trap 'rm -rf "$out" "${tmp:-}"' EXIT
for side in new ref; do
  b=$bin
  if [ "$side" = ref ]; then
    [ -n "$ref" ] || continue
    b=$ref
  fi
  python3 - "$b" "$dir" "$out/$side.json" <<'PY'
import os, subprocess, sys
b, d, path = sys.argv[1:]
with open(path, "wb") as f:
    p = subprocess.Popen([b, "check", "--no-config", "--format", "json", d], stdout=f, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
print(f"{b}: {ru.ru_utime + ru.ru_stime:.2f} CPU-s, {ru.ru_maxrss / 1024:.0f} MB peak, exit {os.waitstatus_to_exitcode(status)}")
PY
  python3 - "$out/$side.json" <<'PY'
import collections, json, sys
findings = json.load(open(sys.argv[1]))["findings"]
codes = collections.Counter(f["code"] for f in findings)
print(f"  {len(findings)} findings: " + ", ".join(f"{c} {n}" for c, n in codes.most_common()))
PY
done
if [ -n "$ref" ]; then
  if cmp -s "$out/new.json" "$out/ref.json"; then echo "reports identical"; else echo "reports differ"; exit 1; fi
fi
