#!/usr/bin/env bash
# `npm run bench`: Cove beside runc, crun and podman on this machine. Installs what it
# compares against, builds Cove and the harness, and runs the harness (bench/src/main.ts)
# in a mount namespace of its own. Arguments go to the harness (--quick, --only=...).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "The bench runs containers with Cove, runc, crun and podman: run it as root." >&2
  exit 1
fi

# Debian's reference runtimes, podman (with conmon, and netavark with iptables for its
# bridge), aardvark-dns (podman's DNS server, beside Cove's) and dnsperf (its load), hyperfine,
# iperf3, nsenter
# and the static busybox every tool's rootfs is made of; then the npm dependencies and
# Cove's build.
bash scripts/prepare.sh busybox-static runc crun podman conmon netavark aardvark-dns dnsperf iptables \
  hyperfine iperf3 iproute2 nftables util-linux tar

npx tsc -p bench/tsconfig.json

# crun 1.8 refuses a "hybrid" host (cgroup v1 controllers plus a cgroup2 mount at
# /sys/fs/cgroup/unified). In a private mount namespace without that mount every tool
# sees plain v1; the host's own mounts are untouched, and the namespace ends with the run.
# The run has a network namespace of its own too, with only `lo`: Cove's and podman's
# bridges, firewall tables and sysctls are made in there and end with it, and no packet
# of the bench goes anywhere but that namespace.
COVE_BENCH_OUTER_NETNS=$(readlink /proc/self/ns/net) exec unshare --mount --net --propagation private -- sh -c '
  if mountpoint -q /sys/fs/cgroup/unified; then umount -l /sys/fs/cgroup/unified; fi
  ip link set lo up
  exec node bench/dist/main.js "$@"' bench "$@"
