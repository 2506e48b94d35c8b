#!/usr/bin/env bash
# Test hosts for the roles: one master and N workers, each a systemd-nspawn container booting real systemd in
# a network namespace of its own, joined by veth pairs to a bridge in a hub namespace. ansible-playbook runs in
# the hub namespace and reaches the nodes over SSH, as it would reach cloud machines. The nodes have no route
# out: whatever a role installs must already be in the image (node-image.sh) or come from the control machine.
#
#   test-cluster.sh up   <workdir> [workers]   boot the nodes, write <workdir>/inventory.yml
#   test-cluster.sh hub  <workdir> cmd...      run a command in the hub namespace (ansible-playbook, ssh)
#   test-cluster.sh down <workdir>             stop the nodes, remove the namespaces
#
# Needs root, ip, systemd-nspawn, ssh-keygen, and the node image (node-image.sh builds and caches it).
# Environment: DATALAKE_TEST_SUBNET (default 10.213.0): the nodes' /24, only ever inside these namespaces.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
subnet="${DATALAKE_TEST_SUBNET:-10.213.0}"

usage() { sed -n '7,10p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2; exit 2; }
[[ $# -ge 2 ]] || usage
action="$1"
work="$(mkdir -p "$2" && cd "$2" && pwd)"
shift 2

state="$work/state"
prefix_file="$state/prefix"

node_names() { cat "$state/nodes"; }

wait_for_ssh() {  # node-ip deadline-seconds
  local ip="$1" deadline=$((SECONDS + $2))
  until ip netns exec "$(cat "$state/hub")" ssh -F "$work/ssh/config" -o ConnectTimeout=2 "root@$ip" true 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "test-cluster: $ip did not accept SSH within $2 s; its console is in $work/logs" >&2
      return 1
    fi
    sleep 1
  done
}

up() {
  local workers="${1:-2}"
  [[ -e "$prefix_file" ]] && { echo "test-cluster: $work is already up; run down first" >&2; exit 1; }
  local rootfs
  rootfs="$("$here/node-image.sh")"
  mkdir -p "$state" "$work/logs" "$work/ssh"

  # Names unique to this run, so that two suites on one machine do not collide.
  local prefix="dl$$"
  echo "$prefix" >"$prefix_file"
  local hub="${prefix}-hub"
  echo "$hub" >"$state/hub"

  # The nodes never write to the image's tree (--volatile=overlay keeps their changes in memory), so every node
  # and every run boots the same pristine tree.

  ssh-keygen -q -t ed25519 -N '' -C datalake-test -f "$work/ssh/id_ed25519" <<<y >/dev/null
  cp "$work/ssh/id_ed25519.pub" "$work/ssh/authorized_keys"
  mkdir -p "$work/ssh/node"
  cp "$work/ssh/id_ed25519.pub" "$work/ssh/node/authorized_keys"
  chmod 700 "$work/ssh/node"
  cat >"$work/ssh/config" <<CONF
Host *
  User root
  IdentityFile $work/ssh/id_ed25519
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  ControlMaster auto
  ControlPath $work/ssh/cm-%C
  ControlPersist 120s
CONF

  ip netns add "$hub"
  ip -n "$hub" link set lo up
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" addr add "$subnet.1/24" dev br0
  ip -n "$hub" link set br0 up

  local names=(master)
  for ((i = 1; i <= workers; i++)); do names+=("worker-$i"); done
  printf '%s\n' "${names[@]}" >"$state/nodes"

  local index=0 name ns ip
  for name in "${names[@]}"; do
    index=$((index + 1))
    ns="${prefix}-${name}"
    ip="$subnet.$((10 + index))"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add "${prefix}v${index}" type veth peer name eth0 netns "$ns"
    ip link set "${prefix}v${index}" netns "$hub"
    ip -n "$hub" link set "${prefix}v${index}" master br0 up
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "$ip" >"$state/$name.ip"

    setsid systemd-nspawn --boot --register=no --keep-unit --volatile=overlay --console=passive \
      --network-namespace-path="/run/netns/$ns" --machine="${prefix}-${name}" --hostname="$name" \
      --bind-ro="$work/ssh/node:/root/.ssh" -D "$rootfs" \
      >"$work/logs/$name.console" 2>&1 </dev/null &
    echo $! >"$state/$name.pid"
  done

  for name in "${names[@]}"; do
    wait_for_ssh "$(cat "$state/$name.ip")" 90
  done

  {
    echo "# Written by tests/harness/test-cluster.sh, in the shape terraform's inventory output has."
    echo "all:"
    echo "  vars:"
    echo "    ansible_user: root"
    echo "    ansible_ssh_common_args: -F $work/ssh/config"
    echo "    datalake_cluster_name: test-cluster"
    echo "  children:"
    local group node_id=0
    for group in master workers; do
      echo "    $group:"
      echo "      hosts:"
      for name in "${names[@]}"; do
        if [[ "$group" == master && "$name" == master ]] || [[ "$group" == workers && "$name" != master ]]; then
          node_id=$((node_id + 1))
          echo "        $name:"
          echo "          ansible_host: $(cat "$state/$name.ip")"
          echo "          private_ip: $(cat "$state/$name.ip")"
          echo "          kafka_node_id: $node_id"
        fi
      done
    done
  } >"$work/inventory.yml"
  echo "test-cluster: ${#names[@]} nodes up on $subnet.0/24 (hub namespace $hub); inventory $work/inventory.yml" >&2
}

hub() {
  exec ip netns exec "$(cat "$state/hub")" "$@"
}

down() {
  [[ -e "$prefix_file" ]] || return 0
  local prefix name pid
  prefix="$(cat "$prefix_file")"
  # The nodes keep nothing (their writes are in memory), so they are powered off at once rather than shut down
  # service by service: `poweroff -ff` ends the container's systemd without stopping its units. If SSH no
  # longer answers, SIGTERM asks nspawn for an orderly poweroff; whatever is left after that is killed.
  for name in $(node_names 2>/dev/null); do
    timeout 10 ip netns exec "${prefix}-hub" ssh -F "$work/ssh/config" -o ConnectTimeout=2 \
      "root@$(cat "$state/$name.ip")" systemctl poweroff --force --force >/dev/null 2>&1 &
  done
  wait
  for name in $(node_names 2>/dev/null); do
    pid="$(cat "$state/$name.pid" 2>/dev/null || true)"
    [[ -z "$pid" ]] && continue
    for _ in $(seq 1 10); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for name in $(node_names 2>/dev/null) hub; do
    ip netns delete "${prefix}-${name}" 2>/dev/null || true
  done
  rm -rf "$state"
}

case "$action" in
  up) up "$@" ;;
  hub) hub "$@" ;;
  down) down ;;
  *) usage ;;
esac
