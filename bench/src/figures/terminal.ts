import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { TerminalClient } from '../cove/terminal-client.js';
import { summarize } from '../measure/summary.js';
import { type FigureOutcome, timeResult, valueResult } from '../report/result.js';
import { compareToLimit } from './compare.js';

export const echoFigure = 'terminal: keystroke → echo';
export const throughputFigure = 'terminal: cat of a large file';

/** A file of printable 100-byte lines, as a log a user would cat. */
function writeTextFile(path: string, bytes: number): void {
  const line = `${'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(2).slice(0, 99)}\n`;
  const block = Buffer.from(line.repeat(Math.floor((1024 * 1024) / line.length) + 1)).subarray(
    0,
    1024 * 1024,
  );
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}

/**
 * Figure 5, through a running agent: a shell (`/bin/sh`, exec mode) on a PTY, its bytes
 * on the terminal WebSocket. The echo round trip is from sending one key to the first
 * byte back (the shell's line editor echoes it); keys alternate between a letter and
 * backspace so the line stays short. Throughput is a `cat` of a file on a read-only
 * volume, acknowledged as a dashboard would, until a marker after it arrives.
 */
export async function measureTerminal(
  context: BenchContext,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps } = context;
  const dataDir = join(context.dir, 'terminal-data');
  mkdirSync(dataDir, { recursive: true });
  const fileBytes = reps.terminalMiB * 1024 * 1024;
  writeTextFile(join(dataDir, 'big.txt'), fileBytes);

  const record = await agent.client.containers.create.mutate({
    spec: {
      image: 'busybox',
      name: 'terminal',
      command: ['sleep', '1000000'],
      volumes: [{ source: dataDir, target: '/data', readOnly: true }],
    },
    start: true,
  });
  let terminal: TerminalClient | undefined;
  try {
    const session = await agent.client.terminals.open.mutate({
      container: record.id,
      mode: 'exec',
      command: ['/bin/sh'],
      cols: 120,
      rows: 40,
    });
    terminal = await TerminalClient.connect(agent.terminalSocket(session.id));
    await terminal.waitFor(/\/ # /); // the prompt

    context.log(`terminal: ${reps.keystrokes} keystrokes`);
    const echoes: number[] = [];
    // An even count: every letter is erased again, and the line is empty afterwards.
    const keys = 2 * Math.ceil((reps.keystrokes + reps.warmup) / 2);
    for (let i = 0; i < keys; i++) {
      const start = performance.now();
      const at = await terminal.type(i % 2 === 0 ? 'x' : '\x7f');
      if (i >= reps.warmup) echoes.push(at - start);
      await sleep(10); // a fast typist; lets any trailing bytes of the echo arrive
    }

    context.log(`terminal: cat of ${reps.terminalMiB} MiB`);
    const receivedBefore = terminal.received;
    const framesBefore = terminal.frames;
    const start = performance.now();
    // The typed line echoes "$((6*7))"; only the shell's output says "42".
    terminal.send('cat /data/big.txt; echo $((6*7))done\r');
    await terminal.waitFor(/42done/, 600_000);
    const seconds = (performance.now() - start) / 1000;
    const received = terminal.received - receivedBefore;
    const frames = terminal.frames - framesBefore;
    terminal.send('exit\r');

    const echo = summarize(echoes);
    const throughput = fileBytes / 1e6 / seconds;
    return {
      results: [
        timeResult(echoFigure, 'cove agent WebSocket', echo, true),
        valueResult(throughputFigure, 'cove agent WebSocket', throughput, 'MB/s (file bytes)'),
        valueResult(throughputFigure, 'cove agent WebSocket: bytes received', received / 1e6, 'MB'),
        valueResult(
          throughputFigure,
          'cove agent WebSocket: bytes per frame',
          received / Math.max(1, frames),
          'bytes',
          frames,
        ),
      ],
      targets: [
        compareToLimit('terminal: echo round trip p99', echo.p99, 10, 'ms'),
        compareToLimit('terminal: cat throughput', throughput, 50, 'MB/s', 'above'),
      ],
      notes: [],
    };
  } finally {
    terminal?.close();
    await agent.client.containers.remove.mutate({ id: record.id, force: true });
  }
}
