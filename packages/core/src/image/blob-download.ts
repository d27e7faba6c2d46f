import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoveError } from '../errors.js';
import { DigestCounter } from './digest.js';
import type { Descriptor } from './oci-schema.js';
import { type RegistryClient, RetryableError } from './registry-client.js';

export interface DownloadOptions {
  /** Called with the bytes of this blob received so far. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
  attempts?: number;
  /** A connection that sends nothing for this long is dropped and resumed. */
  idleTimeoutMs?: number;
}

/**
 * Downloads a blob into `file`, checking its size and sha256 against the descriptor.
 * When the connection drops, the download resumes where it stopped with a Range request
 * (or starts over if the registry ignores ranges), up to `attempts` times; the bytes
 * already hashed stay hashed, so a resumed blob is verified whole.
 */
export async function downloadBlob(
  client: RegistryClient,
  repository: string,
  descriptor: Descriptor,
  file: string,
  options: DownloadOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 5;
  const fd = openSync(file, 'w', 0o600);
  let counter = new DigestCounter();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await receive(client, repository, descriptor, fd, counter, options, (fresh) => {
          counter = fresh;
        });
        break;
      } catch (error) {
        if (!(error instanceof RetryableError) || options.signal?.aborted) throw error;
        if (attempt >= attempts) {
          throw new CoveError(
            `downloading ${descriptor.digest}: the connection failed ${attempts} times, last: ${error.message}`,
          );
        }
        await sleep(250 * attempt, undefined, { signal: options.signal });
      }
    }
  } finally {
    closeSync(fd);
  }
  const digest = counter.digest();
  if (digest !== descriptor.digest) {
    throw new CoveError(
      `blob ${descriptor.digest} arrived as ${digest}: it was altered or damaged on the way, refusing it`,
    );
  }
}

async function receive(
  client: RegistryClient,
  repository: string,
  descriptor: Descriptor,
  fd: number,
  current: DigestCounter,
  options: DownloadOptions,
  restart: (fresh: DigestCounter) => void,
): Promise<void> {
  let counter = current;
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  try {
    const response = await client.openBlob(repository, descriptor.digest, counter.bytes, signal);
    const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (counter.bytes > 0 && (response.status !== 206 || Number(range?.[1]) !== counter.bytes)) {
      // The registry sent the blob from its start: start over.
      ftruncateSync(fd, 0);
      counter = new DigestCounter();
      restart(counter);
    }
    try {
      for await (const chunk of response.body ?? []) {
        timer.refresh();
        const bytes = Buffer.from(chunk);
        if (counter.bytes + bytes.length > descriptor.size) {
          throw new CoveError(
            `blob ${descriptor.digest} is longer than the ${descriptor.size} bytes its manifest says: refusing it`,
          );
        }
        for (let done = 0; done < bytes.length; ) {
          done += writeSync(fd, bytes, done, bytes.length - done, counter.bytes + done);
        }
        counter.update(bytes);
        options.onBytes?.(counter.bytes);
      }
    } catch (error) {
      if (error instanceof CoveError || options.signal?.aborted) throw error;
      const reason = idle.signal.aborted
        ? `no data for ${idleTimeoutMs / 1000} s`
        : (error as Error).message;
      throw new RetryableError(`the connection dropped after ${counter.bytes} bytes (${reason})`, {
        cause: error,
      });
    }
    if (counter.bytes < descriptor.size) {
      throw new RetryableError(
        `the connection closed after ${counter.bytes} of ${descriptor.size} bytes`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
}
