provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::111122223333:role/deploy"
    duration = "13h"
  }
}

resource "aws_iam_role" "spacelift" {
  name = "spacelift"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::324880187172:root" }
      Condition = { StringLike = { "sts:ExternalId" = "acme@*@network@*" } }
    }]
  })
}

resource "spacelift_aws_integration" "this" {
  name             = "app"
  role_arn         = aws_iam_role.spacelift.arn
  duration_seconds = 7200
}

resource "spacelift_aws_integration_attachment" "app" {
  integration_id = spacelift_aws_integration.this.id
  stack_id       = "app"
}

module "logs" {
  source = "./bucket"
}
