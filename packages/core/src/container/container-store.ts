import { readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type ContainerRecord, ContainerRecordSchema } from '@cove/shared';
import { CoveError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { containerPaths, type StoreLayout } from '../store/store-layout.js';

export function writeRecord(layout: StoreLayout, record: ContainerRecord): void {
  writeFileAtomic(containerPaths(layout, record.id).record, JSON.stringify(record, null, 2));
}

export function readRecord(layout: StoreLayout, id: string): ContainerRecord | undefined {
  try {
    const text = readFileSync(containerPaths(layout, id).record, 'utf8');
    return ContainerRecordSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function listRecords(layout: StoreLayout): ContainerRecord[] {
  let ids: string[];
  try {
    ids = readdirSync(layout.containers);
  } catch {
    return [];
  }
  return ids
    .map((id) => readRecord(layout, id))
    .filter((record): record is ContainerRecord => record !== undefined)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A container by its full id, or an error saying it is gone. */
export function findRecordById(layout: StoreLayout, id: string): ContainerRecord {
  const record = readRecord(layout, id);
  if (!record) throw new CoveError(`no such container: ${id}`);
  return record;
}

/** Finds a container by name, full id or unique id prefix, as Docker does. */
export function findRecord(layout: StoreLayout, reference: string): ContainerRecord {
  let id: string | undefined;
  try {
    id = readlinkSync(join(layout.names, reference));
  } catch {}
  // A full id names its directory: read it, rather than every record for a prefix match.
  if (!id && /^[0-9a-f]{64}$/.test(reference) && readRecord(layout, reference)) id = reference;
  if (!id && /^[0-9a-f]{1,64}$/.test(reference)) {
    const matches = listRecords(layout).filter((r) => r.id.startsWith(reference));
    if (matches.length > 1) {
      throw new CoveError(`container id prefix ${reference} is ambiguous: give more of it`);
    }
    id = matches[0]?.id;
  }
  const record = id ? readRecord(layout, id) : undefined;
  if (!record) throw new CoveError(`no such container: ${reference}`);
  return record;
}

/** Reserves a name: symlink(2) fails with EEXIST if another container holds it. */
export function reserveName(layout: StoreLayout, name: string, id: string): void {
  try {
    symlinkSync(id, join(layout.names, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CoveError(`the container name "${name}" is already in use`);
    }
    throw error;
  }
}

export function releaseName(layout: StoreLayout, name: string, id: string): void {
  const link = join(layout.names, name);
  try {
    if (readlinkSync(link) === id) unlinkSync(link);
  } catch {}
}

/** Deletes everything the store holds for a container: its files and its name. */
export function deleteContainerFiles(
  layout: StoreLayout,
  record: Pick<ContainerRecord, 'id' | 'name'>,
): void {
  rmSync(containerPaths(layout, record.id).dir, { recursive: true, force: true });
  releaseName(layout, record.name, record.id);
}
