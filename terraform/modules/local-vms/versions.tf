terraform {
  required_version = ">= 1.5"

  required_providers {
    libvirt = {
      source = "dmacvicar/libvirt"
      # 0.8.x: from 0.9.0 the provider is a rewrite with another schema (libvirt_domain, libvirt_network, ...).
      version = "~> 0.8.0"
    }
    local = {
      source  = "hashicorp/local"
      version = ">= 2.4"
    }
  }
}
