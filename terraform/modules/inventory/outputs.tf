output "content" {
  description = "The Ansible inventory (YAML): group master with one host, group workers with worker-1..N."
  value = templatefile("${path.module}/inventory.yml.tftpl", {
    ansible_user = var.ansible_user
    cluster_name = var.cluster_name
    master       = local.master
    workers      = local.workers
  })
}
