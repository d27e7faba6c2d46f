#!/bin/busybox sh
# /init of the cgroup v2 test guest: mount the kernel filesystems, cgroup2 with every
# controller, run the cgroup tests (bare cgroups, then whole containers), report, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# Plain text on the serial console, so the host can read the result lines.
export NO_COLOR=1

# Stage 1. The kernel unpacked us into rootfs, the initial ramfs, where pivot_root(2) is
# refused (EINVAL): rootfs can never be unmounted. Containers pivot into their root, so
# copy everything onto a tmpfs and make that the root with switch_root, as an initramfs
# does before it starts a real system.
if [ "$1" != stage2 ]; then
  /bin/busybox mkdir -p /newroot
  /bin/busybox mount -t tmpfs -o size=1500m tmpfs /newroot
  for entry in /*; do
    case "$entry" in /newroot | /proc | /sys | /dev) ;; *) /bin/busybox cp -a "$entry" /newroot/ ;; esac
  done
  /bin/busybox mkdir -p /newroot/proc /newroot/sys /newroot/dev
  exec /bin/busybox switch_root /newroot /init stage2
fi

# Stage 2, on the tmpfs root.
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# The root mount is private, as on any systemd host, so container mounts stay inside.
mount --make-rprivate /
insmod /lib/modules/overlay.ko || echo "COVE-VM-NOTE overlay module did not load"

mode=none
[ -f /sys/fs/cgroup/cgroup.controllers ] && mode=v2
echo "COVE-VM-GUEST kernel=$(uname -r) cgroup=$mode controllers=\"$(cat /sys/fs/cgroup/cgroup.controllers)\" own=\"$(cat /proc/self/cgroup)\""

cd /app/packages/core || exit 1
# The guest's CPU is emulated (qemu TCG, 10-30x slower than the host): a container init's
# Node start-up takes seconds here, and past the 10 s a real host allows when the host
# running qemu is busy. The deadline guards against hangs; the guest gets a longer one.
export COVE_START_TIMEOUT_MS=60000
# Every test file run-tests.sh staged: the cgroup suites and the security suite.
node --test --test-concurrency=1 --test-reporter=spec dist/test/*.test.js
echo "COVE-VM-RESULT status=$?"
# poweroff -f asks the kernel directly (reboot(2)): there is no init system to ask.
poweroff -f
