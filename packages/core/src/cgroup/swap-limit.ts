import type { Limits } from '@cove/shared';
import { CgroupError } from './cgroup-error.js';

export interface SwapLimit {
  /** The swap part alone, in bytes. */
  bytes: number;
  /** `--memory-swap` was given: a kernel that cannot enforce it is an error, not a shrug. */
  asked: boolean;
}

/**
 * Docker's `--memory-swap` is memory plus swap, so it needs `--memory` and cannot be below
 * it. Without it, `-m` alone allows as much swap as memory (Docker's documented rule:
 * memory-swap defaults to twice the memory limit), where the kernel accounts swap.
 */
export function swapLimit(limits: Limits, dir: string): SwapLimit | undefined {
  const { memory, memorySwap } = limits;
  if (memorySwap === undefined) {
    return memory === undefined ? undefined : { bytes: memory, asked: false };
  }
  if (memory === undefined || memorySwap < memory) {
    throw new CgroupError(
      'apply',
      dir,
      '',
      `apply memory-swap ${memorySwap} to ${dir}: memory-swap is memory plus swap, so it needs a memory limit no larger than itself (memory is ${memory ?? 'unset'})`,
    );
  }
  return { bytes: memorySwap - memory, asked: true };
}
