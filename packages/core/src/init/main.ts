import { readSync, writeSync } from 'node:fs';
import { exitCodeOf } from '../errors.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import { attachStdio } from './attach-stdio.js';
import { containerInit } from './container-init.js';
import {
  ERROR_FD,
  INIT_EXECUTING,
  INIT_READY,
  type InitFailure,
  type InitSpec,
  SPEC_FD,
} from './init-spec.js';

// Entry point of a container's init process, spawned by the engine as PID 1 of a new
// PID namespace. It waits for its spec, then becomes the user's program.

function readSpec(): InitSpec {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    const read = readSync(SPEC_FD, buffer);
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as InitSpec;
}

try {
  // Node has started its threads: the engine may now put this process in a cgroup whose
  // pids.max would refuse a thread created later.
  writeSync(ERROR_FD, INIT_READY);
  const spec = readSpec();
  attachStdio(koffiLibc, spec.stdio);
  containerInit(koffiLibc, spec, () => writeSync(ERROR_FD, INIT_EXECUTING));
} catch (error) {
  const failure: InitFailure = { message: (error as Error).message, exitCode: exitCodeOf(error) };
  writeSync(ERROR_FD, JSON.stringify(failure));
  process.exit(failure.exitCode);
}
