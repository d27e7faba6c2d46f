import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CoveError, type Engine, importImage, listImages } from '@cove/core';
import type { Logger } from '../log.js';
import { whenBodyStalls } from './stalled-body.js';

/** A rootfs tarball or image archive of up to 8 GiB; the import checks the rest. */
const maxUploadBytes = 8 * 1024 ** 3;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface ImageUploadOptions {
  /**
   * An upload that receives no byte for this long is dropped. There is no limit on the
   * time a whole upload takes: 1 GiB at 4 MB/s is four minutes and fine while it moves.
   */
  stallMs: number;
  log: Logger;
}

/**
 * `POST /api/images/import?reference=NAME:TAG`: the archive is the raw body, streamed to
 * a temporary file in the store (never held in memory), then imported like
 * `cove image import`. tRPC carries JSON; an archive is better as plain bytes.
 */
export async function handleImageUpload(
  request: IncomingMessage,
  response: ServerResponse,
  engine: Engine,
  { stallMs, log }: ImageUploadOptions,
): Promise<void> {
  if (request.method !== 'POST') return json(response, 405, { error: 'use POST' });
  const query = new URL(request.url ?? '/', 'http://agent').searchParams;
  const reference = query.get('reference');
  const platform = query.get('platform');
  if (!reference) return json(response, 400, { error: 'name the image: ?reference=NAME:TAG' });
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > maxUploadBytes) return json(response, 413, { error: 'the archive is over 8 GiB' });
  mkdirSync(engine.layout.tmp, { recursive: true, mode: 0o700 });
  const file = join(
    engine.layout.tmp,
    `upload-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`,
  );
  let received = 0;
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxUploadBytes) request.destroy(new CoveError('the archive is over 8 GiB'));
  });
  // Answered before the connection is cut, so the client reads why; cutting it then
  // fails the pipeline below, which removes the partial file.
  const stopWatching = whenBodyStalls(request, stallMs, () => {
    const error = `the upload stalled: no data for ${stallMs / 1000} s after ${received} bytes; nothing was imported`;
    log.warn('image.upload-stalled', { reference, receivedBytes: received, stallMs });
    response
      .writeHead(408, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ error }), () => request.destroy());
  });
  const sink = createWriteStream(file, { mode: 0o600 });
  try {
    await pipeline(request, sink);
    stopWatching();
    const result = await importImage(engine.layout, file, reference, {
      ...(platform ? { platform } : {}),
    });
    const summary = listImages(engine.layout).find((image) => image.reference === result.reference);
    json(response, 200, {
      ...(summary ?? {
        reference: result.reference,
        digest: result.digest,
        sizeBytes: 0,
        createdAt: null,
      }),
      warnings: result.warnings,
    });
  } catch (error) {
    if (response.headersSent) return;
    json(response, error instanceof CoveError ? 400 : 500, {
      error:
        error instanceof CoveError
          ? error.message
          : 'the import failed; the agent log has the details',
    });
  } finally {
    stopWatching();
    // The file is removed once closed: an open still in flight would create it again.
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
    rmSync(file, { force: true });
  }
}
