import { writeCgroupFileNow } from '../cgroup-files.js';
import { type DeviceRule, formatDeviceRule } from '../device-rules.js';

/**
 * Deny everything, then allow the rules one by one: the v1 devices controller takes one
 * rule per write (Documentation/admin-guide/cgroup-v1/devices.rst). Written at once (see
 * writeCgroupFileNow): each is a moment's work for the kernel.
 */
export async function applyDeviceRules(dir: string, rules: readonly DeviceRule[]): Promise<void> {
  writeCgroupFileNow(`${dir}/devices.deny`, 'a');
  for (const rule of rules) writeCgroupFileNow(`${dir}/devices.allow`, formatDeviceRule(rule));
}
