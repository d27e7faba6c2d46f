import { type ChildProcess, spawn } from 'node:child_process';

export interface HeldProcess {
  child: ChildProcess;
  pid: number;
  /** Lets the script run: the process waits on its stdin until then, like on a sync pipe. */
  release(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lines the script has written to stdout so far. */
  lines: string[];
}

/**
 * Starts `busybox sh -c script` stopped on a read of its stdin, so the test can move it
 * into a cgroup before it runs anything (as the engine does before execve).
 */
export function spawnHeld(script: string): HeldProcess {
  const child = spawn('/bin/busybox', ['sh', '-c', `read _ && {\n${script}\n}`], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  if (child.pid === undefined) throw new Error('spawn /bin/busybox failed');
  const lines: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid,
    release: () => child.stdin?.end('\n'),
    exited,
    lines,
  };
}

/** SIGKILLs a test's process by its own pid if it is still running. */
export function killIfRunning(held: HeldProcess): void {
  if (held.child.exitCode === null && held.child.signalCode === null) {
    try {
      process.kill(held.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
