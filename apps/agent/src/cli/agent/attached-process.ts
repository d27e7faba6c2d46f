import type { ProcessEvent } from '@cove/shared';
import { CliError } from '../cli-error.js';
import type { AgentConnection } from './agent-connection.js';
import { follow } from './follow.js';

/** At most this much of stdin per call: the agent takes 512 KiB of bytes a call. */
const stdinChunkBytes = 256 * 1024;

/**
 * Shows a process the agent runs with its output attached (`cove run`, `cove exec`
 * without -t): its stdout and stderr on ours, our stdin to it when asked, and its
 * exit code as the result.
 */
export async function attachToProcess(
  agent: AgentConnection,
  subscribe: Parameters<typeof follow<ProcessEvent>>[1],
  options: {
    stdin: boolean;
    onStarted?(id: string, event: Extract<ProcessEvent, { type: 'started' }>): void;
  },
): Promise<number> {
  let exitCode: number | undefined;
  let sendingInput: Promise<void> | undefined;
  await follow<ProcessEvent>(agent, subscribe, (event) => {
    switch (event.type) {
      case 'started':
        options.onStarted?.(event.id, event);
        if (options.stdin && event.stdinId) sendingInput = sendStdin(agent, event.stdinId);
        break;
      case 'output':
        (event.stream === 'stderr' ? process.stderr : process.stdout).write(
          Buffer.from(event.data, 'base64'),
        );
        break;
      case 'dropped':
        process.stderr.write(
          `cove: ${event.bytes} bytes of output were not shown (this terminal fell behind); cove logs has them\n`,
        );
        break;
      case 'exit':
        exitCode = event.exitCode;
        break;
    }
  });
  // A terminal on stdin would keep this process alive waiting for input nobody reads.
  if (options.stdin) process.stdin.destroy();
  await sendingInput?.catch(() => {}); // the process ended: what it did not read is moot
  if (exitCode === undefined) throw new CliError('the agent ended the stream without an exit code');
  return exitCode;
}

/** Our stdin to the process, in order, one call after the other; its end is EOF there. */
async function sendStdin(agent: AgentConnection, stdinId: string): Promise<void> {
  for await (const chunk of process.stdin) {
    const bytes = chunk as Buffer;
    for (let at = 0; at < bytes.length; at += stdinChunkBytes) {
      const data = bytes.subarray(at, at + stdinChunkBytes).toString('base64');
      await agent.client.containers.writeStdin.mutate({ stdinId, data });
    }
  }
  await agent.client.containers.writeStdin.mutate({ stdinId, end: true });
}
