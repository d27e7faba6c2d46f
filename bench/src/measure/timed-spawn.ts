import { spawn } from 'node:child_process';

export interface TimedSpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a command to its end and returns the wall time from the spawn call to its exit,
 * in milliseconds. stdout is discarded; stderr is kept for the error of a failed run.
 */
export function timeCommand(
  command: string,
  args: readonly string[],
  options: TimedSpawnOptions = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      const elapsed = performance.now() - start;
      if (code === 0) resolve(elapsed);
      else
        reject(
          new Error(
            `${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`,
          ),
        );
    });
  });
}

/** Runs a command to its end and returns its stdout; throws with its stderr when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: TimedSpawnOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(
          new Error(
            `${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`,
          ),
        );
    });
  });
}
