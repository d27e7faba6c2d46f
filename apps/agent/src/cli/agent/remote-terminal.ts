import type { TerminalClientMessage, TerminalServerMessage } from '@cove/shared';
import { CliError } from '../cli-error.js';
import type { AgentConnection } from './agent-connection.js';

/**
 * Connects the user's terminal to a terminal session of the agent, as `docker run -it`
 * does: the user's terminal goes raw (so Ctrl-C travels as a byte and the container's
 * terminal turns it into SIGINT for its foreground job), window size changes follow,
 * and the user's terminal is restored at the end. Bytes drawn are acknowledged, so a
 * program printing faster than this terminal draws is paused rather than buffered.
 * Resolves with the process's exit code (null when the agent does not know it).
 */
export async function relayTerminal(
  agent: AgentConnection,
  sessionId: string,
  interactive: boolean,
): Promise<number | null> {
  const socket = agent.terminalSocket(sessionId);
  const send = (message: TerminalClientMessage) => socket.send(JSON.stringify(message));
  const size = () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  const resize = () => send({ type: 'resize', ...size() });
  const stdin = process.stdin;
  const raw = interactive && stdin.isTTY;
  const forward = (data: Buffer) => socket.send(data, { binary: true });

  let exitCode: number | null = null;
  let failure: string | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resize();
        process.stdout.on('resize', resize);
        if (raw) stdin.setRawMode(true);
        if (interactive) stdin.on('data', forward);
      });
      socket.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (isBinary) {
          process.stdout.write(bytes, () => send({ type: 'ack', bytes: bytes.length }));
          return;
        }
        const message = JSON.parse(bytes.toString('utf8')) as TerminalServerMessage;
        if (message.type === 'exit') exitCode = message.exitCode;
        else if (message.type === 'error') failure = message.message;
      });
      socket.once('unexpected-response', (_request, response) =>
        reject(new CliError(`the agent refused the terminal (${response.statusCode})`)),
      );
      socket.once('error', reject);
      socket.once('close', () => resolve());
    });
  } finally {
    process.stdout.off('resize', resize);
    stdin.off('data', forward);
    if (raw) stdin.setRawMode(false);
    if (interactive) stdin.destroy();
  }
  if (failure) throw new CliError(failure);
  return exitCode;
}
