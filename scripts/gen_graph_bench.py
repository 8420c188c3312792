#!/usr/bin/env python3
"""Writes the graph benchmark: 10 authorization-details dumps (one per account) of 100 roles
each. Every role may assume the roles of the next account and trusts the previous account's
roles; one hub role per account may assume `*`. Usage: gen_graph_bench.py OUT_DIR"""
import json
import os
import sys

ACCOUNTS = [f"{100000000000 + i:012d}" for i in range(10)]
ROLES = 100


def role(acct, prev, nxt, i):
    name = f"role-{i:03d}"
    resource = "*" if i == 0 else f"arn:aws:iam::{nxt}:role/*"
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{acct}:role/{name}",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{prev}:role/role-{i:03d}"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": f"ext-{i}"}},
            }],
        },
        "RolePolicyList": [{
            "PolicyName": "assume",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["sts:AssumeRole", "s3:GetObject"], "Resource": resource},
                    {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{acct}:role/*"},
                ],
            },
        }],
        "AttachedManagedPolicies": [],
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench-graph"
    os.makedirs(out, exist_ok=True)
    for n, acct in enumerate(ACCOUNTS):
        prev, nxt = ACCOUNTS[n - 1], ACCOUNTS[(n + 1) % len(ACCOUNTS)]
        dump = {"RoleDetailList": [role(acct, prev, nxt, i) for i in range(ROLES)]}
        with open(os.path.join(out, f"account-{acct}.json"), "w") as f:
            json.dump(dump, f, indent=1)


if __name__ == "__main__":
    main()
