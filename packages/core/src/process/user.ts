import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ResolvedUser {
  uid: number;
  gid: number;
  groups: number[];
  home: string;
}

interface DatabaseEntry {
  name: string;
  id: number;
  fields: string[];
}

/** Far above any real /etc/passwd or /etc/group; a bigger one is an attack on the start. */
const MAX_DATABASE_BYTES = 4 * 1024 * 1024;

/**
 * The image's /etc/passwd or /etc/group, read as hostile input: a FIFO would block the
 * start forever and a device would never end, so anything but a regular file is refused
 * (opened non-blocking, then checked); a symlink may only lead to another file of the
 * image, not out of the root nor into /proc, /sys or /dev; the size is capped. A missing
 * file is an empty database.
 */
function readDatabase(root: string, name: string, imageName: string): DatabaseEntry[] {
  const where = `${name} of image ${imageName}`;
  let real: string;
  try {
    real = realpathSync(join(root, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new Error(`${where} cannot be resolved: ${code ?? (error as Error).message}`);
  }
  const inRoot = relative(realpathSync(root), real);
  if (inRoot.startsWith('..') || /^(proc|sys|dev)(\/|$)/.test(inRoot)) {
    throw new Error(`${where} is a symbolic link to ${real}, out of the image's own files`);
  }
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new Error(`${where} is ${fileKind(stats)}, not a regular file`);
    }
    if (stats.size > MAX_DATABASE_BYTES) {
      throw new Error(
        `${where} is ${Math.round(stats.size / 1024 / 1024)} MiB, more than the ${MAX_DATABASE_BYTES / 1024 / 1024} MiB a user database may be`,
      );
    }
    const buffer = Buffer.alloc(stats.size);
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return parseDatabase(buffer.subarray(0, filled).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

function fileKind(stats: ReturnType<typeof fstatSync>): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function parseDatabase(text: string): DatabaseEntry[] {
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2] ?? ''))
    .map((fields) => ({ name: fields[0] ?? '', id: Number(fields[2]), fields }));
}

const isNumeric = (text: string) => /^\d+$/.test(text);

/**
 * Resolves Docker's `-u USER[:GROUP]` against the container's own /etc/passwd and
 * /etc/group (read after pivot_root, so the image's files, never the host's). Numeric
 * ids need no entry; names must exist.
 */
export function resolveUser(spec: string | undefined, imageName: string, root = '/'): ResolvedUser {
  const [userPart = '0', groupPart] = (spec ?? '0').split(':');
  const passwd = readDatabase(root, 'etc/passwd', imageName);
  const groups = readDatabase(root, 'etc/group', imageName);

  const entry = isNumeric(userPart)
    ? passwd.find((e) => e.id === Number(userPart))
    : passwd.find((e) => e.name === userPart);
  if (!entry && !isNumeric(userPart)) {
    throw new Error(`user "${userPart}" not found in /etc/passwd of image ${imageName}`);
  }
  const uid = entry ? entry.id : Number(userPart);

  let gid: number;
  if (groupPart === undefined) {
    gid = entry ? Number(entry.fields[3]) : 0;
  } else if (isNumeric(groupPart)) {
    gid = Number(groupPart);
  } else {
    const group = groups.find((g) => g.name === groupPart);
    if (!group)
      throw new Error(`group "${groupPart}" not found in /etc/group of image ${imageName}`);
    gid = group.id;
  }

  const supplementary = entry
    ? groups.filter((g) => (g.fields[3] ?? '').split(',').includes(entry.name)).map((g) => g.id)
    : [];
  return {
    uid,
    gid,
    groups: [...new Set([gid, ...supplementary])],
    home: entry?.fields[5] || '/',
  };
}
