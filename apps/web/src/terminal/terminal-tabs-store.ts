import { z } from 'zod';
import { readStoredJson, writeStoredJson } from '~/storage/stored-json';

const StoredTabSchema = z.object({
  sessionId: z.string(),
  label: z.string(),
  openedAt: z.number(),
  /** `attach`: the container's own terminal (-t); closing the tab detaches from it. */
  mode: z.enum(['exec', 'attach']).default('exec'),
});
export type StoredTab = z.infer<typeof StoredTabSchema>;

const key = (containerId: string) => `cove.terminals.${containerId}`;

/**
 * A browser tab's terminal sessions for a container, in sessionStorage: a reload finds
 * them and re-attaches (the shells live in the agent), while another browser tab starts
 * its own.
 */
export function readTerminalTabs(containerId: string): StoredTab[] {
  return readStoredJson('session', key(containerId), z.array(StoredTabSchema), []);
}

export function writeTerminalTabs(containerId: string, tabs: readonly StoredTab[]): void {
  writeStoredJson('session', key(containerId), tabs);
}
