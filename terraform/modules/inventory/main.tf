# One inventory for every way of making the nodes (EC2, local VMs): the Ansible side reads only this shape.
locals {
  # Kafka node ids are KRaft's node.id: the master (controller + broker) is 1, workers follow in order.
  master = merge(var.master, { kafka_node_id = 1 })
  workers = [
    for i, worker in var.workers : merge(worker, { name = "worker-${i + 1}", kafka_node_id = i + 2 })
  ]
}
