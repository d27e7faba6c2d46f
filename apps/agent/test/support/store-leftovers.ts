import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findStoreKeepers } from '@cove/core';

/** The start time /proc gives a live process (field 22 of its stat), or undefined. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

interface StoredState {
  pid?: number;
  pidStartTime?: string;
  keeper?: { pid: number; startTime: string };
}

/**
 * Before a test deletes its store: the processes its records still name (a container's
 * PID 1 and its keeper, which outlives an agent by design) are ended by their own PIDs,
 * checked against the start times the records keep, and named on stderr: a store deleted
 * with them would leave them running for good, with no agent to finish them.
 */
export function endStoreProcesses(root: string): void {
  endRecordedProcesses(root);
  // And keepers no record names (their environment names the store): an agent killed
  // between a keeper's spawn and its record's write leaves one.
  for (const keeper of findStoreKeepers(root)) {
    if (startTimeOf(keeper.pid) !== keeper.startTime) continue;
    console.error(
      `test cleanup: ending an unrecorded keeper of container ${keeper.containerId.slice(0, 12)} (PID ${keeper.pid})`,
    );
    try {
      process.kill(keeper.pid, 'SIGKILL');
    } catch {}
  }
}

function endRecordedProcesses(root: string): void {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(root, 'containers'));
  } catch {
    return;
  }
  for (const id of ids) {
    let record: { name?: string; state?: StoredState };
    try {
      record = JSON.parse(readFileSync(join(root, 'containers', id, 'container.json'), 'utf8'));
    } catch {
      continue;
    }
    const { pid, pidStartTime, keeper } = record.state ?? {};
    const owned = [
      { what: 'PID 1', pid, startTime: pidStartTime },
      { what: 'keeper', pid: keeper?.pid, startTime: keeper?.startTime },
    ];
    for (const each of owned) {
      if (!each.pid || !each.startTime || startTimeOf(each.pid) !== each.startTime) continue;
      console.error(
        `test cleanup: ending container ${record.name ?? id}'s ${each.what} (PID ${each.pid})`,
      );
      try {
        process.kill(each.pid, 'SIGKILL');
      } catch {}
    }
  }
}
