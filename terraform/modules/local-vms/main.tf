locals {
  # Node addresses derive from network_cidr: the master is its 10th address, worker N the (10+N)th.
  nodes = merge(
    {
      "master" = {
        address   = cidrhost(var.network_cidr, 10)
        memory    = var.master_memory_mib
        vcpus     = var.master_vcpus
        disk_size = var.master_disk_size_gib
      }
    },
    {
      for index in range(1, var.worker_count + 1) : "worker-${index}" => {
        address   = cidrhost(var.network_cidr, 10 + index)
        memory    = var.worker_memory_mib
        vcpus     = var.worker_vcpus
        disk_size = var.worker_disk_size_gib
      }
    }
  )
  worker_names = [for index in range(1, var.worker_count + 1) : "worker-${index}"]

  gib = 1024 * 1024 * 1024
}

resource "libvirt_network" "cluster" {
  name      = var.name_prefix
  mode      = "nat"
  domain    = "${var.name_prefix}.internal"
  addresses = [var.network_cidr]
  autostart = true

  dhcp {
    enabled = true
  }

  dns {
    enabled    = true
    local_only = true
  }
}

# The image the user downloaded, copied once into the pool; every node's disk is a copy-on-write layer over it.
resource "libvirt_volume" "base" {
  name   = "${var.name_prefix}-base.qcow2"
  pool   = var.storage_pool
  source = var.base_image_path
  format = "qcow2"
}

resource "libvirt_volume" "node" {
  for_each = local.nodes

  name           = "${var.name_prefix}-${each.key}.qcow2"
  pool           = var.storage_pool
  base_volume_id = libvirt_volume.base.id
  format         = "qcow2"
  size           = each.value.disk_size * local.gib
}

resource "libvirt_cloudinit_disk" "node" {
  for_each = local.nodes

  name = "${var.name_prefix}-${each.key}-cloudinit.iso"
  pool = var.storage_pool

  meta_data = yamlencode({
    "instance-id"    = "${var.name_prefix}-${each.key}"
    "local-hostname" = each.key
  })

  user_data = join("\n", ["#cloud-config", yamlencode({
    hostname         = each.key
    manage_etc_hosts = true
    ssh_pwauth       = false
    disable_root     = true
    growpart         = { mode = "auto", devices = ["/"] }
    users = [{
      name                = var.ssh_user
      shell               = "/bin/bash"
      sudo                = "ALL=(ALL) NOPASSWD:ALL"
      lock_passwd         = true
      ssh_authorized_keys = [trimspace(var.ssh_public_key)]
    }]
  })])
}

resource "libvirt_domain" "node" {
  for_each = local.nodes

  name      = "${var.name_prefix}-${each.key}"
  memory    = each.value.memory
  vcpu      = each.value.vcpus
  autostart = true
  cloudinit = libvirt_cloudinit_disk.node[each.key].id

  cpu {
    mode = "host-passthrough"
  }

  network_interface {
    network_id = libvirt_network.cluster.id
    hostname   = each.key
    # A static DHCP entry in the libvirt network: the node always gets this address.
    addresses      = [each.value.address]
    wait_for_lease = true
  }

  disk {
    volume_id = libvirt_volume.node[each.key].id
  }

  # Debian's cloud images print their console on the serial port: virsh console <name> shows it.
  console {
    type        = "pty"
    target_type = "serial"
    target_port = "0"
  }
}

# The Ansible inventory: on libvirt the node's address on the NAT network is both how Ansible reaches it and how
# the other nodes do.

module "inventory" {
  source = "../inventory"

  ansible_user = var.ssh_user
  cluster_name = var.cluster_name
  master = {
    ansible_host = local.nodes["master"].address
    private_ip   = local.nodes["master"].address
  }
  workers = [
    for name in local.worker_names : {
      ansible_host = local.nodes[name].address
      private_ip   = local.nodes[name].address
    }
  ]
}

resource "local_file" "inventory" {
  count = var.inventory_path == "" ? 0 : 1

  filename        = var.inventory_path
  content         = module.inventory.content
  file_permission = "0644"
}
