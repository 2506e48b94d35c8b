output "network_name" {
  description = "Name of the libvirt network the nodes are on."
  value       = libvirt_network.cluster.name
}

output "master_public_ip" {
  description = "Address of the master on the libvirt network (reachable from this host; the same as master_private_ip)."
  value       = local.nodes["master"].address
}

output "master_private_ip" {
  description = "Address of the master on the libvirt network, on which the workers reach it."
  value       = local.nodes["master"].address
}

output "worker_public_ips" {
  description = "Addresses of the workers on the libvirt network, worker-1 first (the same as worker_private_ips)."
  value       = [for name in local.worker_names : local.nodes[name].address]
}

output "worker_private_ips" {
  description = "Addresses of the workers on the libvirt network, worker-1 first."
  value       = [for name in local.worker_names : local.nodes[name].address]
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
