import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type AgentProcess, screenReader, startAgentProcess } from './support/agent-process.js';

const agents: AgentProcess[] = [];
after(async () => {
  const last = agents.at(-1);
  if (last) {
    for (const { record } of await last.client.containers.list.query().catch(() => [])) {
      await last.client.containers.remove.mutate({ id: record.id, force: true }).catch(() => {});
    }
  }
  for (const agent of agents) await agent.stop();
  agents[0]?.cleanup();
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
  const history = await waitForHistory(second);
  assert.ok((history.at(-1)?.pids.current ?? 0) >= 1);
  assert.equal(history.at(-1)?.pids.limit, 16);
  const lines = await new Promise<string[]>((resolve, reject) => {
    const seen: string[] = [];
    const subscription = second.client.containers.logs.subscribe(
      { id: 'survivor', tail: 5, follow: false },
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
  assert.equal(
    (await second.client.containers.inspect.query({ id: 'survivor' })).state.status,
    'exited',
  );
});

async function waitForHistory(agent: AgentProcess) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const history = await agent.client.stats.history.query({ id: 'survivor' });
    if (history.length >= 2) return history;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail('no stats for the adopted container');
}
