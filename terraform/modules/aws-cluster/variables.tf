# Naming

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (VPC, security group, key pair, instances), so that two clusters can share an account."
  default     = "datalake"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,23}$", var.name_prefix))
    error_message = "name_prefix must start with a lower-case letter, hold only lower-case letters, digits and '-', and be at most 24 characters."
  }
}

variable "cluster_name" {
  type        = string
  description = "The cluster's name, given to Ansible as datalake_cluster_name in the inventory."
  default     = "datalake"
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource's tags (and the instances' volumes), e.g. course, owner, expiry date."
  default     = {}
}

# Network

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the cluster's VPC."
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block, e.g. a /16 of a private range."
  }
}

variable "subnet_cidr" {
  type        = string
  description = "IPv4 range of the public subnet that holds every node; must lie inside vpc_cidr. AWS assigns the nodes' addresses from it."
  default     = "10.20.1.0/24"

  validation {
    # Inside vpc_cidr: the subnet's first address, cut to the VPC's prefix length, is the VPC's first address.
    condition = can(cidrhost(var.subnet_cidr, 0)) && try(
      tonumber(split("/", var.subnet_cidr)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) &&
      cidrhost("${cidrhost(var.subnet_cidr, 0)}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0),
      false
    )
    error_message = "subnet_cidr must be an IPv4 CIDR block inside vpc_cidr."
  }
}

variable "availability_zone" {
  type        = string
  description = "Availability zone of the subnet and so of every node; null picks the region's first available zone."
  default     = null
}

variable "associate_public_ip_address" {
  type        = bool
  description = "Give every node a public IPv4 address (Ansible and the web UIs are reached on it). Without one, ansible_host is the private address and the control machine must reach the VPC another way."
  default     = true
}

# Access

variable "admin_cidr_blocks" {
  type        = list(string)
  description = "IPv4 CIDR blocks allowed to reach SSH (22) and the web UIs (9870, 9864, 8081-8085, 8443): the instructor's and the students' networks, e.g. an address with /32."

  validation {
    condition = length(var.admin_cidr_blocks) > 0 && alltrue([
      for block in var.admin_cidr_blocks : can(cidrhost(block, 0)) && can(regex("^[0-9.]+/[0-9]+$", block))
    ])
    error_message = "admin_cidr_blocks must hold at least one IPv4 CIDR block such as <your address>/32 (curl https://checkip.amazonaws.com prints your address)."
  }

  validation {
    # A /0 block is the whole internet: SSH and unauthenticated web UIs open to every scanner.
    condition = var.allow_public_admin_access || alltrue([
      for block in var.admin_cidr_blocks : try(tonumber(split("/", block)[1]) > 0, true)
    ])
    error_message = "admin_cidr_blocks holds a /0 block, which opens SSH and the web UIs to the whole internet; list your own networks instead, or set allow_public_admin_access = true if that is really meant."
  }
}

variable "allow_public_admin_access" {
  type        = bool
  description = "Accept a /0 block (the whole internet) in admin_cidr_blocks. The web UIs have no authentication: leave false."
  default     = false
}

variable "ssh_public_key" {
  type        = string
  description = "The SSH public key text (the content of e.g. ~/.ssh/id_ed25519.pub) installed for ssh_user on every node. Never a private key."

  validation {
    condition     = can(regex("^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?$", trimspace(var.ssh_public_key)))
    error_message = "ssh_public_key must be one public key line starting with ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp..., as in a .pub file; a private key never belongs here."
  }
}

variable "ssh_user" {
  type        = string
  description = "The login user of the image (admin on Debian's AMIs); Ansible connects as this user."
  default     = "admin"
}

# Machines

variable "ami_id" {
  type        = string
  description = "AMI of every node; null looks up the newest official Debian 12 AMI (owner 136693071363) for architecture."
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]+$", var.ami_id))
    error_message = "ami_id must be null or an AMI id such as ami-0123456789abcdef0."
  }
}

variable "architecture" {
  type        = string
  description = "CPU architecture of the looked-up Debian AMI: x86_64 (t3, m6i, ...) or arm64 (t4g, m7g, ...); must match the instance types."
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "master_instance_type" {
  type        = string
  description = "Instance type of the master (Kafka controller and broker, HDFS NameNode, MariaDB, the services)."
  default     = "t3.large"
}

variable "worker_instance_type" {
  type        = string
  description = "Instance type of each worker (Kafka broker, HDFS DataNode)."
  default     = "t3.medium"
}

variable "worker_count" {
  type        = number
  description = "Number of workers; the cluster has one master and this many workers."
  default     = 2

  validation {
    condition     = var.worker_count >= 1 && floor(var.worker_count) == var.worker_count
    error_message = "worker_count must be a whole number of at least 1."
  }
}

variable "root_volume_size_gib" {
  type        = number
  description = "Size of every node's root volume (gp3, encrypted), in GiB."
  default     = 20

  validation {
    condition     = var.root_volume_size_gib >= 8 && floor(var.root_volume_size_gib) == var.root_volume_size_gib
    error_message = "root_volume_size_gib must be a whole number of at least 8 (the Debian image's own size)."
  }
}

variable "master_data_volume_size_gib" {
  type        = number
  description = "Size of the master's data volume (gp3, encrypted, attached as /dev/xvdb) for Kafka logs, NameNode metadata and MariaDB, in GiB; 0 for none."
  default     = 20

  validation {
    condition     = var.master_data_volume_size_gib >= 0 && floor(var.master_data_volume_size_gib) == var.master_data_volume_size_gib
    error_message = "master_data_volume_size_gib must be a whole number, 0 or more."
  }
}

variable "worker_data_volume_size_gib" {
  type        = number
  description = "Size of each worker's data volume (gp3, encrypted, attached as /dev/xvdb) for Kafka logs and HDFS blocks, in GiB; 0 for none."
  default     = 50

  validation {
    condition     = var.worker_data_volume_size_gib >= 0 && floor(var.worker_data_volume_size_gib) == var.worker_data_volume_size_gib
    error_message = "worker_data_volume_size_gib must be a whole number, 0 or more."
  }
}

variable "worker_spot" {
  type        = bool
  description = "Run the workers as spot instances (cheaper; AWS may take one back at two minutes' notice, and terraform apply then makes a new one). The master is always on-demand."
  default     = false
}

variable "spot_max_price" {
  type        = string
  description = "Highest hourly price in USD for a spot worker, e.g. \"0.03\"; null caps it at the on-demand price."
  default     = null

  validation {
    condition     = try(tonumber(var.spot_max_price) > 0, var.spot_max_price == null)
    error_message = "spot_max_price must be null or a positive number of dollars per hour, as a string such as \"0.03\"."
  }
}

# Inventory

variable "inventory_path" {
  type        = string
  description = "Where to write the Ansible inventory (the ansible_inventory output) as a file; empty writes none."
  default     = ""
}
