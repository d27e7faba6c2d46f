import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { lines, testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
const { cove } = store;
const work = mkdtempSync(join(tmpdir(), 'cove-cli-images-'));
after(() => {
  rmSync(work, { recursive: true, force: true });
  return store.cleanup();
});

/** A root filesystem tarball as GNU tar makes it, the Alpine-minirootfs kind. */
function rootfsTarball(name: string, marker: string): string {
  const rootfs = join(work, name);
  for (const sub of ['bin', 'etc', 'data']) mkdirSync(join(rootfs, sub), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  for (const applet of ['sh', 'cat', 'ls', 'echo', 'true', 'sleep'])
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'etc', 'marker'), `${marker}\n`);
  const tarball = join(work, `${name}.tar.gz`);
  execFileSync('tar', ['-C', rootfs, '-czf', tarball, '.']);
  return tarball;
}

describe('cove image import, images, run and rmi', () => {
  test('an imported tarball is listed with its size and disk use, and runs', () => {
    const imported = cove(['image', 'import', rootfsTarball('mini', 'from-mini'), 'mini:1']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^Imported mini:1 sha256:[0-9a-f]{64}\n$/);
    const listed = cove(['images']);
    const row = lines(listed.stdout).find((line) => line.startsWith('mini '));
    assert.match(row ?? '', /^mini\s+1\s+sha256:[0-9a-f]{12}\s+\d+ seconds ago\s+\d\.\d+ MB$/);
    assert.match(listed.stdout, /\n\d+ image\(s\), \d+ layer\(s\): [\d.]+ [kM]B on disk/);
    assert.deepEqual(lines(cove(['images', '-q']).stdout), ['mini:1']);
    const run = cove(['run', '--rm', 'mini:1', 'cat', '/etc/marker']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'from-mini\n');
    store.assertNothingLeft();
  });

  test('rmi is refused while a container uses the image, and works once it is removed', () => {
    cove(['image', 'import', rootfsTarball('used', 'used'), 'used:1']);
    const created = cove(['create', '--name', 'holds-used', 'used:1', 'true']);
    assert.equal(created.code, 0, created.stderr);
    const refused = cove(['rmi', 'used:1']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /image used:1 is used by container holds-used \(created\): remove it first/,
    );
    assert.ok(lines(cove(['images', '-q']).stdout).includes('used:1'), 'the image is still there');
    assert.equal(cove(['rm', 'holds-used']).code, 0);
    const removed = cove(['rmi', 'used:1']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^Untagged: used:1\nDeleted: sha256:[0-9a-f]{64}\n$/);
    assert.ok(!lines(cove(['images', '-q']).stdout).includes('used:1'));
    const gone = cove(['run', '--rm', 'used:1', 'true']);
    assert.equal(gone.code, 125);
    assert.match(
      gone.stderr,
      /image used:1 not found in the store: pull it \(cove pull used:1\) or import it/,
    );
  });

  test('an archive with an entry climbing out with ".." is refused and nothing is stored', () => {
    const payload = join(work, 'payload');
    writeFileSync(payload, 'pwned\n');
    const evil = join(work, 'evil.tar');
    // -P keeps the "../" GNU tar would otherwise strip: what a hostile archive holds.
    execFileSync('tar', [
      '-P',
      '-C',
      work,
      '-cf',
      evil,
      '--transform',
      's,^,../../../../tmp/,',
      'payload',
    ]);
    const before = cove(['images', '-q']).stdout;
    const result = cove(['image', 'import', evil, 'evil:1']);
    assert.equal(result.code, 125);
    assert.match(
      result.stderr,
      /archive member "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/payload" climbs out with "\.\.": refusing the archive/,
    );
    assert.equal(cove(['images', '-q']).stdout, before);
    assert.equal(existsSync('/tmp/payload'), false);
  });

  test('an import whose client is killed half way leaves no image and no upload behind', async () => {
    const fifo = join(work, 'slow.tar.gz');
    execFileSync('mkfifo', [fifo]);
    const tarball = readFileSync(rootfsTarball('killed', 'killed'));
    const importing = store.coveAsync(['image', 'import', fifo, 'killed:1']);
    const writer = createWriteStream(fifo);
    writer.on('error', () => {}); // EPIPE once the reader is killed
    writer.write(tarball.subarray(0, tarball.length / 2));
    // The CLI streams the first half to the agent, which spools it, then waits for more.
    const tmp = join(store.root, 'tmp');
    const uploads = () =>
      existsSync(tmp) ? readdirSync(tmp).filter((name) => name.startsWith('upload-')) : [];
    const spooling = () => uploads().some((name) => statSync(join(tmp, name)).size > 0);
    for (let polls = 0; !spooling(); polls++) {
      assert.ok(polls < 3000 && importing.exitCode === null, 'the upload reached the agent');
      await sleep(20);
    }
    importing.kill('SIGKILL');
    await once(importing, 'exit');
    writer.destroy();
    unlinkSync(fifo);
    for (let polls = 0; uploads().length; polls++) {
      assert.ok(polls < 500, `the agent removed the half upload: ${uploads()}`);
      await sleep(20);
    }
    assert.ok(
      !lines(cove(['images', '-q']).stdout).includes('killed:1'),
      'no image from the killed import',
    );
    assert.match(cove(['run', '--rm', 'killed:1', 'true']).stderr, /not found in the store/);
    assert.equal(
      cove(['image', 'import', rootfsTarball('killed-again', 'again'), 'again:1']).code,
      0,
    );
    assert.deepEqual(uploads(), [], 'nothing of either upload is left');
  });
});

/** Debian's docker-registry on a free loopback port; stopped by its own PID. */
async function startRegistry(dir: string) {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  writeFileSync(
    join(dir, 'registry.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'registry.yml')], { stdio: 'ignore' });
  const answers = () =>
    fetch(`http://127.0.0.1:${port}/v2/`).then(
      () => true,
      () => false,
    );
  for (let attempt = 0; !(await answers()); attempt++) {
    if (child.exitCode !== null || attempt > 400) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer on port ${port}`);
    }
    await sleep(25);
  }
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

describe('cove pull and cove login against a registry on loopback', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  const layout = join(work, 'umoci');
  before(async () => {
    registry = await startRegistry(work);
    // An image built with umoci: a base layer, then a layer whose only change is a deletion.
    const bundle = join(work, 'bundle');
    const umoci = (...args: string[]) => execFileSync('umoci', args, { stdio: 'ignore' });
    umoci('init', '--layout', layout);
    umoci('new', '--image', `${layout}:1`);
    umoci('unpack', '--image', `${layout}:1`, bundle);
    const rootfs = join(bundle, 'rootfs');
    for (const sub of ['bin', 'data']) mkdirSync(join(rootfs, sub), { recursive: true });
    copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'ls', 'echo']) symlinkSync('busybox', join(rootfs, 'bin', applet));
    writeFileSync(join(rootfs, 'data', 'keep'), 'keep\n');
    writeFileSync(join(rootfs, 'data', 'gone'), 'gone\n');
    umoci('repack', '--refresh-bundle', '--image', `${layout}:1`, bundle);
    unlinkSync(join(rootfs, 'data', 'gone'));
    umoci('repack', '--image', `${layout}:1`, bundle);
    umoci(
      'config',
      '--image',
      `${layout}:1`,
      '--config.env',
      'GREETING=from-config',
      '--config.workingdir',
      '/data',
      '--config.entrypoint',
      'sh',
      '--config.entrypoint',
      '-c',
      '--config.cmd',
      'echo $GREETING; pwd; ls',
    );
    await promisify(execFile)('skopeo', [
      'copy',
      '--insecure-policy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${layout}:1`,
      `docker://${registry.host}/umoci/app:1`,
    ]);
  });
  after(() => registry.stop());

  test('cove pull shows progress and the digest, and the image runs with its config and whiteout', () => {
    const pulled = cove(['pull', '--insecure', `${registry.host}/umoci/app:1`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(
      lines(pulled.stderr).map((line) => line.split(' ')[0]),
      ['Resolving', 'Downloading', 'Extracting', 'Done'],
    );
    const [digest, status, reference] = lines(pulled.stdout);
    assert.match(digest ?? '', /^Digest: sha256:[0-9a-f]{64}$/);
    assert.equal(status, `Status: downloaded newer image for ${registry.host}/umoci/app:1`);
    const run = cove(['run', '--rm', reference ?? '']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'from-config\n/data\nkeep\n');
    const again = cove(['pull', '--insecure', `${registry.host}/umoci/app:1`]);
    assert.match(again.stdout, /Status: image is up to date/);
  });

  test('plain HTTP is refused for a registry that is not on this machine', () => {
    const refused = cove(['pull', '--insecure', 'registry.example.com/app:1']);
    assert.equal(refused.code, 125);
    assert.match(
      refused.stderr,
      /--insecure \(plain HTTP\) is only allowed for a registry on this machine/,
    );
  });

  test('cove login keeps the credentials readable by root only; logout forgets them', () => {
    const login = cove(
      ['login', '--insecure', '-u', 'someone', '--password-stdin', registry.host],
      { input: 'secret\n' },
    );
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^Login Succeeded/);
    const file = join(store.root, 'auth.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(
      Buffer.from(saved.auths[registry.host].auth, 'base64').toString(),
      'someone:secret',
    );
    assert.match(cove(['logout', registry.host]).stdout, /Removed the login for/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).auths, {});
  });
});
