locals {
  op = "StringEquals"
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::324880187172:root"]
    }
    condition {
      test     = local.op
      variable = "aws:PrincipalTag/team"
      values   = ["ops*"]
    }
    condition {
      test     = "${local.op}"
      variable = "aws:PrincipalTag/unit"
      values   = ["a*"]
    }
  }
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
