import type { AgentConnection } from '../agent/agent-connection.js';
import { attachToProcess } from '../agent/attached-process.js';
import { relayTerminal } from '../agent/remote-terminal.js';
import { CliError } from '../cli-error.js';
import { environmentEntries } from '../container-flags.js';
import { formatTrace } from '../format-trace.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove exec [OPTIONS] CONTAINER COMMAND [ARG...]

Run a command in a running container: its namespaces, cgroup, environment, user and
capabilities.

Options:
  -e, --env KEY=VALUE      Set an environment variable
  -i, --interactive        Connect stdin
  -t, --tty                Give the command a terminal
  -u, --user USER[:GROUP]  Run as this user
  -w, --workdir DIR        Working directory inside the container
      --trace              Print how the process was started, step by step, to stderr
                           (without -t)`;

export async function exec(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('exec', args, [
    { long: 'env', short: 'e', value: true, repeatable: true },
    { long: 'interactive', short: 'i' },
    { long: 'tty', short: 't' },
    { long: 'user', short: 'u', value: true },
    { long: 'workdir', short: 'w', value: true },
    { long: 'trace' },
    { long: 'help' },
  ]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const [container, ...command] = rest;
  if (!container || !command.length) {
    throw new CliError('cove exec: name a container and a command: cove exec CONTAINER COMMAND');
  }
  const interactive = flags.has('interactive');
  const options = {
    env: environmentEntries(flags.get('env') ?? []),
    user: flags.get('user')?.at(-1),
    workdir: flags.get('workdir')?.at(-1),
  };
  const trace = flags.has('trace');
  if (flags.has('tty')) {
    if (trace) throw new CliError('cove exec: --trace is for an exec without -t');
    const session = await agent.client.terminals.open.mutate({
      container,
      mode: 'exec',
      command,
      ...options,
      cols: process.stdout.columns || 80,
      rows: process.stdout.rows || 24,
    });
    return (await relayTerminal(agent, session.id, interactive)) ?? 0;
  }
  return attachToProcess(
    agent,
    (handlers) =>
      agent.client.containers.exec.subscribe(
        { id: container, args: command, ...options, stdin: interactive, trace },
        handlers,
      ),
    {
      stdin: interactive,
      // stderr: the process's own output on stdout stays clean.
      onStarted: (_pid, started) => {
        if (started.trace) process.stderr.write(`${formatTrace(started.trace)}\n`);
      },
    },
  );
}
