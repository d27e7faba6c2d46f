import type { ContainerSpecInput } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { attachToProcess } from '../agent/attached-process.js';
import { relayTerminal } from '../agent/remote-terminal.js';
import { CliError } from '../cli-error.js';
import { containerFlagSpecs, containerOptionsUsage, specFromFlags } from '../container-flags.js';
import { parseFlags } from '../parse-flags.js';
import {
  reportFailedTrace,
  reportTrace,
  type TraceWish,
  traceFlagSpecs,
  traceFlagsUsage,
  traceWish,
} from '../trace-report.js';

export const runUsage = `Usage: cove run [OPTIONS] IMAGE [COMMAND] [ARG...]

Create and run a new container.

  -d, --detach             Run in the background and print the container's id
${traceFlagsUsage}
${containerOptionsUsage}`;

const proxiedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

export async function run(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('run', args, [
    { long: 'detach', short: 'd' },
    ...traceFlagSpecs,
    ...containerFlagSpecs,
  ]);
  if (flags.has('help')) {
    console.log(runUsage);
    return 0;
  }
  const [image, ...command] = rest;
  if (!image)
    throw new CliError('cove run: an image is required: cove run [OPTIONS] IMAGE [COMMAND...]');
  const spec = specFromFlags(flags, image, command);
  const wish = traceWish(flags);
  const since = new Date();
  try {
    return await runWith(agent, spec, flags, wish);
  } catch (error) {
    if (wish) await reportFailedTrace(agent, wish, since);
    throw error;
  }
}

async function runWith(
  agent: AgentConnection,
  spec: ContainerSpecInput,
  flags: Map<string, string[]>,
  wish: TraceWish | undefined,
): Promise<number> {
  const traced = (id: string) => (wish ? reportTrace(agent, wish, id) : Promise.resolve());
  const interactive = flags.has('interactive');
  const { containers, terminals } = agent.client;

  if (flags.has('detach')) {
    const { id } = await containers.create.mutate({ spec, start: true });
    await traced(id);
    console.log(id);
    return 0;
  }
  if (spec.tty) {
    const record = await containers.create.mutate({ spec, start: true });
    await traced(record.id);
    const session = await terminals.open.mutate({
      container: record.id,
      mode: 'attach',
      cols: process.stdout.columns || 80,
      rows: process.stdout.rows || 24,
    });
    const code = await relayTerminal(agent, session.id, interactive);
    if (code !== null) return code;
    const waited = await containers.wait.mutate({ id: record.id }).catch(() => null);
    return waited?.exitCode ?? 0;
  }
  // Like `docker run`'s signal proxy: what the CLI is sent, the container's PID 1 gets.
  let id: string | undefined;
  let trace: Promise<void> = Promise.resolve();
  for (const signal of proxiedSignals) {
    process.on(signal, () => {
      if (id) containers.kill.mutate({ id, signal }).catch(() => {});
    });
  }
  try {
    return await attachToProcess(
      agent,
      (handlers) => containers.runAttached.subscribe({ spec, stdin: interactive }, handlers),
      {
        stdin: interactive,
        onStarted: (started) => {
          id = started;
          trace = traced(started);
        },
      },
    );
  } finally {
    await trace.catch(() => {});
    for (const signal of proxiedSignals) process.removeAllListeners(signal);
  }
}
