# The lab cluster on local VMs (KVM through libvirt): one master and two workers on a private NAT network.

provider "libvirt" {
  uri = var.libvirt_uri
}

module "cluster" {
  source = "../../modules/local-vms"

  name_prefix  = "datalake-lab"
  cluster_name = "local-lab"

  base_image_path = pathexpand(var.base_image_path)
  ssh_public_key  = file(pathexpand(var.ssh_public_key_path))
  worker_count    = var.worker_count

  inventory_path = "${path.root}/inventory.yml"
}
