locals {
  # The default route and "all outbound": the one address block written out in this module.
  anywhere_ipv4 = "0.0.0.0/0"

  # Debian's own AWS account, which publishes the official Debian AMIs (https://wiki.debian.org/Cloud/AmazonEC2Image).
  debian_ami_owner = "136693071363"
  debian_ami_arch  = var.architecture == "arm64" ? "arm64" : "amd64"
  ami_id           = var.ami_id != null ? var.ami_id : data.aws_ami.debian[0].id

  availability_zone = var.availability_zone != null ? var.availability_zone : data.aws_availability_zones.available[0].names[0]

  # The data volume's name in the API; on Nitro instances Linux shows it as /dev/nvme1n1.
  data_volume_device_name = "/dev/xvdb"

  # Reachable from admin_cidr_blocks only.
  admin_ports = {
    "ssh"              = { from = 22, to = 22 }
    "namenode-web-ui"  = { from = 9870, to = 9870 }
    "datanode-web-ui"  = { from = 9864, to = 9864 }
    "services-health"  = { from = 8081, to = 8085 }
    "nifi-web-ui"      = { from = 8443, to = 8443 }
  }

  # Reachable only from members of the cluster's own security group.
  cluster_ports = {
    "kafka-client"     = { from = 9092, to = 9092 }
    "kafka-controller" = { from = 9093, to = 9093 }
    "namenode-rpc"     = { from = 8020, to = 8020 }
    "datanode-data"    = { from = 9866, to = 9866 }
    "datanode-http"    = { from = 9864, to = 9864 }
    "datanode-ipc"     = { from = 9867, to = 9867 }
    "mariadb"          = { from = 3306, to = 3306 }
    "services-health"  = { from = 8081, to = 8085 }
  }
}

data "aws_availability_zones" "available" {
  count = var.availability_zone == null ? 1 : 0
  state = "available"
}

data "aws_ami" "debian" {
  count       = var.ami_id == null ? 1 : 0
  most_recent = true
  owners      = [local.debian_ami_owner]

  filter {
    name   = "name"
    values = ["debian-12-${local.debian_ami_arch}-*"]
  }

  filter {
    name   = "architecture"
    values = [var.architecture]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }

  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }
}

# Network: one VPC, one public subnet, a route to the internet gateway.

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name_prefix })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = var.name_prefix })
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = var.subnet_cidr
  availability_zone = local.availability_zone

  tags = merge(var.tags, { Name = "${var.name_prefix}-public" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  route {
    cidr_block = local.anywhere_ipv4
    gateway_id = aws_internet_gateway.this.id
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-public" })
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# One security group for every node: admin ports from admin_cidr_blocks, cluster ports between members only.

resource "aws_security_group" "cluster" {
  name_prefix = "${var.name_prefix}-cluster-"
  description = "Data lake cluster: SSH and web UIs from the admin networks, cluster ports between members"
  vpc_id      = aws_vpc.this.id

  dynamic "ingress" {
    for_each = local.admin_ports
    content {
      description = "${ingress.key} from the admin networks"
      from_port   = ingress.value.from
      to_port     = ingress.value.to
      protocol    = "tcp"
      cidr_blocks = var.admin_cidr_blocks
    }
  }

  dynamic "ingress" {
    for_each = local.cluster_ports
    content {
      description = "${ingress.key} between cluster members"
      from_port   = ingress.value.from
      to_port     = ingress.value.to
      protocol    = "tcp"
      self        = true
    }
  }

  egress {
    description = "everything outbound: packages, time, AWS APIs"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [local.anywhere_ipv4]
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-cluster" })

  lifecycle {
    # A changed description or name replaces the group: make the new one before the old one goes.
    create_before_destroy = true
  }
}

resource "aws_key_pair" "admin" {
  key_name_prefix = "${var.name_prefix}-"
  public_key      = trimspace(var.ssh_public_key)

  tags = merge(var.tags, { Name = var.name_prefix })
}

# Nodes. AWS assigns the private addresses from subnet_cidr; the inventory carries them to Ansible.

resource "aws_instance" "master" {
  ami                         = local.ami_id
  instance_type               = var.master_instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.cluster.id]
  key_name                    = aws_key_pair.admin.key_name
  associate_public_ip_address = var.associate_public_ip_address

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gib
    encrypted             = true
    delete_on_termination = true
  }

  dynamic "ebs_block_device" {
    for_each = var.master_data_volume_size_gib > 0 ? [var.master_data_volume_size_gib] : []
    content {
      device_name           = local.data_volume_device_name
      volume_type           = "gp3"
      volume_size           = ebs_block_device.value
      encrypted             = true
      delete_on_termination = true
    }
  }

  volume_tags = merge(var.tags, { Name = "${var.name_prefix}-master" })
  tags        = merge(var.tags, { Name = "${var.name_prefix}-master", "datalake:role" = "master" })

  lifecycle {
    # A newer Debian AMI appears every few weeks; it must not replace a running node.
    ignore_changes = [ami]
  }
}

resource "aws_instance" "worker" {
  count = var.worker_count

  ami                         = local.ami_id
  instance_type               = var.worker_instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.cluster.id]
  key_name                    = aws_key_pair.admin.key_name
  associate_public_ip_address = var.associate_public_ip_address

  dynamic "instance_market_options" {
    for_each = var.worker_spot ? [var.spot_max_price] : []
    content {
      market_type = "spot"
      spot_options {
        # null: pay the current spot price, at most the on-demand price.
        max_price                      = instance_market_options.value
        spot_instance_type             = "one-time"
        instance_interruption_behavior = "terminate"
      }
    }
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gib
    encrypted             = true
    delete_on_termination = true
  }

  dynamic "ebs_block_device" {
    for_each = var.worker_data_volume_size_gib > 0 ? [var.worker_data_volume_size_gib] : []
    content {
      device_name           = local.data_volume_device_name
      volume_type           = "gp3"
      volume_size           = ebs_block_device.value
      encrypted             = true
      delete_on_termination = true
    }
  }

  volume_tags = merge(var.tags, { Name = "${var.name_prefix}-worker-${count.index + 1}" })
  tags        = merge(var.tags, { Name = "${var.name_prefix}-worker-${count.index + 1}", "datalake:role" = "worker" })

  lifecycle {
    ignore_changes = [ami]
  }
}

# The Ansible inventory: Ansible connects on the public address when there is one.

module "inventory" {
  source = "../inventory"

  ansible_user = var.ssh_user
  cluster_name = var.cluster_name
  master = {
    ansible_host = coalesce(aws_instance.master.public_ip, aws_instance.master.private_ip)
    private_ip   = aws_instance.master.private_ip
  }
  workers = [
    for worker in aws_instance.worker : {
      ansible_host = coalesce(worker.public_ip, worker.private_ip)
      private_ip   = worker.private_ip
    }
  ]
}

resource "local_file" "inventory" {
  count = var.inventory_path == "" ? 0 : 1

  filename        = var.inventory_path
  content         = module.inventory.content
  file_permission = "0644"
}
