import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A loopback port nothing listens on (it was free a moment ago): a registry that is down. */
export async function unusedLoopbackPort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Debian's docker-registry (distribution 2.8) on a free loopback port with storage of its
 * own, as the core's registry tests run it. Stopped by its own PID; `stop` also removes
 * its directory.
 */
export async function startLoopbackRegistry() {
  const dir = mkdtempSync(join(tmpdir(), 'cove-agent-registry-'));
  const port = await unusedLoopbackPort();
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || attempt > 400) {
      await stop();
      throw new Error(`docker-registry did not answer on port ${port}: ${stderr}`);
    }
    await sleep(25);
  }
  return { host: `127.0.0.1:${port}`, stop };
}
export type LoopbackRegistry = Awaited<ReturnType<typeof startLoopbackRegistry>>;

/**
 * Builds a one-layer image with umoci (the host's static busybox, `/marker`, and
 * `paddingBytes` of random data so the layer downloads in many chunks; its command prints
 * the marker, then sleeps) and pushes it with skopeo to `registryHost/repositoryAndTag`.
 */
export async function pushTestImage(
  registryHost: string,
  repositoryAndTag: string,
  { marker, paddingBytes = 0 }: { marker: string; paddingBytes?: number },
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cove-agent-image-'));
  try {
    const layout = join(work, 'layout');
    const bundle = join(work, 'bundle');
    await run('umoci', ['init', '--layout', layout]);
    await run('umoci', ['new', '--image', `${layout}:1`]);
    await run('umoci', ['unpack', '--image', `${layout}:1`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'cat', 'echo', 'sleep'])
      symlinkSync('busybox', join(rootfs, 'bin', applet));
    writeFileSync(join(rootfs, 'marker'), `${marker}\n`);
    if (paddingBytes) writeFileSync(join(rootfs, 'padding'), randomBytes(paddingBytes));
    await run('umoci', ['repack', '--image', `${layout}:1`, bundle]);
    await run('umoci', [
      'config',
      '--image',
      `${layout}:1`,
      ...['sh', '-c', 'cat /marker; exec sleep 1000'].flatMap((arg) => ['--config.cmd', arg]),
    ]);
    await run('skopeo', [
      'copy',
      '--insecure-policy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${layout}:1`,
      `docker://${registryHost}/${repositoryAndTag}`,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The digest the registry gives a manifest, as `docker pull` prints it. */
export async function manifestDigest(registryHost: string, repository: string, tag: string) {
  const response = await fetch(`http://${registryHost}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  return response.headers.get('docker-content-digest');
}

/**
 * A loopback proxy in front of a registry that passes blobs on slowly (`bytesPerSecond`
 * in 10 steps a second), so a test can act while a download is under way. It counts the
 * blob bytes it sent and the downloads whose client went away before the end.
 */
export async function startSlowProxy(registryHost: string, bytesPerSecond: number) {
  const counters = { blobBytesSent: 0, blobDownloadsAbandoned: 0 };
  const step = Math.max(1, Math.floor(bytesPerSecond / 10));
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    const isBlob = request.method === 'GET' && /\/blobs\/sha256:/.test(path);
    const upstream = http.request(
      `http://${registryHost}${path}`,
      { method: request.method, headers: { ...request.headers, host: registryHost } },
      async (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!isBlob || answer.statusCode !== 200) {
          answer.pipe(response);
          return;
        }
        let abandoned = false;
        response.on('close', () => {
          if (!response.writableFinished) abandoned = true;
        });
        for await (const chunk of answer as AsyncIterable<Buffer>) {
          for (let offset = 0; offset < chunk.length && !abandoned; offset += step) {
            const piece = chunk.subarray(offset, offset + step);
            response.write(piece);
            counters.blobBytesSent += piece.length;
            await sleep(100);
          }
          if (abandoned) break;
        }
        if (abandoned) {
          counters.blobDownloadsAbandoned++;
          answer.destroy();
        } else response.end();
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  const port = await listen(server);
  return {
    host: `127.0.0.1:${port}`,
    counters,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
