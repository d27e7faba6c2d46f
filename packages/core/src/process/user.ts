import { readFileSync } from 'node:fs';

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

function readDatabase(path: string): DatabaseEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
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
  const passwd = readDatabase(`${root}/etc/passwd`);
  const groups = readDatabase(`${root}/etc/group`);

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
