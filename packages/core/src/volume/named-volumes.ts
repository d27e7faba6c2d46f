import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { type ContainerSpec, VolumeNameSchema, type VolumeSummary } from '@cove/shared';
import { listRecords } from '../container/container-store.js';
import { CoveError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { StoreLayout } from '../store/store-layout.js';

/**
 * `cove volume ...` as the engine offers it. Named volumes, as Docker keeps them: a
 * directory per volume under the store, `volumes/NAME/_data` holding its files and
 * `volume.json` when it was made. A container names it in `-v NAME:/path`; the engine
 * makes it on first use, and it outlives every container that used it until `cove volume
 * rm`, which is refused while any container (running or not) still mounts it.
 */
export interface VolumeCommands {
  create(name: string): VolumeSummary;
  list(): VolumeSummary[];
  inspect(name: string): VolumeSummary;
  /** Refused while a container mounts it, naming them. */
  remove(name: string): void;
  /** Removes every volume no container mounts; returns their names. */
  prune(): string[];
}

const volumeDir = (layout: StoreLayout, name: string) => join(layout.volumes, name);
export const volumeDataDir = (layout: StoreLayout, name: string) =>
  join(volumeDir(layout, name), '_data');

function checkedName(name: string): string {
  const parsed = VolumeNameSchema.safeParse(name);
  if (!parsed.success)
    throw new CoveError(`invalid volume name "${name}": ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * Makes the volume; false when it existed already. mkdir(2) is the claim: of two
 * processes making one name, one makes it and the other finds it. Whoever finds it also
 * makes what may still be missing (the maker is between its mkdirs, or crashed there),
 * so a volume found is always whole.
 */
function makeVolume(layout: StoreLayout, name: string): boolean {
  mkdirSync(layout.volumes, { recursive: true, mode: 0o700 });
  let made = true;
  try {
    mkdirSync(volumeDir(layout, name), { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    made = false;
  }
  // Like Docker's: the files' directory is open to every user, the volume's is root's.
  mkdirSync(volumeDataDir(layout, name), { recursive: true, mode: 0o755 });
  const about = join(volumeDir(layout, name), 'volume.json');
  if (made || !existsSync(about)) {
    writeFileAtomic(about, `${JSON.stringify({ name, createdAt: new Date().toISOString() })}\n`);
  }
  return made;
}

export function createVolume(layout: StoreLayout, name: string): VolumeSummary {
  if (!makeVolume(layout, checkedName(name))) {
    throw new CoveError(`volume ${name} already exists`);
  }
  return inspectVolume(layout, name);
}

/**
 * The spec with each named volume's source made its files' path (the volume is made if
 * it is new) and its name kept beside it; a host path's entry carries no name.
 */
export function resolveNamedVolumes(layout: StoreLayout, spec: ContainerSpec): ContainerSpec {
  return {
    ...spec,
    volumes: spec.volumes.map(({ name: _ignored, ...volume }) => {
      if (volume.source.startsWith('/')) return volume;
      const name = checkedName(volume.source);
      makeVolume(layout, name);
      return { ...volume, source: volumeDataDir(layout, name), name };
    }),
  };
}

/** The containers that mount `name`, by their records. */
function usersOf(layout: StoreLayout, name: string): VolumeSummary['usedBy'] {
  return listRecords(layout)
    .filter((record) => record.spec.volumes.some((volume) => volume.name === name))
    .map((record) => ({ id: record.id, name: record.name }));
}

/** The bytes of the files below `dir`, symlinks not followed; what vanishes meanwhile counts 0. */
function bytesBelow(dir: string): number {
  let total = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    try {
      const stat = lstatSync(path);
      total += stat.isDirectory() ? bytesBelow(path) : stat.size;
    } catch {}
  }
  return total;
}

export function inspectVolume(layout: StoreLayout, name: string): VolumeSummary {
  let createdAt: string;
  try {
    createdAt = JSON.parse(
      readFileSync(join(volumeDir(layout, checkedName(name)), 'volume.json'), 'utf8'),
    ).createdAt;
  } catch (error) {
    if (error instanceof CoveError) throw error;
    throw new CoveError(`no such volume: ${name}`);
  }
  return {
    name,
    createdAt,
    mountpoint: volumeDataDir(layout, name),
    sizeBytes: bytesBelow(volumeDataDir(layout, name)),
    usedBy: usersOf(layout, name),
  };
}

export function listVolumes(layout: StoreLayout): VolumeSummary[] {
  let names: string[] = [];
  try {
    names = readdirSync(layout.volumes);
  } catch {
    return [];
  }
  return names
    .filter((name) => VolumeNameSchema.safeParse(name).success)
    .flatMap((name) => {
      try {
        return [inspectVolume(layout, name)];
      } catch {
        return []; // being made or removed right now
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Removes the volume and its files; refused while a container mounts it, naming them.
 * It is renamed away first, so that it is gone from `ls` at once and a crash half-way
 * leaves scratch, not half a volume.
 */
export function removeVolume(layout: StoreLayout, name: string): void {
  const volume = inspectVolume(layout, name);
  if (volume.usedBy.length) {
    const names = volume.usedBy.map((user) => user.name).join(', ');
    throw new CoveError(
      `volume ${name} is in use by container${volume.usedBy.length > 1 ? 's' : ''} ${names}: remove ${volume.usedBy.length > 1 ? 'them' : 'it'} first`,
    );
  }
  mkdirSync(layout.tmp, { recursive: true, mode: 0o700 });
  const doomed = join(layout.tmp, `volume-${name}-${process.pid}-${Date.now()}`);
  renameSync(volumeDir(layout, name), doomed);
  rmSync(doomed, { recursive: true, force: true });
}

/** Removes every volume no container mounts; returns their names. */
export function pruneVolumes(layout: StoreLayout): string[] {
  const removed: string[] = [];
  for (const volume of listVolumes(layout)) {
    if (volume.usedBy.length) continue;
    try {
      removeVolume(layout, volume.name);
      removed.push(volume.name);
    } catch {} // taken into use meanwhile
  }
  return removed;
}
