terraform {
  # 1.9 is what modules/aws-cluster needs (its admin_cidr_blocks validation reads another variable).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.4"
    }
  }
}
