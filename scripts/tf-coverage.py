#!/usr/bin/env python3
"""Policy coverage of trustlint on a directory of Terraform.

For each directory given, prints:

* an independent count of policy places, made without trustlint and without an HCL library: a
  small scanner finds top-level `resource`/`data`/`provider` blocks (skipping strings, heredocs
  and comments) and counts, per block type, the attributes and nested blocks that hold an IAM
  policy (see PLACES), plus `aws_iam_policy_document` data sources that nothing in their
  directory references, and provider `assume_role` blocks (plain and `dynamic`);
* trustlint's own account of the same places (`check --policy-places`): linted, partly known,
  or unknown with the reason, one Terraform block attribute counted once however many
  `count`/`for_each` instances it has and however many module calls evaluate it.

"Resolvable as written" leaves out places whose value comes from outside the directory: an input
variable without a default, a module output, an attribute known only after apply, a null.

Usage: scripts/tf-coverage.py [--trustlint BIN] [--details] DIR...
"""

import argparse
import collections
import os
import re
import subprocess
import sys

# block type -> policy-bearing attributes (top level of the block) and nested blocks that hold
# a `policy` attribute.
PLACES = {
    ("resource", "aws_iam_role"): (["assume_role_policy"], ["inline_policy"]),
    ("resource", "aws_iam_policy"): (["policy"], []),
    ("resource", "aws_iam_role_policy"): (["policy"], []),
    ("resource", "aws_iam_user_policy"): (["policy"], []),
    ("resource", "aws_iam_group_policy"): (["policy"], []),
    ("resource", "aws_ssoadmin_permission_set_inline_policy"): (["inline_policy"], []),
    ("resource", "aws_organizations_policy"): (["content"], []),
    ("resource", "aws_s3_bucket_policy"): (["policy"], []),
    ("resource", "aws_s3_bucket"): (["policy"], []),
    ("resource", "aws_kms_key"): (["policy"], []),
    ("resource", "aws_kms_replica_key"): (["policy"], []),
    ("resource", "aws_sqs_queue_policy"): (["policy"], []),
    ("resource", "aws_sqs_queue"): (["policy"], []),
    ("resource", "aws_sns_topic_policy"): (["policy"], []),
    ("resource", "aws_sns_topic"): (["policy"], []),
    ("resource", "aws_ecr_repository_policy"): (["policy"], []),
    ("resource", "aws_ecr_registry_policy"): (["policy"], []),
    ("resource", "aws_secretsmanager_secret_policy"): (["policy"], []),
    ("resource", "aws_secretsmanager_secret"): (["policy"], []),
    ("resource", "aws_cloudwatch_log_resource_policy"): (["policy_document"], []),
    ("resource", "aws_lambda_permission"): (["principal"], []),
}

RESOURCE_KINDS = {t for (_, t) in PLACES} - {
    "aws_iam_role", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy",
    "aws_iam_group_policy", "aws_ssoadmin_permission_set_inline_policy", "aws_organizations_policy",
}

# Reasons (from trustlint) that mean the value is not in the directory as written.
UNRESOLVABLE = (
    "input variable without a default",
    "module output",
    "resource attribute known after apply",
    "data source attribute known to the provider",
    "no policy",
)

HEAD = re.compile(r'^[ \t]*(resource|data|provider|module)[ \t]+"([^"]+)"(?:[ \t]+"([^"]+)")?[ \t]*\{', re.M)


def skip_string(text, i):
    """`text[i]` is `"`: index after the closing quote (templates may nest strings)."""
    i += 1
    depth = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "$" and text.startswith("${", i) or c == "%" and text.startswith("%{", i):
            depth += 1
            i += 2
            continue
        if c == "}" and depth:
            depth -= 1
        elif c == '"' and depth:
            i = skip_string(text, i)
            continue
        elif c == '"':
            return i + 1
        elif c == "\n" and not depth:
            return i + 1
        i += 1
    return i


def block_end(text, i):
    """`text[i]` is `{`: index after the matching `}`, skipping strings, heredocs, comments."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = skip_string(text, i)
            continue
        if c == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if text.startswith("<<", i):
            m = re.match(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\n", text[i:])
            if m:
                end = re.compile(r"^[ \t]*" + re.escape(m.group(1)) + r"[ \t]*$", re.M)
                e = end.search(text, i + m.end())
                i = n if not e else e.end()
                continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def top_level(body):
    """The text of a block body at nesting depth 1 only (nested blocks and values blanked)."""
    out = []
    i, n = 0, len(body)
    depth = 0
    while i < n:
        c = body[i]
        if c == '"':
            j = skip_string(body, i)
            out.append('""' if depth == 1 else "")
            i = j
            continue
        if body.startswith("<<", i):
            m = re.match(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\n", body[i:])
            if m:
                end = re.compile(r"^[ \t]*" + re.escape(m.group(1)) + r"[ \t]*$", re.M)
                e = end.search(body, i + m.end())
                i = n if not e else e.end()
                out.append('""')
                continue
        if c == "#" or body.startswith("//", i):
            j = body.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "{[(":
            depth += 1
            if depth == 1 or depth == 2:
                out.append(c)
        elif c in "}])":
            if depth == 1 or depth == 2:
                out.append(c)
            depth -= 1
        elif depth <= 1:
            out.append(c)
        i += 1
    return "".join(out)


def count_places(directory):
    """Independent count: {category: n} plus per-type detail."""
    counts = collections.Counter()
    per_type = collections.Counter()
    modules = collections.defaultdict(list)
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            if f.endswith(".tf"):
                modules[root].append(os.path.join(root, f))
    for mod, paths in modules.items():
        texts = []
        for p in paths:
            try:
                with open(p, encoding="utf-8", errors="replace") as fh:
                    texts.append(fh.read())
            except OSError:
                continue
        docs = []
        # Text of the blocks that hold policy places, of locals and of other documents: a
        # document named there is read through a place; any other (used only by outputs,
        # module arguments, or nothing) is a place of its own.
        place_text = []
        for text in texts:
            # locals feed places too (`policy = local.policy`).
            for m in re.finditer(r"^locals\s*\{", text, re.M):
                start = m.end() - 1
                place_text.append(text[start:block_end(text, start)])
            for m in HEAD.finditer(text):
                kind, ty, name = m.group(1), m.group(2), m.group(3)
                start = m.end() - 1
                body = text[start + 1:block_end(text, start) - 1]
                if kind == "provider" and ty == "aws":
                    n = len(re.findall(r'^\s*(assume_role|dynamic\s+"assume_role")\s*\{', body, re.M))
                    counts["provider assume_role"] += n
                    continue
                if kind == "data" and ty == "aws_iam_policy_document":
                    docs.append(name or "")
                    place_text.append(body)  # source_policy_documents of another document
                    continue
                spec = PLACES.get((kind, ty))
                if not spec:
                    continue
                attrs, blocks = spec
                place_text.append(body)
                top = top_level(body)
                for a in attrs:
                    if re.search(r"^\s*" + a + r"\s*=", top, re.M):
                        cat = "resource policy" if ty in RESOURCE_KINDS else "IAM policy"
                        counts[cat] += 1
                        per_type[ty] += 1
                for b in blocks:
                    n = len(re.findall(r'^\s*(' + b + r'|dynamic\s+"' + b + r'")\s*\{', body, re.M))
                    counts["IAM policy"] += n
                    per_type[ty + "." + b] += n
        used = "\n".join(place_text)
        for name in docs:
            if not re.search(r"data\.aws_iam_policy_document\." + re.escape(name) + r"\b", used):
                counts["unreferenced policy document"] += 1
                per_type["data.aws_iam_policy_document (not read by a place)"] += 1
    return counts, per_type


def trustlint_places(binary, directory):
    """trustlint's places, one per (file, line, address without instance keys), best status."""
    cmd = [binary, "check", directory, "--policy-places", "-q", "--no-config", "--format", "json"]
    run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    best = {}
    assume = collections.Counter()
    rank = {"linted": 2, "partial": 1, "unknown": 0}
    for line in run.stderr.splitlines():
        parts = line.split("\t")
        if len(parts) != 6:
            continue
        path, lineno, subject, kind, status, reason = parts
        if kind == "assume_role":
            assume[subject.startswith("provider"), status] += 1
            continue
        if subject == "-" or subject.startswith("provider") or subject.startswith("backend"):
            continue  # a raw JSON file, or a provider session policy
        # One place however many instances or module calls evaluate it.
        base = re.sub(r'\[[^\]]*\]', "", subject)
        base = re.sub(r'^(module\.[^.]+\.)+', "", base)
        key = (path, lineno, base)
        if key not in best or rank[status] > rank[best[key][0]]:
            best[key] = (status, reason, kind)
    return best, assume


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trustlint", default=os.environ.get("TRUSTLINT", "trustlint"))
    ap.add_argument("--details", action="store_true", help="list the unknown places with reasons")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    total = collections.Counter()
    reasons_all = collections.Counter()
    for d in args.dirs:
        counts, per_type = count_places(d)
        places, assume = trustlint_places(args.trustlint, d)
        provider_assume = assume[True, "linted"] + assume[True, "partial"]
        st = collections.Counter(s for s, _, _ in places.values())
        reasons = collections.Counter()
        for status, reason, _ in places.values():
            if status == "unknown":
                m = re.search(r" \(([^()]*)\)$", reason)
                reasons[m.group(1) if m else reason] += 1
        unres = sum(n for r, n in reasons.items() if r in UNRESOLVABLE)
        found = len(places)
        resolvable = found - unres
        linted = st["linted"] + st["partial"]
        independent = counts["IAM policy"] + counts["resource policy"] + counts["unreferenced policy document"]
        missed = max(0, independent - found)
        print(f"{d}")
        print(f"  independent count: {independent} policy places ({counts['IAM policy']} IAM, "
              f"{counts['resource policy']} resource, {counts['unreferenced policy document']} "
              f"documents read by no place), {counts['provider assume_role']} provider assume_role blocks")
        pct = f"{100 * linted / resolvable:.1f}%" if resolvable else "-"
        print(f"  trustlint: {found} places found, {st['linted']} linted, {st['partial']} partly known, "
              f"{st['unknown']} unknown ({unres} not resolvable as written); "
              f"linted {linted}/{resolvable} resolvable = {pct}"
              + (f"; {missed} fewer than counted independently" if missed else ""))
        print(f"  trustlint: {provider_assume} provider assume_role blocks read "
              f"({assume[True, 'partial']} with an unknown role_arn, duration, external_id or session_name)")
        for r, n in reasons.most_common():
            print(f"    unknown: {n:4d}  {r}")
        if args.details:
            for (path, line, subject), (status, reason, _) in sorted(places.items()):
                if status == "unknown":
                    print(f"    {path}:{line} {subject}: {reason}")
        total.update(counts)
        total.update({"found": found, "linted": st["linted"], "partial": st["partial"],
                      "unknown": st["unknown"], "unresolvable": unres, "independent": independent,
                      "assume": provider_assume, "assume_partial": assume[True, "partial"]})
        reasons_all.update(reasons)
    if len(args.dirs) > 1:
        resolvable = total["found"] - total["unresolvable"]
        linted = total["linted"] + total["partial"]
        pct = f"{100 * linted / resolvable:.1f}%" if resolvable else "-"
        print("total")
        print(f"  independent count: {total['independent']} policy places ({total['IAM policy']} IAM, "
              f"{total['resource policy']} resource, {total['unreferenced policy document']} "
              f"documents read by no place), {total['provider assume_role']} provider assume_role blocks")
        print(f"  trustlint: {total['found']} places found, {total['linted']} linted, {total['partial']} partly "
              f"known, {total['unknown']} unknown ({total['unresolvable']} not resolvable as written); "
              f"linted {linted}/{resolvable} resolvable = {pct}")
        print(f"  trustlint: {total['assume']} provider assume_role blocks read ({total['assume_partial']} partly "
              f"known)")
        for r, n in reasons_all.most_common():
            print(f"    unknown: {n:4d}  {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
