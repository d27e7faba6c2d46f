import { formatBytes, type PullProgress } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { follow } from '../agent/follow.js';
import { CliError } from '../cli-error.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

export const pullUsage = `Usage: cove pull [OPTIONS] IMAGE

Download an image from a registry: [REGISTRY/]NAME[:TAG|@sha256:DIGEST]. Docker Hub by
default; credentials come from cove login.

Options:
      --insecure           Plain HTTP: only for a registry on this machine
      --platform OS/ARCH   Which image of a multi-platform one (default: this host's)
  -q, --quiet              Print only the image name when done`;

const flagSpecs: FlagSpec[] = [
  { long: 'insecure' },
  { long: 'platform', value: true },
  { long: 'quiet', short: 'q' },
  { long: 'help' },
];

/**
 * Progress on stderr: one line redrawn in place on a terminal, otherwise a line per
 * phase, so logs stay readable.
 */
function progressPrinter(quiet: boolean): (progress: PullProgress) => void {
  const terminal = process.stderr.isTTY;
  let phase = '';
  return (progress) => {
    if (quiet) return;
    const total = progress.totalBytes ? ` / ${formatBytes(progress.totalBytes)}` : '';
    const line = `${progress.phase[0]?.toUpperCase()}${progress.phase.slice(1)} ${formatBytes(progress.bytes)}${total}`;
    if (terminal) process.stderr.write(`\r\x1b[K${line}${progress.phase === 'done' ? '\n' : ''}`);
    else if (progress.phase !== phase) process.stderr.write(`${line}\n`);
    phase = progress.phase;
  };
}

export async function pull(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('pull', args, flagSpecs);
  if (flags.has('help')) {
    console.log(pullUsage);
    return 0;
  }
  const [reference, ...extra] = rest;
  if (!reference || extra.length) throw new CliError('cove pull: name one image: cove pull IMAGE');
  const quiet = flags.has('quiet');
  let downloaded = false;
  let result: PullProgress['result'];
  const print = progressPrinter(quiet);
  const platform = flags.get('platform')?.at(-1);
  // Ctrl-C ends the subscription, and the agent cancels the pull when its client leaves.
  await follow<PullProgress>(
    agent,
    (handlers) =>
      agent.client.images.pull.subscribe(
        { reference, insecure: flags.has('insecure'), ...(platform ? { platform } : {}) },
        handlers,
      ),
    (progress) => {
      downloaded ||= progress.phase === 'downloading';
      result ??= progress.result;
      print(progress);
    },
  );
  if (!result) throw new CliError('the agent ended the pull without its result');
  for (const warning of result.warnings) console.error(`cove: warning: ${warning}`);
  if (!quiet) {
    console.log(`Digest: ${result.digest}`);
    console.log(
      downloaded
        ? `Status: downloaded newer image for ${result.reference}`
        : `Status: image is up to date for ${result.reference}`,
    );
  }
  console.log(result.reference);
  return 0;
}
