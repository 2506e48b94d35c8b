terraform {
  # 1.9: a variable's validation may refer to other variables (admin_cidr_blocks reads allow_public_admin_access).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    local = {
      source  = "hashicorp/local"
      version = ">= 2.4"
    }
  }
}
