import { formatBytes } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { formatTable, timeAgo } from '../format.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const usage = `Usage: cove images [OPTIONS]

List the images in the store, and the disk their layers take.

Options:
  -q, --quiet        Print only the image names
      --format json  Print the list as JSON`;

const flagSpecs: FlagSpec[] = [
  { long: 'quiet', short: 'q' },
  { long: 'format', value: true },
  { long: 'help' },
];

/** `alpine:3.20` → [alpine, 3.20]; `app@sha256:…` → [app, <none>]. */
function splitReference(reference: string): [string, string] {
  const at = reference.indexOf('@');
  if (at >= 0) return [reference.slice(0, at), '<none>'];
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/')
    ? [reference.slice(0, colon), reference.slice(colon + 1)]
    : [reference, '<none>'];
}

export async function images(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags } = parseFlags('images', args, flagSpecs);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const list = await agent.client.images.list.query();
  if (flags.get('format')?.at(-1) === 'json') {
    console.log(JSON.stringify(list, null, 2));
    return 0;
  }
  if (flags.has('quiet')) {
    for (const image of list) console.log(image.reference);
    return 0;
  }
  const rows = list.map((image) => [
    ...splitReference(image.reference),
    image.digest?.slice(0, 'sha256:'.length + 12) ?? '',
    `${timeAgo(image.createdAt ?? undefined)} ago`,
    formatBytes(image.sizeBytes),
  ]);
  console.log(formatTable(['REPOSITORY', 'TAG', 'DIGEST', 'CREATED', 'SIZE'], rows));
  const disk = await agent.client.images.usage.query();
  console.log(
    `\n${disk.images} image(s), ${disk.layers} layer(s): ${formatBytes(disk.bytes)} on disk (a layer shared by images is stored once)`,
  );
  return 0;
}
