import { type ContainerRecord, formatPublishedPort } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { formatTable, timeAgo } from '../format.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const flagSpecs: FlagSpec[] = [
  { long: 'all', short: 'a' },
  { long: 'quiet', short: 'q' },
];

function status(record: ContainerRecord): string {
  const { state } = record;
  if (state.status === 'running') return `Up since ${timeAgo(state.startedAt)}`;
  if (state.status === 'exited') {
    const code =
      state.exitCode === null || state.exitCode === undefined
        ? 'unknown code'
        : String(state.exitCode);
    return `Exited (${code}) ${timeAgo(state.finishedAt)} ago`;
  }
  return 'Created';
}

/** `0.0.0.0:8080->80/tcp, ...` while it runs, as docker ps shows them. */
function ports(record: ContainerRecord): string {
  if (record.state.status !== 'running' && record.state.status !== 'paused') return '';
  return (record.network?.ports ?? []).map(formatPublishedPort).join(', ');
}

export async function ps(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags } = parseFlags('ps', args, flagSpecs);
  const records = (await agent.client.containers.list.query())
    .map((summary) => summary.record)
    .filter((r) => flags.has('all') || r.state.status === 'running');
  if (flags.has('quiet')) {
    for (const record of records) console.log(record.id.slice(0, 12));
    return 0;
  }
  const rows = records.map((r) => [
    r.id.slice(0, 12),
    r.spec.image,
    JSON.stringify(r.args.join(' ')),
    `${timeAgo(r.createdAt)} ago`,
    status(r),
    ports(r),
    r.name,
  ]);
  console.log(
    formatTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows),
  );
  return 0;
}
