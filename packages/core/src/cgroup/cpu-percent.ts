/**
 * CPU use between two readings of `CgroupStats.cpu.usageUsec`, in percent of one core
 * (so 2 busy cores read 200, as `docker stats` shows).
 */
export function cpuPercent(
  previousUsageUsec: number,
  currentUsageUsec: number,
  elapsedMs: number,
): number {
  if (elapsedMs <= 0) return 0;
  return ((currentUsageUsec - previousUsageUsec) / (elapsedMs * 1000)) * 100;
}
