import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

export const importUsage = `Usage: cove image import [OPTIONS] FILE|- NAME[:TAG]

Import an image from an archive, plain, gzip or zstd: a root filesystem tarball (such
as Alpine's minirootfs), a 'docker save' archive, or an OCI image layout archive. "-"
reads the archive from stdin.

Options:
      --platform OS/ARCH   Which image of a multi-platform archive (default: this host's)`;

const flagSpecs: FlagSpec[] = [{ long: 'platform', value: true }, { long: 'help' }];

export async function imageImport(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('image import', args, flagSpecs);
  if (flags.has('help')) {
    console.log(importUsage);
    return 0;
  }
  const [file, reference, ...extra] = rest;
  if (!file || !reference || extra.length) {
    throw new CliError(
      'cove image import: give a file and a name: cove image import FILE NAME[:TAG]',
    );
  }
  const query = new URLSearchParams({ reference });
  const platform = flags.get('platform')?.at(-1);
  if (platform) query.set('platform', platform);
  // The archive is streamed to the agent, which checks and unpacks it into the store.
  const source = file === '-' ? process.stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    source.once('open', () => resolve());
    source.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CliError(`cove image import: cannot read ${file}: ${error.code ?? error.message}`),
      ),
    );
  });
  await opened;
  const response = await agent.fetch(`/api/images/import?${query}`, {
    method: 'POST',
    body: Readable.toWeb(source) as ReadableStream,
    headers: { 'content-type': 'application/octet-stream' },
    duplex: 'half',
  } as RequestInit);
  const body = (await response.json()) as {
    reference?: string;
    digest?: string;
    warnings?: string[];
    error?: string;
  };
  if (!response.ok) throw new CliError(`cove image import: ${body.error ?? response.statusText}`);
  for (const warning of body.warnings ?? []) console.error(`cove: warning: ${warning}`);
  console.log(`Imported ${body.reference} ${body.digest}`);
  return 0;
}
