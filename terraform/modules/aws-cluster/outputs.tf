output "vpc_id" {
  description = "ID of the cluster's VPC."
  value       = aws_vpc.this.id
}

output "subnet_id" {
  description = "ID of the public subnet that holds every node."
  value       = aws_subnet.public.id
}

output "security_group_id" {
  description = "ID of the security group shared by every node."
  value       = aws_security_group.cluster.id
}

output "ami_id" {
  description = "The AMI the nodes were made from."
  value       = local.ami_id
}

output "master_public_ip" {
  description = "Public IPv4 address of the master; empty without associate_public_ip_address."
  value       = aws_instance.master.public_ip
}

output "master_private_ip" {
  description = "Private IPv4 address of the master, on which the workers reach it."
  value       = aws_instance.master.private_ip
}

output "worker_public_ips" {
  description = "Public IPv4 addresses of the workers, worker-1 first."
  value       = aws_instance.worker[*].public_ip
}

output "worker_private_ips" {
  description = "Private IPv4 addresses of the workers, worker-1 first."
  value       = aws_instance.worker[*].private_ip
}

output "ssh_user" {
  description = "The user to log in as on every node, and the one Ansible connects as."
  value       = var.ssh_user
}

output "ansible_inventory" {
  description = "The Ansible inventory (YAML) of the cluster: groups master and workers, each host with ansible_host, private_ip and kafka_node_id."
  value       = module.inventory.content
}

output "inventory_file" {
  description = "Path of the inventory file written from ansible_inventory, or null when inventory_path is empty."
  value       = one(local_file.inventory[*].filename)
}
