#!/usr/bin/env bash
# Builds (once) the root file system the test nodes boot: Debian 12 minbase (mmdebstrap) with systemd, sshd, Python for
# Ansible, a JRE and MariaDB. The nodes reach no package host, so the image carries every package the roles
# install. Cached as a directory keyed by the recipe and the package list; prints its path on stdout (the nodes
# boot it read-only, with --volatile=overlay).
#
#   node-image.sh [cache-dir]     (default: ~/.cache/datalakelab/ansible-node-image)
#
# Environment: DEBIAN_MIRROR (default: the first deb.debian.org-style URI of this machine's apt sources).
set -euo pipefail

PACKAGES=(
  systemd systemd-sysv dbus openssh-server sudo acl procps iproute2 ca-certificates openssl chrony
  python3 python3-apt python3-pymysql
  openjdk-17-jre-headless
  mariadb-server
)
SUITE=bookworm
# Bump when the recipe below changes, so that a cached image of the old recipe is not reused.
RECIPE=3

cache_dir="${1:-${HOME}/.cache/datalakelab/ansible-node-image}"
key="$(printf '%s\n' "$RECIPE" "$SUITE" "${PACKAGES[@]}" | sha256sum | cut -c1-12)"
rootfs_dir="$cache_dir/node-image-$SUITE-$key.rootfs"
mkdir -p "$cache_dir"
# One build at a time: a second caller waits for the first and then finds the image.
exec 9>"$cache_dir/.lock"
flock 9
if [[ -e "$rootfs_dir/.complete" ]]; then
  echo "$rootfs_dir"
  exit 0
fi

for tool in mmdebstrap systemctl; do
  command -v "$tool" >/dev/null || { echo "node-image: $tool is missing (apt-get install mmdebstrap systemd-container)" >&2; exit 2; }
done

mirror="${DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  mirror="$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
            | grep -oE 'https?://[^ ]+' | head -n1 || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
fi

work="$(mktemp -d "$cache_dir/build.XXXXXX")"
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "node-image: failed (exit $rc); what was built is kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap on_exit EXIT
rootfs="$work/rootfs"

echo "node-image: mmdebstrap $SUITE from $mirror (a minute or two, once)" >&2
# mmdebstrap rather than debootstrap: it installs through apt in one go, about three times faster here.
mmdebstrap --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" "$SUITE" "$rootfs" "$mirror" >"$work/mmdebstrap.log" 2>&1 \
  || { tail -n 30 "$work/mmdebstrap.log" >&2; exit 1; }

# What a cloud image would have: root logs in by key only, no machine identity or host name baked in (each boot
# makes an id; the name is the one the container is started with),
# services the roles manage are stopped and disabled until a role says otherwise.
sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin prohibit-password/' "$rootfs/etc/ssh/sshd_config"
echo 'UseDNS no' >>"$rootfs/etc/ssh/sshd_config"
: >"$rootfs/etc/machine-id"
rm -f "$rootfs/etc/hostname"
rm -f "$rootfs/var/lib/dbus/machine-id"
systemctl --root="$rootfs" --quiet disable mariadb.service
systemctl --root="$rootfs" --quiet enable ssh.service

touch "$rootfs/.complete"
rm -rf "$rootfs_dir"
mv "$rootfs" "$rootfs_dir"
# Images of other recipes are of no further use.
find "$cache_dir" -maxdepth 1 -name 'node-image-*' ! -name "node-image-$SUITE-$key.rootfs" -exec rm -rf {} +
echo "$rootfs_dir"
