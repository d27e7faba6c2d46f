import {
  type ContainerSpec,
  type ContainerSpecInput,
  ContainerSpecSchema,
  type DeviceMapping,
  type NetworkMode,
  type PortMapping,
  parseDevice,
  parsePortMapping,
  parseSize,
  parseTmpfs,
  parseVolume,
  type TmpfsMount,
  type Volume,
} from '@cove/shared';
import { splitAliases } from '~/networks/network-aliases';
import { capabilityNames } from './capability-names';
import type { CreateFormValues, FieldErrors, PortRow } from './form-values';
import { fieldForIssue } from './issue-field';
import { portFlag } from './port-flag';
import { splitCommandLine } from './split-command-line';

export type SpecResult =
  | { ok: true; spec: ContainerSpec; errors: FieldErrors }
  | { ok: false; errors: FieldErrors };

/**
 * Turns the form into a container spec and validates it with the shared schema, the same
 * one the agent applies: the form's errors are the agent's errors, shown before submit.
 * Text that must be parsed first (command line, volumes, numbers) is checked here.
 */
export function specFromForm(values: CreateFormValues): SpecResult {
  const errors: FieldErrors = {};
  const text = (value: string) => value.trim() || undefined;

  let command: string[] = [];
  try {
    command = splitCommandLine(values.command);
  } catch (error) {
    errors.command = (error as Error).message;
  }

  const volumes: Volume[] = [];
  lines(values.volumes).forEach((line, index) => {
    try {
      volumes.push(parseVolume(line));
    } catch (error) {
      errors.volumes ??= `line ${index + 1}: ${(error as Error).message}`;
    }
  });

  const tmpfs = parseLines(values.tmpfs, parseTmpfs, 'tmpfs', errors);
  const devices = parseLines(values.devices, parseDevice, 'devices', errors);
  const ports = portMappings(values.ports, errors);
  const network = networkMode(values, errors);
  const onUserNetwork = values.network === 'user';
  const publishes = values.network === 'bridge' || onUserNetwork;
  const oomScoreAdj = signedNumber(values.oomScoreAdj, errors);

  const pids = wholeNumber(values.pids, 'pids', errors, 'a number of processes, like 64');
  const cpuShares = wholeNumber(values.cpuShares, 'cpuShares', errors, 'a whole number, like 512');
  const cpus = decimal(values.cpus, errors);
  const retries = wholeNumber(values.restartRetries, 'restartRetries', errors, 'a whole number');

  const spec: ContainerSpecInput = {
    image: values.image.trim(),
    name: text(values.name),
    hostname: text(values.hostname),
    command,
    env: lines(values.env),
    volumes,
    workdir: text(values.workdir),
    user: text(values.user),
    autoRemove: values.autoRemove,
    tty: values.tty,
    capAdd: capabilityNames(values.capAdd),
    capDrop: capabilityNames(values.capDrop),
    readOnly: values.readOnly,
    tmpfs,
    devices,
    oomScoreAdj,
    network,
    // Aliases and an address are a user-defined network's, and ports are published on a
    // bridge (Cove's or a user-defined one): with another mode their fields are hidden,
    // and what they held is not sent.
    networkAliases: onUserNetwork ? splitAliases(values.networkAliases) : [],
    ip: onUserNetwork ? text(values.networkIp) : undefined,
    ports: publishes ? ports : [],
    publishAll: publishes && values.publishAll,
    limits: {
      memory: text(values.memory),
      memorySwap: text(values.memorySwap),
      pids,
      cpus,
      cpuShares,
    },
    restart:
      values.restart === 'on-failure' && retries !== undefined
        ? { name: 'on-failure', maxRetries: retries }
        : { name: values.restart },
  };

  const parsed = ContainerSpecSchema.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { field, message } = fieldForIssue(issue);
      errors[field] ??= message;
    }
  }
  checkSwap(values, errors);

  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, spec: parsed.data, errors };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Each line through a shared parser; the first bad line is the field's error. */
function parseLines<T extends TmpfsMount | DeviceMapping>(
  text: string,
  parse: (line: string) => T,
  field: 'tmpfs' | 'devices',
  errors: FieldErrors,
): T[] {
  const parsed: T[] = [];
  lines(text).forEach((line, index) => {
    try {
      parsed.push(parse(line));
    } catch (error) {
      errors[field] ??= `line ${index + 1}: ${(error as Error).message}`;
    }
  });
  return parsed;
}

/**
 * The ports editor's rows through the shared `-p` parser, so a row means what the same
 * `-p` means to the CLI. An empty row is skipped; the first bad one is the error.
 */
function portMappings(rows: readonly PortRow[], errors: FieldErrors): PortMapping[] {
  const mappings: PortMapping[] = [];
  rows.forEach((row, index) => {
    const hostPort = row.hostPort.trim();
    const containerPort = row.containerPort.trim();
    if (!hostPort && !containerPort) return;
    if (!containerPort) {
      errors.ports ??= `row ${index + 1}: the container port is missing`;
      return;
    }
    try {
      mappings.push(parsePortMapping(portFlag(row)));
    } catch (error) {
      errors.ports ??= `row ${index + 1}: ${(error as Error).message}`;
    }
  });
  return mappings;
}

/** The form's network choice as the spec's mode; `container` needs the name it joins. */
function networkMode(values: CreateFormValues, errors: FieldErrors): NetworkMode {
  if (values.network === 'user') return values.userNetwork;
  if (values.network !== 'container') return values.network;
  const name = values.networkContainer.trim();
  if (!name) errors.networkContainer = 'name the container whose network this one joins';
  return `container:${name}`;
}

function signedNumber(value: string, errors: FieldErrors): number | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  if (!/^-?\d+$/.test(trimmed)) {
    errors.oomScoreAdj = 'must be a whole number from -1000 to 1000';
    return undefined;
  }
  return Number(trimmed);
}

function wholeNumber(
  value: string,
  field: 'pids' | 'cpuShares' | 'restartRetries',
  errors: FieldErrors,
  example: string,
): number | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  if (!/^\d+$/.test(trimmed)) {
    errors[field] = `must be ${example}`;
    return undefined;
  }
  return Number(trimmed);
}

function decimal(value: string, errors: FieldErrors): number | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  if (!/^(\d+\.?\d*|\.\d+)$/.test(trimmed)) {
    errors.cpus = 'must be a number of CPUs, like 0.5 or 2';
    return undefined;
  }
  return Number(trimmed);
}

/** The kernel's rule as the engine enforces it: memory-swap is memory plus swap. */
function checkSwap(values: CreateFormValues, errors: FieldErrors) {
  if (!values.memorySwap.trim() || errors.memorySwap || errors.memory) return;
  if (!values.memory.trim()) {
    errors.memorySwap = 'needs a memory limit too: memory-swap is memory plus swap';
    return;
  }
  try {
    if (parseSize(values.memorySwap) < parseSize(values.memory)) {
      errors.memorySwap = 'must be at least the memory limit: it is memory plus swap';
    }
  } catch {
    // The schema already reported the unreadable size.
  }
}
