import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';

// An agent started by a parent that leaves an fd open without close-on-exec (a shell's
// pipe, a CI runner's): none of the processes it spawns may hold it. A container's
// keeper outlives the agent by design, and would keep that pipe open for good.
let agent: AgentProcess;
before(async () => {
  agent = await startAgentProcess(undefined, [], undefined, { inheritedFd: true });
});
after(async () => {
  await agent?.stop();
  agent?.cleanup();
});

const openFiles = (pid: number) =>
  readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return ''; // closed meanwhile
    }
  });

test("an fd the agent inherited reaches neither a container's keeper nor its process", async () => {
  const inherited = readlinkSync(`/proc/${agent.pid}/fd/20`);
  assert.match(inherited, /^socket:|^pipe:/, 'the agent holds the fd its parent left open');
  const { containers } = agent.client;
  const created = await containers.create.mutate({
    spec: { image: 'busybox', command: ['sleep', '30'], name: 'holder' },
    start: true,
  });
  try {
    let keeper = created.state.keeper;
    for (let i = 0; i < 50 && !keeper; i++) {
      await sleep(20);
      keeper = (await containers.inspect.query({ id: created.id })).state.keeper;
    }
    assert.ok(keeper, 'the container has a keeper');
    assert.ok(!openFiles(keeper.pid).includes(inherited), `the keeper does not hold ${inherited}`);
    const pid = created.state.pid ?? 0;
    assert.ok(!openFiles(pid).includes(inherited), `the container does not hold ${inherited}`);
  } finally {
    await containers.remove.mutate({ id: created.id, force: true });
  }
});
