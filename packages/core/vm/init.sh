#!/bin/busybox sh
# /init of the cgroup v2 test guest: mount the kernel filesystems, cgroup2 with every
# controller, run the cgroup integration tests, report, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# Plain text on the serial console, so the host can read the result lines.
export NO_COLOR=1
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup

mode=none
[ -f /sys/fs/cgroup/cgroup.controllers ] && mode=v2
echo "COVE-VM-GUEST kernel=$(uname -r) cgroup=$mode controllers=\"$(cat /sys/fs/cgroup/cgroup.controllers)\" own=\"$(cat /proc/self/cgroup)\""

cd /app/packages/core || exit 1
node --test --test-reporter=spec dist/test/cgroup-integration.test.js
echo "COVE-VM-RESULT status=$?"
# poweroff -f asks the kernel directly (reboot(2)): there is no init system to ask.
poweroff -f
