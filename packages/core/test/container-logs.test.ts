import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, test } from 'node:test';
import { maxLogBytes } from '../src/logs/container-logger.js';
import { readLogEntries, readLogText } from '../src/logs/read-log.js';
import { securityStore } from './support/security-containers.js';

const store = securityStore('logs');
after(() => store.cleanup());
const { engine } = store;

test('the log keeps stdout and stderr apart, each line with the time it was read', async () => {
  const before = Date.now();
  const container = await engine.run(
    { image: 'busybox', command: ['sh', '-c', 'echo out; echo err >&2; printf "no newline"'] },
    { kind: 'log' },
  );
  assert.equal(await container.exited, 0);
  const entries = readLogEntries(engine.logPath(container.id));
  // Two pipes: the order between them is the order they were read in (as with Docker),
  // so only each stream's own order is certain.
  const textOf = (stream: string) => entries.filter((e) => e.stream === stream).map((e) => e.text);
  assert.deepEqual(textOf('stdout'), ['out\n', 'no newline']);
  assert.deepEqual(textOf('stderr'), ['err\n']);
  for (const { time } of entries) {
    assert.ok(time !== null && time >= before - 1000 && time <= Date.now() + 1000, `time ${time}`);
  }
  await engine.remove(container.id);
});

test('with stdin, what the caller writes reaches the container, and ending it is EOF', async () => {
  const container = await engine.run(
    { image: 'busybox', command: ['sh', '-c', 'cat; echo "stdin closed"'] },
    { kind: 'log', stdin: true },
  );
  assert.ok(container.stdin, 'a writable stdin');
  const seen: string[] = [];
  container.logger?.subscribe((chunk) => seen.push(chunk.data.toString()));
  container.stdin.write('hello through the pipe\n');
  container.stdin.end();
  assert.equal(await container.exited, 0);
  assert.equal(readLogText(engine.logPath(container.id)), 'hello through the pipe\nstdin closed\n');
  assert.equal(seen.join(''), 'hello through the pipe\nstdin closed\n', 'live output, as written');
  await engine.remove(container.id);
});

test('without stdin, the container reads EOF at once', async () => {
  const container = await engine.run(
    { image: 'busybox', command: ['sh', '-c', 'cat; echo done'] },
    { kind: 'log' },
  );
  assert.equal(await container.exited, 0);
  assert.equal(readLogText(engine.logPath(container.id)), 'done\n');
  await engine.remove(container.id);
});

test(`a log past ${maxLogBytes / 2 ** 20} MiB moves to <log>.1 and a new one starts; nothing is lost`, async () => {
  const lines = 200_000; // 13 MiB of records: "line N" in the record's JSON
  const container = await engine.run(
    { image: 'busybox', command: ['sh', '-c', `seq 1 ${lines} | sed "s/^/line /"`] },
    { kind: 'log' },
  );
  assert.equal(await container.exited, 0);
  const log = engine.logPath(container.id);
  assert.ok(existsSync(`${log}.1`), 'the older generation is kept');
  assert.ok(statSync(log).size < maxLogBytes, 'the current log is under the limit');
  const text = readLogText(`${log}.1`) + readLogText(log);
  const numbers = text.split('\n').filter(Boolean);
  // The older generation holds the first lines: together they end in the last line,
  // and the generations meet without a gap.
  assert.equal(numbers.at(-1), `line ${lines}`);
  const first = Number(numbers[0]?.slice(5));
  assert.equal(numbers.length, lines - first + 1, 'no line missing between the generations');
  await engine.remove(container.id);
});
