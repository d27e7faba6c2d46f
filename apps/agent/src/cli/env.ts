import { z } from 'zod';

// The only place the CLI reads its environment.
const EnvSchema = z.object({
  COVE_ROOT: z
    .string()
    .startsWith('/', { message: 'COVE_ROOT must be an absolute path' })
    .default('/var/lib/cove'),
});

export const env = EnvSchema.parse(process.env);

/** `-e KEY` without a value takes KEY from the caller's environment, as Docker does. */
export function callerEnvironmentValue(key: string): string | undefined {
  return process.env[key];
}
