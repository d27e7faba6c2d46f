import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/**
 * The suite's network namespace, made by support/in-network-namespace.sh: the agent's
 * bridge and firewall table go in there, never on the machine. `outerPid` is a process
 * left outside, through which the teardown looks at the machine's own namespace.
 */
export function ownNetworkNamespace(): { outerPid: number } {
  const outerPid = Number(process.env.COVE_E2E_OUTER_NETNS_PID);
  const outside = Number.isInteger(outerPid) && outerPid > 0 ? namespaceOf(outerPid) : undefined;
  if (!outside || outside === namespaceOf('self')) {
    throw new Error(
      'the end-to-end suite makes a bridge and a firewall table, so it runs in a network namespace of its own: start it with `npm run test:e2e` (support/in-network-namespace.sh)',
    );
  }
  return { outerPid };
}

/** What the suite left in the machine's own namespace: Cove's bridge or nft table. */
export function leftInOuterNamespace(outerPid: number): string[] {
  const run = (command: string[]) =>
    spawnSync('nsenter', [`--net=/proc/${outerPid}/ns/net`, '--', ...command], {
      encoding: 'utf8',
      timeout: 10_000,
    });
  const problems: string[] = [];
  if (run(['ip', 'link', 'show', 'cove0']).status === 0) {
    problems.push("the bridge cove0 in the machine's own network namespace");
  }
  if (run(['nft', 'list', 'table', 'inet', 'cove']).status === 0) {
    problems.push("the nft table inet cove in the machine's own network namespace");
  }
  return problems;
}

function namespaceOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}
