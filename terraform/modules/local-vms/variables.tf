# Naming

variable "name_prefix" {
  type        = string
  description = "Prefix of every libvirt object's name (network, volumes, domains), so that two clusters can share a host."
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

# Network

variable "network_cidr" {
  type        = string
  description = "IPv4 range of the libvirt NAT network; the host takes its first address, the master the 10th, worker N the (10+N)th. Pick one the host does not use yet."
  default     = "10.30.1.0/24"

  validation {
    condition     = can(cidrhost(var.network_cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.network_cidr)) && try(tonumber(split("/", var.network_cidr)[1]) <= 26, false)
    error_message = "network_cidr must be an IPv4 CIDR block of at least 64 addresses (prefix length /26 or shorter), e.g. a /24 of a private range."
  }
}

# Image and storage

variable "base_image_path" {
  type        = string
  description = "Path on this machine of the Debian 12 genericcloud qcow2 image (debian-12-genericcloud-amd64.qcow2), downloaded beforehand; every node's disk is a copy-on-write layer over it."

  validation {
    # A URL would make the provider download the image on every new base volume: the image is fetched once, by hand.
    condition     = trimspace(var.base_image_path) != "" && !can(regex("^[a-zA-Z][a-zA-Z0-9+.-]*://", var.base_image_path))
    error_message = "base_image_path must be the path of a qcow2 file already on this machine, not a URL: download debian-12-genericcloud-amd64.qcow2 first (see the module README)."
  }
}

variable "storage_pool" {
  type        = string
  description = "The libvirt storage pool that holds the volumes and the cloud-init disks."
  default     = "default"
}

# Access

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
  description = "The user cloud-init creates on every node (with passwordless sudo and ssh_public_key); Ansible connects as this user."
  default     = "admin"
}

# Machines

variable "worker_count" {
  type        = number
  description = "Number of workers; the cluster has one master and this many workers."
  default     = 2

  validation {
    condition     = var.worker_count >= 1 && var.worker_count <= 50 && floor(var.worker_count) == var.worker_count
    error_message = "worker_count must be a whole number from 1 to 50 (node addresses run from the 10th to the 60th of network_cidr)."
  }
}

variable "master_memory_mib" {
  type        = number
  description = "Memory of the master VM (Kafka controller and broker, HDFS NameNode, MariaDB, the services), in MiB."
  default     = 6144
}

variable "master_vcpus" {
  type        = number
  description = "Virtual CPUs of the master VM."
  default     = 2
}

variable "worker_memory_mib" {
  type        = number
  description = "Memory of each worker VM (Kafka broker, HDFS DataNode), in MiB."
  default     = 3072
}

variable "worker_vcpus" {
  type        = number
  description = "Virtual CPUs of each worker VM."
  default     = 2
}

variable "master_disk_size_gib" {
  type        = number
  description = "Size of the master's disk, in GiB; cloud-init grows the root file system to fill it. Only blocks written take space on the host."
  default     = 30

  validation {
    condition     = var.master_disk_size_gib >= 4 && floor(var.master_disk_size_gib) == var.master_disk_size_gib
    error_message = "master_disk_size_gib must be a whole number of at least 4."
  }
}

variable "worker_disk_size_gib" {
  type        = number
  description = "Size of each worker's disk, in GiB; cloud-init grows the root file system to fill it. Only blocks written take space on the host."
  default     = 40

  validation {
    condition     = var.worker_disk_size_gib >= 4 && floor(var.worker_disk_size_gib) == var.worker_disk_size_gib
    error_message = "worker_disk_size_gib must be a whole number of at least 4."
  }
}

# Inventory

variable "inventory_path" {
  type        = string
  description = "Where to write the Ansible inventory (the ansible_inventory output) as a file; empty writes none."
  default     = ""
}
