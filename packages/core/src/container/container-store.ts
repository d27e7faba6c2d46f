import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
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

/** A parsed record and the identity of the file it was read from. */
interface ParsedRecord {
  path: string;
  ino: number;
  size: number;
  mtimeMs: number;
  /** Old enough for its identity to stand for its content (see SETTLED_MS). */
  settled: boolean;
  record: ContainerRecord;
}

/**
 * Inode numbers are reused, and file timestamps come from the kernel's coarse clock (a
 * tick behind). A file that reuses a parsed record's inode is made after that parse
 * (the inode was open for it), so its mtime is newer than the parse minus a tick: an
 * identity is trusted only when its mtime is older than the parse by this much, as git
 * does for "racily clean" files.
 */
const SETTLED_MS = 1000;

/** Per containers directory, the records parsed by the last listing, by id. */
const parsedRecords = new Map<string, Map<string, ParsedRecord>>();

/**
 * Every record, newest first. The agent lists once a second: a record whose file has the
 * same inode, size and mtime as at its last parse is not read again. That is safe because
 * records are never written in place, only replaced by rename (writeFileAtomic), so a
 * changed record is a new inode. The records are shared between calls: read-only.
 */
export function listRecords(layout: StoreLayout): ContainerRecord[] {
  let ids: string[];
  try {
    ids = readdirSync(layout.containers);
  } catch {
    return [];
  }
  const previous = parsedRecords.get(layout.containers);
  const current = new Map<string, ParsedRecord>();
  for (const id of ids) {
    const parsed = parseRecordAgain(previous?.get(id) ?? containerPaths(layout, id).record);
    if (parsed) current.set(id, parsed);
  }
  parsedRecords.set(layout.containers, current);
  return [...current.values()]
    .map((parsed) => parsed.record)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The record at a path (or of an earlier parse, reused if unchanged); undefined if none. */
function parseRecordAgain(earlier: ParsedRecord | string): ParsedRecord | undefined {
  const path = typeof earlier === 'string' ? earlier : earlier.path;
  try {
    if (typeof earlier !== 'string' && earlier.settled) {
      const { ino, size, mtimeMs } = statSync(path);
      if (ino === earlier.ino && size === earlier.size && mtimeMs === earlier.mtimeMs) {
        return earlier;
      }
    }
    // fstat of the open file: the identity is that of the text read, whatever renames race.
    const fd = openSync(path, 'r');
    try {
      const { ino, size, mtimeMs } = fstatSync(fd);
      const settled = mtimeMs < Date.now() - SETTLED_MS;
      const record = ContainerRecordSchema.parse(JSON.parse(readFileSync(fd, 'utf8')));
      return { path, ino, size, mtimeMs, settled, record };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
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
