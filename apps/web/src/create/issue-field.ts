import { aliasIssueMessage } from '~/networks/network-aliases';
import type { ErrorField, TextField } from './form-values';

const limitFields: Record<string, TextField> = {
  memory: 'memory',
  memorySwap: 'memorySwap',
  pids: 'pids',
  cpus: 'cpus',
  cpuShares: 'cpuShares',
};

const topFields: Record<string, ErrorField> = {
  image: 'image',
  name: 'name',
  hostname: 'hostname',
  command: 'command',
  env: 'env',
  volumes: 'volumes',
  workdir: 'workdir',
  user: 'user',
  restart: 'restart',
  capAdd: 'capAdd',
  capDrop: 'capDrop',
  tmpfs: 'tmpfs',
  devices: 'devices',
  oomScoreAdj: 'oomScoreAdj',
  network: 'networkContainer',
  networkAliases: 'networkAliases',
  ip: 'networkIp',
  ports: 'ports',
};

/** Lists the form shows one entry per line. */
const lineFields = new Set<PropertyKey>(['env', 'volumes', 'tmpfs', 'devices']);

export interface PathIssue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Which form field a schema issue belongs to, and its message as the field shows it. The
 * spec's lists are one line per entry in the form, so their issues name the line; the
 * ports are rows of the ports editor, and the aliases words of one field.
 */
export function fieldForIssue(issue: PathIssue): { field: ErrorField | 'form'; message: string } {
  const [first, second, third] = issue.path;
  if (first === 'ports' && typeof second === 'number') {
    const part = typeof third === 'string' ? `${third} ` : '';
    return { field: 'ports', message: `row ${second + 1}: ${part}${issue.message}` };
  }
  if (first === 'networkAliases' && typeof second === 'number') {
    return { field: 'networkAliases', message: aliasIssueMessage(second, issue.message) };
  }
  if (first === 'limits' && typeof second === 'string' && limitFields[second]) {
    return { field: limitFields[second], message: issue.message };
  }
  if (lineFields.has(first ?? '') && typeof second === 'number' && typeof first === 'string') {
    const part = typeof third === 'string' ? `${third} ` : '';
    return {
      field: topFields[first] ?? 'form',
      message: `line ${second + 1}: ${part}${issue.message}`,
    };
  }
  if (typeof first === 'string' && topFields[first]) {
    return { field: topFields[first], message: issue.message };
  }
  return { field: 'form', message: issue.message };
}
