import { z } from 'zod';

/**
 * Docker's `--device HOST[:CONTAINER][:PERMISSIONS]`: a host device node made again in the
 * container's /dev, and allowed by its device policy with these permissions (r read,
 * w write, m mknod).
 */
export const DeviceMappingSchema = z.object({
  hostPath: z.string().refine((p) => p.startsWith('/') && !p.includes('\0'), {
    message: 'must be an absolute path',
  }),
  containerPath: z
    .string()
    .refine((p) => /^\/dev\/[^\0]+$/.test(p) && p.split('/').every((part) => part !== '..'), {
      message: 'must be a path under /dev without ".."',
    }),
  permissions: z.string().regex(/^(?!.*(.).*\1)[rwm]{1,3}$/, {
    message: 'permissions are some of r, w and m, each once',
  }),
});
export type DeviceMapping = z.infer<typeof DeviceMappingSchema>;

/** Parses `--device /dev/fuse`, `/dev/sdb:/dev/xvdc`, `/dev/fuse:rw` or `/dev/sdb:/dev/xvdc:r`. */
export function parseDevice(text: string): DeviceMapping {
  const parts = text.split(':');
  let permissions = 'rwm';
  const last = parts.at(-1) ?? '';
  if (parts.length > 1 && /^[rwm]+$/.test(last)) {
    permissions = last;
    parts.pop();
  }
  const [hostPath = '', containerPath = hostPath, ...rest] = parts;
  if (rest.length > 0) {
    throw new Error(`invalid device "${text}": expected HOST[:CONTAINER][:rwm]`);
  }
  const parsed = DeviceMappingSchema.safeParse({ hostPath, containerPath, permissions });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid device "${text}": ${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data;
}
