export { CgroupError } from './cgroup-error.js';
export type { CgroupManager, CgroupStats, CgroupStatsReader } from './cgroup-manager.js';
export { cpuPercent } from './cpu-percent.js';
export { type CgroupManagerOptions, createCgroupManager } from './create-cgroup-manager.js';
export {
  type CgroupSetup,
  type DetectOptions,
  detectCgroupSetup,
  type V1Hierarchy,
} from './detect.js';
export { DEFAULT_DEVICE_RULES, type DeviceRule, formatDeviceRule } from './device-rules.js';
export { removeOrphanCgroups } from './orphan-cgroups.js';
