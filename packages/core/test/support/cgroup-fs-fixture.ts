import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A temp dir shaped like cgroupfs: plain files standing in for the kernel's. Unlike
 * cgroupfs, mkdir makes no files, so tests lay out the container's cgroup in advance.
 */
export class CgroupFsFixture {
  readonly root = mkdtempSync(join(tmpdir(), 'cove-cgroupfs-'));

  constructor(files: Record<string, string>) {
    for (const [path, content] of Object.entries(files)) this.write(path, content);
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), content);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What detection reads from /proc/self: sample texts instead of this process's own. */
export function procFiles(procSelfCgroup: string, mountinfo: string): (path: string) => string {
  return (path) => (path === '/proc/self/cgroup' ? procSelfCgroup : mountinfo);
}

/** This host's layout: v1 hierarchies on a tmpfs, an empty cgroup2 beside them. */
export const HYBRID_PROC_SELF_CGROUP = `9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/5d5d3c00
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`;

export const HYBRID_MOUNTINFO = `25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

/** A systemd service on a pure v2 host (Debian 12). */
export const UNIFIED_PROC_SELF_CGROUP = '0::/system.slice/cove-agent.service\n';

export const UNIFIED_MOUNTINFO = `22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
26 23 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;
