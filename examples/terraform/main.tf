# A Spacelift integration whose role can write, trusted for plan (read) runs too.
provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/deploy"
    duration     = "2h"
    session_name = "ci deploy"
  }
}

resource "aws_iam_role" "spacelift" {
  name = "spacelift-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::324880187172:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringLike = { "sts:ExternalId" = "acme@*@app@*" } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "power" {
  role       = aws_iam_role.spacelift.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "spacelift_aws_integration" "app" {
  name             = "app"
  role_arn         = aws_iam_role.spacelift.arn
  duration_seconds = 7200
}

resource "spacelift_aws_integration_attachment" "app" {
  integration_id = spacelift_aws_integration.app.id
  stack_id       = "app"
}
