import { z } from 'zod';

const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * Parses a size the way Docker's flags take it: `32m`, `1g`, `512k`, `1048576`, `64MiB`.
 * Units are binary (k = 1024). Returns bytes, or throws an Error naming the bad text.
 */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = units[unit];
  if (!match?.[1] || factor === undefined) {
    throw new Error(`invalid size "${text}": use a number of bytes or a unit: 32m, 1g, 512k`);
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error(`invalid size "${text}": must be more than zero bytes`);
  }
  return bytes;
}

/** A size given as text (`32m`) or a number of bytes, validated to bytes. */
export const SizeSchema = z
  .union([z.number().int().positive(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    try {
      return parseSize(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
