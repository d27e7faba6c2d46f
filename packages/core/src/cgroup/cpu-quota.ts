/** The CFS period both v1 and v2 default to, in microseconds. */
export const CPU_PERIOD_USEC = 100_000;

/** `--cpus 0.5` means half of one core's time in each period. */
export function cpuQuotaUsec(cpus: number): number {
  return Math.round(cpus * CPU_PERIOD_USEC);
}

/**
 * Maps v1 shares (2..262144, default 1024) onto v2 weight (1..10000) linearly, as runc 1.1
 * does, so `--cpu-shares` means the same on both.
 */
export function cpuSharesToWeight(shares: number): number {
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}
