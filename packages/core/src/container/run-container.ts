import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import {
  type ContainerRecord,
  type ContainerSpec,
  type ContainerSpecInput,
  ContainerSpecSchema,
} from '@cove/shared';
import type { CgroupManager } from '../cgroup/cgroup-manager.js';
import { CoveError, withContextAsync } from '../errors.js';
import type { StoredImage } from '../image/image-config.js';
import { getImage } from '../image/image-store.js';
import type { InitFailure, InitSpec } from '../init/init-spec.js';
import { containerPaths } from '../store/store-layout.js';
import { writeEtcFiles } from './container-etc-files.js';
import { generateContainerName } from './container-name.js';
import { deleteContainerFiles, reserveName, writeRecord } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { processStartTime } from './process-identity.js';
import { type StdioTarget, spawnInit } from './spawn-init.js';

/** Where the container's stdin, stdout and stderr go. */
export type ContainerIo = { kind: 'inherit'; stdin: boolean } | { kind: 'log' };

export interface RunningContainer {
  id: string;
  name: string;
  pid: number;
  /** Resolves with the exit code (128+N for a signal) once the state is recorded. */
  exited: Promise<number>;
  /** Lets this process exit while the container goes on running. */
  detach(): void;
}

function parseSpec(input: ContainerSpecInput): ContainerSpec {
  const parsed = ContainerSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CoveError(`invalid ${issue?.path.join('.') || 'spec'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Docker's rule: entrypoint + (the user's command, or else the image's cmd). */
function commandFor(spec: ContainerSpec, image: StoredImage): string[] {
  const args = [
    ...image.config.entrypoint,
    ...(spec.command.length ? spec.command : image.config.cmd),
  ];
  if (!args.length) throw new CoveError(`no command given and image ${image.name} has none`);
  return args;
}

function exitCodeFrom(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}

function checkVolumeSources(spec: ContainerSpec): void {
  for (const volume of spec.volumes) {
    if (!existsSync(volume.source)) {
      throw new CoveError(`volume source ${volume.source} does not exist on the host`);
    }
  }
}

/**
 * Creates and starts a container: store entry, init process, spec, and the answer on the
 * error pipe. Any failure on the way removes everything made so far (files, name,
 * process) before the error reaches the caller.
 */
export async function runContainer(
  { libc, layout, cgroupFor }: EngineContext,
  input: ContainerSpecInput,
  io: ContainerIo,
): Promise<RunningContainer> {
  if (libc.geteuid() !== 0) {
    throw new CoveError('cove must run as root: it creates namespaces, mounts and cgroups');
  }
  const spec = parseSpec(input);
  const image = getImage(layout, spec.image);
  checkVolumeSources(spec);
  const args = commandFor(spec, image);

  for (const dir of [layout.containers, layout.names])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = randomBytes(32).toString('hex');
  const name = spec.name ?? generateContainerName();
  const hostname = spec.hostname ?? id.slice(0, 12);
  const paths = containerPaths(layout, id);
  reserveName(layout, name, id);

  let child: ChildProcess | undefined;
  let cgroup: CgroupManager | undefined;
  try {
    for (const dir of [paths.dir, paths.upper, paths.work, paths.rootfs])
      mkdirSync(dir, { mode: 0o700 });
    // The overlay's root directory takes the upper directory's mode: "/" must be
    // traversable by every user of the container. The container dir above stays 0700.
    chmodSync(paths.upper, 0o755);
    writeEtcFiles(paths.upper, hostname);
    const record: ContainerRecord = {
      id,
      name,
      hostname,
      createdAt: new Date().toISOString(),
      spec,
      args,
      cgroupPaths: [],
      state: { status: 'created' },
    };
    writeRecord(layout, record);

    cgroup = cgroupFor(id);
    const containerCgroup = cgroup;
    record.cgroupPaths = [...cgroup.paths];
    await withContextAsync('creating the cgroup', () => containerCgroup.create());
    await withContextAsync('applying limits', () => containerCgroup.apply(spec.limits));

    const initSpec: InitSpec = {
      imageName: spec.image,
      hostname,
      rootfs: {
        overlay: {
          lowerDirs: image.layers,
          upperDir: paths.upper,
          workDir: paths.work,
          mountPoint: paths.rootfs,
        },
        volumes: spec.volumes,
      },
      args,
      imageEnv: image.config.env,
      userEnv: spec.env,
      workdir: spec.workdir ?? (image.config.workingDir || '/'),
      user: spec.user ?? (image.config.user || undefined),
    };
    const log = io.kind === 'log' ? openSync(paths.log, 'a', 0o600) : undefined;
    try {
      child = spawnInit(libc, stdioFor(io, log));
    } finally {
      // The child holds its own copy of the log fd from the moment spawn returns.
      if (log !== undefined) closeSync(log);
    }
    const started = child;
    // The init waits for its spec, so it joins the cgroup before running anything: no
    // byte or fork of the user's program escapes the limits.
    await withContextAsync('adding the container to its cgroup', () =>
      containerCgroup.addProcess(started.pid ?? 0),
    );
    const exit = new Promise<number>((resolve) =>
      started.once('exit', (code, signal) => resolve(exitCodeFrom(code, signal))),
    );
    await deliverSpec(started, initSpec, exit);

    const pid = started.pid ?? 0;
    record.state = {
      status: 'running',
      pid,
      pidStartTime: processStartTime(pid),
      startedAt: new Date().toISOString(),
    };
    writeRecord(layout, record);

    const exited = exit.then(async (exitCode) => {
      const oomKilled = (await containerCgroup.oomKillCount().catch(() => 0)) > 0;
      await containerCgroup.remove();
      if (spec.autoRemove) {
        deleteContainerFiles(layout, record);
      } else {
        record.state = {
          ...record.state,
          status: 'exited',
          exitCode,
          oomKilled,
          finishedAt: new Date().toISOString(),
        };
        writeRecord(layout, record);
      }
      return exitCode;
    });
    return {
      id,
      name,
      pid,
      exited,
      detach: () => started.unref(),
    };
  } catch (error) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await cgroup?.remove().catch(() => {});
    deleteContainerFiles(layout, { id, name });
    throw error;
  }
}

function stdioFor(
  io: ContainerIo,
  log: number | undefined,
): [StdioTarget, StdioTarget, StdioTarget] {
  if (io.kind === 'inherit') return [io.stdin ? 'inherit' : 'ignore', 'inherit', 'inherit'];
  return ['ignore', log ?? 'ignore', log ?? 'ignore'];
}

/**
 * Sends the spec and waits for the verdict: the error pipe closes without a word when
 * execve succeeds (it is close-on-exec), or carries the init's failure.
 */
async function deliverSpec(
  child: ChildProcess,
  spec: InitSpec,
  exit: Promise<number>,
): Promise<void> {
  const specPipe = child.stdio[3] as Writable | null;
  const errorPipe = child.stdio[4] as Readable | null;
  if (!specPipe || !errorPipe) throw new CoveError('container init has no spec or error pipe');
  const chunks: Buffer[] = [];
  const verdict = new Promise<string>((resolve, reject) => {
    errorPipe.on('data', (chunk: Buffer) => chunks.push(chunk));
    errorPipe.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    errorPipe.once('error', reject);
    child.once('error', reject);
  });
  specPipe.on('error', () => {}); // an init that dies early closes the pipe: the verdict says why
  specPipe.end(JSON.stringify(spec));
  const message = await verdict;
  specPipe.destroy();
  errorPipe.destroy();
  if (message) {
    const failure = JSON.parse(message) as InitFailure;
    await exit;
    throw new CoveError(failure.message, failure.exitCode);
  }
}
