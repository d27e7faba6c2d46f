import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { type ContainerRecord, ContainerRecordSchema } from '@cove/shared';
import {
  deleteContainerFiles,
  listRecords,
  writeRecord,
} from '../src/container/container-store.js';
import { containerPaths, type StoreLayout, storeLayout } from '../src/store/store-layout.js';

let root: string;
let layout: StoreLayout;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cove-store-'));
  layout = storeLayout(root);
  mkdirSync(layout.containers);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function record(id: string, name: string, createdAt: string): ContainerRecord {
  return ContainerRecordSchema.parse({
    id: id.repeat(64),
    name,
    hostname: name,
    createdAt,
    spec: { image: 'busybox' },
    args: ['sleep', '30'],
    state: { status: 'exited', exitCode: 0 },
  });
}

function save(value: ContainerRecord): void {
  mkdirSync(containerPaths(layout, value.id).dir, { recursive: true });
  writeRecord(layout, value);
}

/** Makes a record's file look written a minute ago: old enough to be trusted unchanged. */
function age(value: ContainerRecord, mtimeMs = Date.now() - 60_000): void {
  const seconds = mtimeMs / 1000;
  utimesSync(containerPaths(layout, value.id).record, seconds, seconds);
}

test('records are listed newest first, and a deleted one is no longer listed', () => {
  const older = record('a', 'older', '2026-01-01T00:00:00.000Z');
  const newer = record('b', 'newer', '2026-01-02T00:00:00.000Z');
  save(older);
  save(newer);
  assert.deepEqual(
    listRecords(layout).map((r) => r.name),
    ['newer', 'older'],
  );
  deleteContainerFiles(layout, newer);
  assert.deepEqual(
    listRecords(layout).map((r) => r.name),
    ['older'],
  );
});

test('an unchanged record written long enough ago is not parsed again', () => {
  const web = record('a', 'web', '2026-01-01T00:00:00.000Z');
  save(web);
  age(web);
  const [first] = listRecords(layout);
  const [second] = listRecords(layout);
  assert.deepEqual(first, web);
  assert.equal(second, first, 'the same parsed object');
});

test('a record written within the last second is parsed at every listing', () => {
  save(record('a', 'web', '2026-01-01T00:00:00.000Z'));
  const [first] = listRecords(layout);
  const [second] = listRecords(layout);
  assert.deepEqual(second, first);
  assert.notEqual(second, first, 'parsed again: its mtime may not tell it from a newer one');
});

test('a replaced record is read again, even with the same size and mtime', () => {
  const web = record('a', 'web', '2026-01-01T00:00:00.000Z');
  save(web);
  age(web);
  const { mtimeMs, size } = statSync(containerPaths(layout, web.id).record);
  assert.equal(listRecords(layout)[0]?.name, 'web');
  // Same length, same mtime: only the inode of the renamed-in file differs.
  const renamed = { ...web, name: 'api', hostname: 'api' };
  save(renamed);
  age(renamed, mtimeMs);
  assert.equal(statSync(containerPaths(layout, web.id).record).size, size);
  assert.equal(listRecords(layout)[0]?.name, 'api');
});

test('a record that fails its schema is left out', () => {
  save(record('a', 'web', '2026-01-01T00:00:00.000Z'));
  save({ ...record('b', 'bad', '2026-01-02T00:00:00.000Z'), id: 'not-an-id' } as ContainerRecord);
  assert.deepEqual(
    listRecords(layout).map((r) => r.name),
    ['web'],
  );
});
