import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { processStartTime, signalVerifiedProcess } from '../src/container/process-identity.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';

// The engine signals a container's PID 1 (kill, stop, rm -f) only through a pidfd it
// took before checking the PID's start time: a stranger given the PID is never hit.

test('a signal reaches the process only when its start time matches, through a pidfd', async () => {
  const child = spawn('sleep', ['100'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid ?? 0;
  try {
    const startTime = processStartTime(pid);
    assert.ok(startTime, 'a live process has a start time');
    const stranger = String(Number(startTime) + 1);
    assert.equal(
      signalVerifiedProcess(koffiLibc, pid, stranger, 9),
      false,
      'another start time: no signal',
    );
    assert.equal(processStartTime(pid), startTime, 'still alive');
    assert.equal(signalVerifiedProcess(koffiLibc, pid, startTime, 9), true);
    const [, signal] = await once(child, 'exit');
    assert.equal(signal, 'SIGKILL');
    assert.equal(
      signalVerifiedProcess(koffiLibc, pid, startTime, 9),
      false,
      'gone: nothing to signal',
    );
  } finally {
    child.kill('SIGKILL');
  }
});
