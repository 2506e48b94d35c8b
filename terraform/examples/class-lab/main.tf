# A class's lab cluster: one master and two workers, reachable from the class's networks only.

provider "aws" {
  region = var.region
}

module "cluster" {
  source = "../../modules/aws-cluster"

  name_prefix  = "class-lab"
  cluster_name = "class-lab"

  admin_cidr_blocks = var.admin_cidr_blocks
  ssh_public_key    = file(pathexpand(var.ssh_public_key_path))

  master_instance_type = "t3.large"
  worker_instance_type = "t3.medium"
  worker_count         = 2
  worker_spot          = var.worker_spot

  inventory_path = "${path.root}/inventory.yml"

  tags = {
    project = "data-lake-lab"
    purpose = "class-lab"
    owner   = var.owner
  }
}
