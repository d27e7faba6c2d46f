import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TRPCClientError } from '@trpc/client';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';

let agent: AgentProcess;
let work: string;
before(async () => {
  agent = await startAgentProcess();
  work = mkdtempSync(join(tmpdir(), 'cove-upload-'));
});
after(async () => {
  await agent.client.containers.remove.mutate({ id: 'from-upload', force: true }).catch(() => {});
  await agent.stop();
  agent.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** A minimal root filesystem tarball, the Alpine-minirootfs kind: a static busybox and sh. */
function rootfsTarball(): string {
  const rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  symlinkSync('busybox', join(rootfs, 'bin', 'sh'));
  symlinkSync('busybox', join(rootfs, 'bin', 'cat'));
  mkdirSync(join(rootfs, 'etc'));
  execFileSync('sh', ['-c', `echo uploaded-image > ${join(rootfs, 'etc', 'motd')}`]);
  const tarball = join(work, 'rootfs.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  return tarball;
}

test('an uploaded rootfs tarball becomes an image that runs, and cannot be removed while used', async () => {
  const response = await fetch(`${agent.url}/api/images/import?reference=uploaded:1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/octet-stream' },
    body: readFileSync(rootfsTarball()),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const images = await agent.client.images.list.query();
  assert.ok(
    images.some((image) => image.reference.endsWith('uploaded:1')),
    JSON.stringify(images),
  );

  await agent.client.containers.create.mutate({
    spec: {
      image: 'uploaded:1',
      name: 'from-upload',
      command: ['sh', '-c', 'cat /etc/motd; sleep 100'],
    },
    start: true,
  });
  const logs = await new Promise<string[]>((resolve, reject) => {
    const seen: string[] = [];
    const subscription = agent.client.containers.logs.subscribe(
      { id: 'from-upload', tail: 10 },
      {
        onData: (line) => {
          seen.push(line.text);
          if (line.text === 'uploaded-image') {
            subscription.unsubscribe();
            resolve(seen);
          }
        },
        onError: reject,
      },
    );
  });
  assert.ok(logs.includes('uploaded-image'));

  const refused = await agent.client.images.remove.mutate({ reference: 'uploaded:1' }).then(
    () => assert.fail('an image in use was removed'),
    (error: unknown) => error as TRPCClientError<never>,
  );
  assert.match(refused.message, /from-upload|in use|used/);
  await agent.client.containers.remove.mutate({ id: 'from-upload', force: true });
  await agent.client.images.remove.mutate({ reference: 'uploaded:1' });
  const remaining = await agent.client.images.list.query();
  assert.ok(!remaining.some((image) => image.reference.endsWith('uploaded:1')));
});

test('a broken upload is refused with a message and leaves no image', async () => {
  const response = await fetch(`${agent.url}/api/images/import?reference=broken:1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}` },
    body: 'this is not a tar archive at all, just text'.repeat(20),
  });
  assert.equal(response.status, 400);
  assert.ok(((await response.json()) as { error: string }).error.length > 0);
  const images = await agent.client.images.list.query();
  assert.ok(!images.some((image) => image.reference.endsWith('broken:1')));
});
