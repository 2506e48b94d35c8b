variable "ansible_user" {
  type        = string
  description = "The account Ansible logs in as on every node (all.vars.ansible_user)."

  validation {
    # The template writes names unquoted: these rules keep YAML from reading one as a number, a boolean or a null.
    condition     = can(regex("^[a-z_][a-z0-9_-]*$", var.ansible_user)) && !contains(["yes", "no", "on", "off", "true", "false", "null"], var.ansible_user)
    error_message = "ansible_user must be a Linux user name (lower-case letters, digits, '_' and '-', starting with a letter or '_') and not a YAML boolean or null (yes, no, on, off, true, false, null)."
  }
}

variable "cluster_name" {
  type        = string
  description = "The cluster's name, given to Ansible as datalake_cluster_name."

  validation {
    # Unquoted in the YAML, as ansible_user.
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.cluster_name)) && !contains(["yes", "no", "on", "off", "true", "false", "null"], var.cluster_name)
    error_message = "cluster_name must start with a lower-case letter and hold only lower-case letters, digits and '-', and must not be a YAML boolean or null (yes, no, on, off, true, false, null)."
  }
}

variable "master" {
  type        = object({ ansible_host = string, private_ip = string })
  description = "The master node: the address Ansible connects to and the address the other nodes reach it on."
}

variable "workers" {
  type        = list(object({ ansible_host = string, private_ip = string }))
  description = "The worker nodes in order: worker-1 is the first; Kafka node ids follow the order."

  validation {
    condition     = length(var.workers) >= 1
    error_message = "A cluster has at least one worker: the Kafka brokers and HDFS DataNodes beside the master run there."
  }
}
