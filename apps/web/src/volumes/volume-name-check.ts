import { VolumeNameSchema } from '@cove/shared';

/**
 * What is wrong with a name typed for a new volume, by the agent's own schema, or
 * undefined when it can be created.
 */
export function volumeNameProblem(name: string, taken: readonly string[]): string | undefined {
  if (name === '') return 'Name the volume.';
  const parsed = VolumeNameSchema.safeParse(name);
  if (!parsed.success) return parsed.error.issues[0]?.message;
  if (taken.includes(name)) return `A volume named ${name} exists already.`;
  return undefined;
}
