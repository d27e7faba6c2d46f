import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { initHandshake } from '../src/container/init-handshake.js';

// The engine reads an init's error pipe (fd 4) to learn whether the init became the
// container's program. These stand-ins write what an init writes, on a real pipe.
function standIn(script: string) {
  return spawn('/bin/sh', ['-c', script], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'],
  });
}

test('an init that marks execve is executing', async () => {
  const handshake = initHandshake(standIn('printf R >&4; sleep 0.05; printf X >&4'));
  await handshake.ready;
  assert.deepEqual(await handshake.verdict, { kind: 'executing' });
});

test('an init that reports a failure, before or after the mark, has failed with its message', async () => {
  for (const script of [
    `printf 'R{"message":"no such file: /bin/nope","exitCode":127}' >&4`,
    `printf 'RX{"message":"setting no_new_privs: EPERM","exitCode":125}' >&4`,
  ]) {
    const verdict = await initHandshake(standIn(script)).verdict;
    assert.equal(verdict.kind, 'failed', script);
    assert.match(verdict.kind === 'failed' ? verdict.failure.message : '', /: /);
  }
});

test('an init that dies before execve without a word is not taken for a started container', async () => {
  // What a crash looks like (Node aborting, a SIGKILL): ready, then the pipe just closes.
  const handshake = initHandshake(standIn('printf R >&4; kill -9 $$'));
  await handshake.ready;
  assert.deepEqual(await handshake.verdict, { kind: 'died' });
});

test('an init that dies before it is ready ends the wait for it', async () => {
  const handshake = initHandshake(standIn('exit 1'));
  await handshake.ready; // settles instead of hanging
  assert.deepEqual(await handshake.verdict, { kind: 'died' });
});
