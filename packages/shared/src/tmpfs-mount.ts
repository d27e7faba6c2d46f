import { z } from 'zod';

/** A size as tmpfs takes it: bytes, with k, m or g, or a percentage of the host's memory. */
const tmpfsOptionPatterns: Record<string, RegExp> = {
  size: /^\d+[kmg%]?$/i,
  mode: /^[0-7]{3,4}$/,
  uid: /^\d+$/,
  gid: /^\d+$/,
  nr_inodes: /^\d+[kmg]?$/i,
};
const tmpfsFlags = ['ro', 'rw', 'exec', 'noexec', 'nosuid', 'nodev'];

/** Paths the engine mounts itself: a tmpfs there would hide or replace the kernel's views. */
const reservedTargets = ['/proc', '/sys', '/dev'];

export const TmpfsMountSchema = z.object({
  target: z
    .string()
    .refine((p) => p.startsWith('/') && p !== '/', {
      message: 'must be an absolute path other than /',
    })
    .refine((p) => !p.includes('\0') && p.split('/').every((part) => part !== '..'), {
      message: 'must not contain ".." or a NUL byte',
    })
    .refine((p) => !reservedTargets.some((r) => p === r || p.startsWith(`${r}/`)), {
      message: 'must not be in /proc, /sys or /dev, which the engine mounts itself',
    }),
  /** Docker's spelling, comma-separated: ro, rw, exec, noexec, nosuid, nodev, size=, mode=, uid=, gid=, nr_inodes=. */
  options: z
    .array(z.string())
    .default([])
    .superRefine((options, context) => {
      for (const option of options) {
        const [key = '', value] = option.split('=', 2);
        const valid =
          value === undefined
            ? tmpfsFlags.includes(key)
            : (tmpfsOptionPatterns[key]?.test(value) ?? false);
        if (!valid) {
          context.addIssue({
            code: 'custom',
            message: `tmpfs option "${option}" is not one of ${tmpfsFlags.join(', ')}, size=, mode=, uid=, gid=, nr_inodes=`,
          });
        }
      }
    }),
});
export type TmpfsMount = z.infer<typeof TmpfsMountSchema>;

/** Parses Docker's `--tmpfs PATH[:OPTIONS]`, e.g. `/tmp:size=64m,mode=1777`. */
export function parseTmpfs(text: string): TmpfsMount {
  const colon = text.indexOf(':');
  const target = colon === -1 ? text : text.slice(0, colon);
  const options =
    colon === -1
      ? []
      : text
          .slice(colon + 1)
          .split(',')
          .filter(Boolean);
  const parsed = TmpfsMountSchema.safeParse({ target, options });
  if (!parsed.success) {
    throw new Error(`invalid tmpfs "${text}": ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}
