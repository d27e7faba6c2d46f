import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StartTrace } from '@cove/shared';
import { createEngine } from '../src/engine.js';
import { buildBusyboxRootfs, busyboxConfig } from '../src/image/busybox-image.js';
import { installImage } from '../src/image/image-store.js';
import { encodeTraceFrame, takeTraceFrames } from '../src/trace/init-trace-frame.js';

// The engine trace (issue: "watch a container being born"), on the real kernel: a start
// recorded step by step, a failed start kept with its failing call, and nothing recorded
// when tracing is off. Containers here are on `--network none`.

const root = mkdtempSync(join(tmpdir(), 'cove-trace-'));
const hostTarget = mkdtempSync(join(tmpdir(), 'cove-trace-target-'));
const engine = createEngine({ root, defaultNetwork: 'none', trace: true });
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(hostTarget, { recursive: true, force: true });
});

const stepIds = (trace: StartTrace) => trace.steps.map((step) => step.id);

/** Every one of `expected` is among the trace's steps, in that order (others may come between). */
function assertStepsInOrder(trace: StartTrace, expected: string[]): void {
  const ids = stepIds(trace);
  const positions = expected.map((id) => ids.indexOf(id));
  assert.ok(!positions.includes(-1), `every step is there: ${ids.join(' ')}`);
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
    `in order: ${ids.join(' ')}`,
  );
}
const calls = (trace: StartTrace, name: string) =>
  trace.steps.flatMap((step) => step.calls.filter((call) => call.call === name));

test("a start's trace has the seeds' steps in their order, each with its calls", async () => {
  const container = await engine.run({ image: 'busybox', command: ['true'] }, { kind: 'log' });
  assert.equal(await container.exited, 0);
  const trace = engine.trace(container.id);
  assert.ok(trace, 'the start was traced');
  assert.equal(trace.error, undefined);
  assert.equal(trace.containerName, container.name);
  assert.deepEqual(trace.command, ['true']);

  // The seeds' order.
  assertStepsInOrder(trace, [
    'cgroup',
    'init-process',
    'namespaces',
    'private-root',
    'overlay',
    'proc',
    'dev',
    'sys',
    'masks',
    'pivot-root',
    'old-root',
    'hostname',
    'capabilities',
    'seccomp',
    'execve',
  ]);

  assert.match(
    trace.steps.find((step) => step.id === 'namespaces')?.calls[0]?.args ?? '',
    /CLONE_NEWNS\|CLONE_NEWCGROUP\|CLONE_NEWUTS\|CLONE_NEWIPC\|CLONE_NEWNET/,
  );
  assert.equal(
    calls(trace, 'unshare')[0]?.args,
    'CLONE_NEWPID',
    'the engine made the PID namespace',
  );
  const privateRoot = trace.steps.find((step) => step.id === 'private-root');
  assert.equal(privateRoot?.process, 'init');
  assert.equal(privateRoot?.calls[0]?.args, 'NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL');
  assert.equal(calls(trace, 'pivot_root')[0]?.args, '".", "."');
  assert.equal(calls(trace, 'umount2')[0]?.args, '".", MNT_DETACH');
  assert.equal(calls(trace, 'sethostname')[0]?.args, JSON.stringify(container.id.slice(0, 12)));
  const [execve] = calls(trace, 'execve');
  assert.match(execve?.args ?? '', /^"\/bin\/true", \["true"\]$/);
  assert.match(
    execve?.inferred ?? '',
    /error pipe closed on execve/,
    'the success of execve is seen by the engine',
  );
  assert.equal(trace.steps.find((step) => step.id === 'cgroup')?.process, 'agent');

  for (const step of trace.steps) {
    assert.ok(step.why.length > 20 && step.title, `${step.id} says why`);
    assert.ok(
      step.at >= 0 && step.ms >= 0 && step.at + step.ms <= trace.ms + 1,
      `${step.id} within the start`,
    );
  }
  assert.deepEqual(engine.failedStarts(), [], 'a start that worked is not a failed one');
  await engine.remove(container.id);
});

test('a start that fails keeps its trace, ending in the failing step with its errno', async () => {
  await installImage(engine.layout, 'evil-proc', 'latest', busyboxConfig, (rootfs) => {
    buildBusyboxRootfs(rootfs);
    rmSync(join(rootfs, 'proc'), { recursive: true });
    symlinkSync(hostTarget, join(rootfs, 'proc'));
  });
  let told = '';
  await assert.rejects(
    engine.run({ image: 'evil-proc', command: ['true'] }, { kind: 'log' }),
    (error: Error) => {
      told = error.message;
      return true;
    },
  );
  const [trace] = engine.failedStarts();
  assert.ok(trace, 'the failed start is kept');
  assert.equal(trace.error, told, 'with the error as the user saw it');
  const failed = trace.steps.filter((step) => step.failed);
  assert.deepEqual(
    failed.map((step) => step.id),
    ['proc'],
    'the /proc step failed',
  );
  assert.match(failed[0]?.failed ?? '', /symlink/);
  const failedCall = failed[0]?.calls.find((call) => call.error);
  assert.equal(failedCall?.call, 'openat2');
  assert.match(failedCall?.error ?? '', /^ELOOP|^EXDEV/, 'the call that failed, with its errno');
  assert.ok(!stepIds(trace).includes('pivot-root'), 'nothing after the failure');
});

test('a missing command is traced to the command lookup, and kept across an engine restart', async () => {
  await assert.rejects(
    engine.run({ image: 'busybox', command: ['no-such-program'] }, { kind: 'log' }),
    /no-such-program/,
  );
  const [trace] = engine.failedStarts();
  assert.equal(trace?.steps.at(-1)?.id, 'command');
  assert.match(trace?.steps.at(-1)?.failed ?? '', /no-such-program/);
  await engine.close(); // the book writes after the start has answered; close waits for it
  const restarted = createEngine({ root, defaultNetwork: 'none', trace: true });
  assert.deepEqual(
    restarted.failedStarts().map((kept) => kept.error),
    engine.failedStarts().map((kept) => kept.error),
    'the failed starts survive a restart',
  );
  assert.equal(restarted.failedStarts().length, 2);
  await restarted.close();
});

test("a container's last trace is kept beside its record: a new engine finds it", async () => {
  const first = createEngine({ root, defaultNetwork: 'none', trace: true });
  const container = await first.run(
    { image: 'busybox', command: ['true'], name: 'kept-trace' },
    { kind: 'log' },
  );
  assert.equal(await container.exited, 0);
  const shown = first.trace('kept-trace');
  await first.close();
  const second = createEngine({ root, defaultNetwork: 'none', trace: true });
  assert.deepEqual(second.trace('kept-trace'), shown, 'the same trace, read from the store');
  await second.remove('kept-trace');
  assert.throws(() => second.trace('kept-trace'), /no such container/i);
  await second.close();
});

test('an engine that does not trace records nothing', async () => {
  const quiet = createEngine({ root, defaultNetwork: 'none' });
  const container = await quiet.run({ image: 'busybox', command: ['true'] }, { kind: 'log' });
  assert.equal(await container.exited, 0);
  assert.equal(quiet.trace(container.id), undefined);
  await quiet.remove(container.id);
  await quiet.close();
});

test('trace frames are found whole among the marks, and a torn one waits', () => {
  const frame = { steps: [], exec: { path: '/bin/true', args: ['true', 'a\nb\u001e'] } };
  const text = `R${encodeTraceFrame(frame)}X`;
  assert.deepEqual(takeTraceFrames(text), { frame, rest: 'RX', unfinished: '' });
  assert.deepEqual(takeTraceFrames(text.slice(0, 10)), {
    frame: undefined,
    rest: 'R',
    unfinished: text.slice(1, 10),
  });
});

test("an exec's trace: into the namespaces, the user, the filter, the spawn", async () => {
  const supervised = createEngine({ root, defaultNetwork: 'none', supervise: true });
  const container = await supervised.run(
    { image: 'busybox', command: ['sleep', '100'] },
    { kind: 'log' },
  );
  try {
    const process = await supervised.exec(container.id, { args: ['true'], trace: true });
    assert.equal(await process.exited, 0);
    const trace = process.trace;
    assert.ok(trace, 'the exec was traced');
    assert.equal(trace.kind, 'exec');
    assert.deepEqual(trace.command, ['true']);
    assertStepsInOrder(trace, [
      'shim',
      'cgroup-join',
      'enter',
      'workdir',
      'command',
      'capabilities',
      'seccomp',
      'spawn',
    ]);
    assert.equal(trace.steps.find((step) => step.id === 'enter')?.process, 'exec');
    assert.match(calls(trace, 'setns')[0]?.args ?? '', /CLONE_NEWNS/);
    assert.match(calls(trace, 'spawn')[0]?.args ?? '', /^"\/bin\/true"/);

    const untraced = await supervised.exec(container.id, { args: ['true'] });
    assert.equal(await untraced.exited, 0);
    assert.equal(untraced.trace, undefined);
  } finally {
    await supervised.remove(container.id, { force: true });
    await supervised.close();
  }
});
