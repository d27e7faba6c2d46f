import { writeCgroupFile } from '../cgroup-files.js';
import { type DeviceRule, formatDeviceRule } from '../device-rules.js';

/**
 * Deny everything, then allow the rules one by one: the v1 devices controller takes one
 * rule per write (Documentation/admin-guide/cgroup-v1/devices.rst).
 */
export async function applyDeviceRules(dir: string, rules: readonly DeviceRule[]): Promise<void> {
  await writeCgroupFile(`${dir}/devices.deny`, 'a');
  for (const rule of rules) await writeCgroupFile(`${dir}/devices.allow`, formatDeviceRule(rule));
}
