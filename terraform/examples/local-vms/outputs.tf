output "master_ip" {
  description = "Address of the master VM on the libvirt network: NameNode UI on port 9870, SSH as ssh_user."
  value       = module.cluster.master_private_ip
}

output "worker_ips" {
  description = "Addresses of the worker VMs, worker-1 first."
  value       = module.cluster.worker_private_ips
}

output "ssh_user" {
  description = "The user to log in as on every VM."
  value       = module.cluster.ssh_user
}

output "ansible_inventory" {
  description = "The Ansible inventory, also written to inventory.yml beside this file."
  value       = module.cluster.ansible_inventory
}
