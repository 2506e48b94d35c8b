output "master_public_ip" {
  description = "Public address of the master: NameNode UI on port 9870, SSH as ssh_user."
  value       = module.cluster.master_public_ip
}

output "master_private_ip" {
  description = "Private address of the master, on which the workers reach it."
  value       = module.cluster.master_private_ip
}

output "worker_public_ips" {
  description = "Public addresses of the workers, worker-1 first."
  value       = module.cluster.worker_public_ips
}

output "worker_private_ips" {
  description = "Private addresses of the workers, worker-1 first."
  value       = module.cluster.worker_private_ips
}

output "ssh_user" {
  description = "The user to log in as on every node."
  value       = module.cluster.ssh_user
}

output "ansible_inventory" {
  description = "The Ansible inventory, also written to inventory.yml beside this file."
  value       = module.cluster.ansible_inventory
}
