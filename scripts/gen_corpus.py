#!/usr/bin/env python3
"""The generated benchmark corpus: deterministic, 40% trust policies, 40% permission policies,
20% `.tf` modules, in directories of 1000 files (the first tenth is the 10% point for linearity).

    scripts/gen_corpus.py OUT_DIR FILES

Used by scripts/bench.sh (the 100k corpus) and scripts/compare-findings.sh (a small one, so that
"no finding changes" also covers generated trust, permission and Terraform input)."""
import json, os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(16)
services = ["s3", "ec2", "iam", "lambda", "dynamodb", "sqs", "sns", "kms", "logs", "sts"]
verbs = ["Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag"]
def trust(i):
    st = [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"},
           "Action": "sts:AssumeRole",
           "Condition": {"StringLike": {"sts:ExternalId": f"acme@*@stack-{i % 97}@{rnd.choice(['read', 'write', '*'])}"}}}]
    if i % 3 == 0:
        st.append({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
    if i % 5 == 0:
        st.append({"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                   "Action": "sts:AssumeRoleWithWebIdentity",
                   "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": f"repo:acme/app-{i % 41}:*"},
                                 "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}})
    return {"Version": "2012-10-17", "Statement": st}
def permission(i):
    st = []
    for k in range(rnd.randint(2, 8)):
        svc = rnd.choice(services)
        acts = [f"{svc}:{rnd.choice(verbs)}{rnd.choice(['*', 'Object', 'Item', 'Function', 'Queue', 'Key'])}" for _ in range(rnd.randint(1, 6))]
        res = "*" if rnd.random() < 0.3 else f"arn:aws:{svc}:eu-west-1:111122223333:thing/app-{i}-{k}/*"
        st.append({"Sid": f"S{k}", "Effect": "Allow", "Action": acts, "Resource": res})
    return {"Version": "2012-10-17", "Statement": st}
def tf(i):
    return f'''resource "aws_iam_role" "app" {{
  name = "app-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = "arn:aws:iam::324880187172:root" }}
      Action    = "sts:AssumeRole"
      Condition = {{ StringLike = {{ "sts:ExternalId" = "acme@*@app-{i}@*" }} }}
    }}]
  }})
}}

resource "aws_iam_role_policy" "app" {{
  role = aws_iam_role.app.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::app-{i}/*" }}]
  }})
}}
'''
for i in range(n):
    d = os.path.join(out, f"d{i // 1000:03}")
    kind = i % 5
    if kind == 4:
        path = os.path.join(d, f"m{i}", "main.tf")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write(tf(i))
        continue
    os.makedirs(d, exist_ok=True)
    doc = trust(i) if kind < 2 else permission(i)
    json.dump(doc, open(os.path.join(d, f"p{i}.json"), "w"), indent=2)
