variable "libvirt_uri" {
  type        = string
  description = "The libvirt daemon to create the VMs on: qemu:///system on this machine, or qemu+ssh://user@host/system on another."
  default     = "qemu:///system"
}

variable "base_image_path" {
  type        = string
  description = "Path of the downloaded Debian 12 genericcloud qcow2 image."
}

variable "ssh_public_key_path" {
  type        = string
  description = "Path of the SSH public key installed on every node."
  default     = "~/.ssh/id_ed25519.pub"
}

variable "worker_count" {
  type        = number
  description = "Number of worker VMs beside the master."
  default     = 2
}
