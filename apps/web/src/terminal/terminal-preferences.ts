import { z } from 'zod';
import { readStoredJson, writeStoredJson } from '~/storage/stored-json';

const TerminalPreferencesSchema = z.object({
  /** A shell path, or '' for the best the container has. */
  shell: z.string(),
  user: z.string(),
  workdir: z.string(),
});
export type TerminalPreferences = z.infer<typeof TerminalPreferencesSchema>;

const none: TerminalPreferences = { shell: '', user: '', workdir: '' };
const key = (containerId: string) => `cove.terminal-preferences.${containerId}`;

/** The shell, user and working directory last chosen for a container, in localStorage. */
export function readTerminalPreferences(containerId: string): TerminalPreferences {
  return readStoredJson('local', key(containerId), TerminalPreferencesSchema, none);
}

export function writeTerminalPreferences(containerId: string, preferences: TerminalPreferences) {
  writeStoredJson('local', key(containerId), preferences);
}
