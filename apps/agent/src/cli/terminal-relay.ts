import { koffiLibc, openTerminalStreams, setTerminalSize } from '@cove/core';

/**
 * Connects the user's terminal to a container's PTY, as `docker run -it` does: the
 * user's terminal goes raw (so Ctrl-C travels as a byte and the container's terminal
 * turns it into SIGINT for its foreground job), window size changes follow, and the
 * user's terminal is restored when the process ends. Resolves with its exit code.
 */
export async function relayTerminal(
  master: number,
  exited: Promise<number>,
  interactive: boolean,
): Promise<number> {
  const { output, input } = openTerminalStreams(koffiLibc, master);
  output.pipe(process.stdout, { end: false });

  const stdin = process.stdin;
  const raw = interactive && stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  if (interactive) stdin.pipe(input);
  const resize = () =>
    setTerminalSize(koffiLibc, master, {
      cols: process.stdout.columns || 80,
      rows: process.stdout.rows || 24,
    });
  process.stdout.on('resize', resize);
  try {
    const code = await exited;
    // The last output may still be in flight between the PTY and this process.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return code;
  } finally {
    process.stdout.off('resize', resize);
    if (interactive) stdin.unpipe(input);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    output.destroy();
    input.destroy();
  }
}
