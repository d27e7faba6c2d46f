import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { O_DIRECTORY, O_RDONLY } from '../src/libc/constants.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { securityStore } from './support/security-containers.js';

// CVE-2024-21626: runc leaked a descriptor of a host directory into the container, and
// `-w /proc/self/fd/N` (or a process reading the link) walked out of the root through
// it. Here the engine itself holds such a descriptor, without close-on-exec, exactly as
// a careless library in the agent would: its spawned init inherits it.

const store = securityStore('security-fds');
const hostDir = mkdtempSync(join(tmpdir(), 'cove-security-host-'));
let leaked = -1;

before(() => {
  writeFileSync(join(hostDir, 'host-secret'), 'only on the host\n');
  leaked = koffiLibc.open(hostDir, O_RDONLY | O_DIRECTORY);
});
afterEach(() => store.assertNothingLeft());
after(() => {
  koffiLibc.close(leaked);
  store.cleanup();
  rmSync(hostDir, { recursive: true, force: true });
});

describe('host file descriptors stay out of containers (CVE-2024-21626)', () => {
  test("a host directory fd leaked into the engine is not among the container's fds", async () => {
    const { code, log } = await store.runSh('ls /proc/1/fd; true');
    assert.equal(code, 0, log);
    assert.deepEqual(log.trim().split('\n'), ['0', '1', '2'], 'stdin, stdout and stderr only');
  });

  test('the working directory cannot be set to the leaked fd through /proc/self/fd/N', async () => {
    await assert.rejects(
      store.run({
        image: 'busybox',
        command: ['cat', 'host-secret'],
        workdir: `/proc/self/fd/${leaked}`,
      }),
      /working directory \/proc\/self\/fd\/\d+ is outside the container's root/,
    );
  });

  test('no /proc/self/fd/N working directory, whatever N, puts a container outside its root', async () => {
    // Node's own fds in the init (epoll, eventfd, pipes) and the leaked one.
    for (let fd = 3; fd <= leaked + 2; fd++) {
      const outcome = await store
        .run({
          image: 'busybox',
          command: ['sh', '-c', 'pwd -P; ls'],
          workdir: `/proc/self/fd/${fd}`,
        })
        .catch((error: Error) => error);
      if (outcome instanceof Error) continue;
      assert.match(outcome.log, /^\//, `fd ${fd}: the working directory is a path in the root`);
      assert.doesNotMatch(outcome.log, /host-secret/, `fd ${fd}: the host directory is not listed`);
    }
  });
});
