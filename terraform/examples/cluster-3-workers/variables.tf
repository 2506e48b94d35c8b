variable "region" {
  type        = string
  description = "AWS region of the cluster."
  default     = "eu-west-1"
}

variable "admin_cidr_blocks" {
  type        = list(string)
  description = "IPv4 CIDR blocks allowed to reach SSH and the web UIs."
}

variable "ssh_public_key_path" {
  type        = string
  description = "Path of the SSH public key installed on every node."
  default     = "~/.ssh/id_ed25519.pub"
}

variable "worker_spot" {
  type        = bool
  description = "Run the three workers as spot instances."
  default     = false
}

variable "spot_max_price" {
  type        = string
  description = "Highest hourly price in USD for a spot worker; null caps it at the on-demand price."
  default     = null
}

variable "owner" {
  type        = string
  description = "Who answers for the cluster's cost: written into every resource's owner tag."
}
