import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type AgentProcess, screenReader, startAgentProcess } from './support/agent-process.js';

const agents: AgentProcess[] = [];
after(async () => {
  // Each test's last agent removes what its store still holds, keepers included.
  for (const agent of agents) {
    for (const { record } of await agent.client.containers.list.query().catch(() => [])) {
      await agent.client.containers.remove.mutate({ id: record.id, force: true }).catch(() => {});
    }
  }
  for (const agent of agents) await agent.stop();
  for (const agent of agents) agent.cleanup();
});

test('containers outlive a crashed agent; the next agent adopts the living and records the dead', async () => {
  const first = await startAgentProcess();
  agents.push(first);
  const survivor = await first.client.containers.create.mutate({
    spec: {
      image: 'busybox',
      name: 'survivor',
      hostname: 'survivor',
      command: ['sh', '-c', 'while true; do echo beat; sleep 0.2; done'],
      limits: { pids: 16 },
    },
    start: true,
  });
  const doomed = await first.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'doomed', command: ['sleep', '1000'] },
    start: true,
  });

  await first.stop('SIGKILL');
  process.kill(doomed.state.pid ?? 0, 'SIGKILL'); // dies while no agent is watching
  process.kill(survivor.state.pid ?? 0, 0); // still alive: throws if not

  const second = await startAgentProcess(first.root);
  agents.push(second);
  const listed = await second.client.containers.list.query();
  const byName = new Map(listed.map((c) => [c.record.name, c.record]));
  assert.equal(byName.get('survivor')?.state.status, 'running');
  assert.equal(byName.get('survivor')?.state.pid, survivor.state.pid, 'the same process, adopted');
  assert.equal(byName.get('doomed')?.state.status, 'exited');
  assert.equal(
    byName.get('doomed')?.state.exitCode,
    null,
    'nobody saw the exit code: it is unknown, not guessed',
  );

  // Stats, logs and exec work on the adopted container.
  const [survivorKeeper = 0] = await keepersOf(second, [survivor.id]);
  const history = await waitForHistory(second);
  assert.ok((history.at(-1)?.pids.current ?? 0) >= 1);
  assert.equal(history.at(-1)?.pids.limit, 16);
  const lines = await logLines(second, 'survivor', 5);
  assert.ok(lines.includes('beat'), `logs: ${lines.join('|')}`);
  const session = await second.client.terminals.open.mutate({
    container: 'survivor',
    mode: 'exec',
    command: ['hostname'],
    cols: 80,
    rows: 24,
  });
  const socket = second.terminalSocket(session.id);
  const screen = screenReader(socket);
  await screen.waitFor(/survivor/);
  socket.close();

  await second.client.containers.stop.mutate({ id: 'survivor', timeoutSeconds: 1 });
  const stopped = await second.client.containers.inspect.query({ id: 'survivor' });
  assert.equal(stopped.state.status, 'exited');
  assert.equal(stopped.state.keeper, undefined, 'a stopped container keeps no keeper');
  await waitUntilGone(survivorKeeper);
});

test("a -t container's terminal and the output a container wrote while no agent ran survive a crashed agent", async () => {
  const first = await startAgentProcess();
  agents.push(first);
  const shell = await first.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'shell', tty: true, command: ['sh'] },
    start: true,
  });
  const before = await attach(first, 'shell');
  before.socket.on('error', () => {}); // the agent is killed under it
  before.type('MARK=kept-$((40+2))\r');
  await before.screen.waitFor(/MARK=kept-\$\(\(40\+2\)\)\s+\/ # /); // run, prompt again

  // 3,000 lines (about 200 KiB, past a pipe's default 64 KiB), all written after the
  // agent is gone, and then the container ends before another agent starts.
  const writer = await first.client.containers.create.mutate({
    spec: {
      image: 'busybox',
      name: 'writer',
      command: [
        'sh',
        '-c',
        'sleep 1; i=0; while [ $i -lt 3000 ]; do echo "line $i of the output nobody read yet"; i=$((i+1)); done; echo last-line',
      ],
    },
    start: true,
  });
  const keepers = await keepersOf(first, [shell.id, writer.id]);
  await first.stop('SIGKILL');
  await waitUntilGone(writer.state.pid ?? 0);

  const second = await startAgentProcess(first.root);
  agents.push(second);
  const { socket, screen, type } = await attach(second, 'shell');
  type('echo "$MARK"; tty\r');
  // The same shell, with what was typed into it before the crash, on the same terminal.
  await screen.waitFor(/kept-42\s+\/dev\/pts\/0\s/);
  socket.close();

  const lines = await logLines(second, 'writer', 10_000);
  assert.equal(lines.length, 3001, `the log holds every line: ${lines.slice(-3).join('|')}`);
  assert.equal(lines[2999], 'line 2999 of the output nobody read yet');
  assert.equal(lines[3000], 'last-line');
  const ended = await second.client.containers.inspect.query({ id: 'writer' });
  assert.equal(ended.state.status, 'exited');
  assert.equal(ended.state.keeper, undefined, 'its keeper is forgotten once its output is read');
  await waitUntilGone(keepers[1] ?? 0);

  await second.client.containers.remove.mutate({ id: 'shell', force: true });
  await second.client.containers.remove.mutate({ id: 'writer', force: true });
  await waitUntilGone(keepers[0] ?? 0);
});

/** A client on a container's own terminal (`-t`), connected. */
async function attach(agent: AgentProcess, container: string) {
  const session = await agent.client.terminals.open.mutate({
    container,
    mode: 'attach',
    cols: 80,
    rows: 24,
  });
  const socket = agent.terminalSocket(session.id);
  const screen = screenReader(socket);
  await new Promise((resolve) => socket.once('open', resolve));
  return {
    socket,
    screen,
    type: (text: string) => socket.send(Buffer.from(text), { binary: true }),
  };
}

/** The last `tail` lines of a container's log, as the logs procedure gives them. */
function logLines(agent: AgentProcess, id: string, tail: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const subscription = agent.client.containers.logs.subscribe(
      { id, tail, follow: false },
      {
        onData: (line) => seen.push(line.text),
        onComplete: () => {
          subscription.unsubscribe();
          resolve(seen);
        },
        onError: reject,
      },
    );
  });
}

/** The keepers' PIDs, once recorded: a keeper is started just after its container. */
async function keepersOf(agent: AgentProcess, ids: string[]): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const records = await Promise.all(
      ids.map((id) => agent.client.containers.inspect.query({ id })),
    );
    const pids = records.map((r) => r.state.keeper?.pid ?? 0);
    if (pids.every((pid) => pid > 0)) return pids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('a container has no keeper');
}

async function waitUntilGone(pid: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`process ${pid} is still there after 20 s`);
}

async function waitForHistory(agent: AgentProcess) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const history = await agent.client.stats.history.query({ id: 'survivor' });
    if (history.length >= 2) return history;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail('no stats for the adopted container');
}
