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

# Debian's reference runtimes, podman (with conmon), hyperfine, nsenter and the static
# busybox every tool's rootfs is made of; then the npm dependencies and Cove's build.
bash scripts/prepare.sh busybox-static runc crun podman conmon hyperfine util-linux tar

npx tsc -p bench/tsconfig.json

# crun 1.8 refuses a "hybrid" host (cgroup v1 controllers plus a cgroup2 mount at
# /sys/fs/cgroup/unified). In a private mount namespace without that mount every tool
# sees plain v1; the host's own mounts are untouched, and the namespace ends with the run.
exec unshare --mount --propagation private -- sh -c '
  if mountpoint -q /sys/fs/cgroup/unified; then umount -l /sys/fs/cgroup/unified; fi
  exec node bench/dist/main.js "$@"' bench "$@"
