import { z } from 'zod';

/**
 * A named volume's name, as Docker takes it: a letter or digit, then letters, digits,
 * `_`, `.` or `-`. It is a directory name in the store, so no `/`, and never `.` or `..`.
 */
export const VolumeNameSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, {
  message: 'a volume name is letters, digits, "_", "." or "-", starting with a letter or digit',
});

export const VolumeCreateSchema = z.object({ name: VolumeNameSchema });

/** A named volume as `cove volume ls` and the dashboard show it. */
export const VolumeSummarySchema = z.object({
  name: z.string(),
  createdAt: z.string(),
  /** Where its files are on the host. */
  mountpoint: z.string(),
  /** The bytes of its files, counted when asked. */
  sizeBytes: z.number(),
  /** The containers (running or not) that mount it. */
  usedBy: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type VolumeSummary = z.infer<typeof VolumeSummarySchema>;
