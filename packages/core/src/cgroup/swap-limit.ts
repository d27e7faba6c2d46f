import type { Limits } from '@cove/shared';
import { CgroupError } from './cgroup-error.js';

/**
 * Docker's `--memory-swap` is memory plus swap, so it needs `--memory` and cannot be below
 * it. Returns the swap part alone, in bytes.
 */
export function swapBytes(limits: Limits, dir: string): number | undefined {
  const { memory, memorySwap } = limits;
  if (memorySwap === undefined) return undefined;
  if (memory === undefined || memorySwap < memory) {
    throw new CgroupError(
      'apply',
      dir,
      '',
      `apply memory-swap ${memorySwap} to ${dir}: memory-swap is memory plus swap, so it needs a memory limit no larger than itself (memory is ${memory ?? 'unset'})`,
    );
  }
  return memorySwap - memory;
}
