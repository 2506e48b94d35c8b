# One master and three workers: room for replication factor 3 with a broker to spare, and three HDFS DataNodes.

provider "aws" {
  region = var.region
}

module "cluster" {
  source = "../../modules/aws-cluster"

  name_prefix  = "datalake-3w"
  cluster_name = "datalake-3w"

  admin_cidr_blocks = var.admin_cidr_blocks
  ssh_public_key    = file(pathexpand(var.ssh_public_key_path))

  master_instance_type        = "t3.large"
  worker_instance_type        = "t3.medium"
  worker_count                = 3
  worker_data_volume_size_gib = 50
  worker_spot                 = var.worker_spot
  spot_max_price              = var.spot_max_price

  inventory_path = "${path.root}/inventory.yml"

  tags = {
    project = "data-lake-lab"
    purpose = "cluster-3-workers"
    owner   = var.owner
  }
}
