import type { ChildProcess } from 'node:child_process';
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { ContainerKeeper, ContainerRecord } from '@cove/shared';
import { DEFAULT_DEVICE_RULES } from '../cgroup/device-rules.js';
import { CoveError, withContextAsync } from '../errors.js';
import { getImage } from '../image/image-store.js';
import type { InitStdio } from '../init/attach-stdio.js';
import type { InitSpec } from '../init/init-spec.js';
import type { Libc } from '../libc/libc.js';
import {
  type ContainerLogger,
  closeOutputPipes,
  type OutputChunk,
  type OutputPipes,
  openOutputPipes,
  startContainerLogger,
} from '../logs/container-logger.js';
import { enlargePipe, makeStdioFifos } from '../logs/stdio-fifos.js';
import { containerConfinement } from '../security/confinement.js';
import { containerPaths } from '../store/store-layout.js';
import { openContainerPty } from '../terminal/container-pty.js';
import type { TerminalSize } from '../terminal/pty.js';
import type { StartTracer } from '../trace/start-tracer.js';
import { step, stepAsync } from '../trace/trace-step.js';
import { traceLibc } from '../trace/traced-libc.js';
import {
  prepareNetwork,
  releaseNetwork,
  type StartNetwork,
  stoppedNetwork,
} from './container-network.js';
import { deleteContainerFiles, readRecord, writeRecord } from './container-store.js';
import { deviceRule, resolveDevices } from './device-mappings.js';
import type { EngineContext } from './engine-context.js';
import { initHandshake } from './init-handshake.js';
import { processStartTime } from './process-identity.js';
import { refreshState } from './refresh-state.js';
import { spawnInit } from './spawn-init.js';
import { DEFAULT_START_TIMEOUT_MS, withDeadline } from './start-deadline.js';
import {
  cgroupCreateStep,
  cgroupJoinStep,
  cgroupLimitsStep,
  deviceRulesStep,
  hostNetworkStep,
  initSpawnStep,
  outputPipesStep,
  pooledInitStep,
  ptyStep,
  vethStep,
} from './start-steps.js';
import { endKeeper, keepSoon } from './stdio-keeper.js';

/**
 * Where the container's stdin, stdout and stderr go:
 * - `inherit`: this process's own (the CLI in the foreground, without an agent);
 * - `log`: the container's log, written by a logger in this process (so it needs a
 *   process that stays, like the agent); with `stdin`, a pipe the caller writes to;
 * - `terminal`: a new PTY of the container's own devpts; the caller gets its master.
 */
export type ContainerIo =
  | { kind: 'inherit'; stdin: boolean }
  | { kind: 'log'; stdin?: boolean; onOutput?: (chunk: OutputChunk) => void }
  | ({ kind: 'terminal' } & TerminalSize);

export interface RunningContainer {
  id: string;
  name: string;
  pid: number;
  /** The PTY master, for `terminal` io. The caller owns it and closes it. */
  terminal?: number;
  /** The logger, for `log` io: live output for whoever attaches. */
  logger?: ContainerLogger;
  /** The container's stdin, for `log` io with `stdin`: end it to send EOF. */
  stdin?: Writable;
  /** Resolves with the exit code (128+N for a signal) once the state is recorded. */
  exited: Promise<number>;
  /** Lets this process exit while the container goes on running. */
  detach(): void;
}

function exitCodeFrom(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}

/**
 * Starts a created or exited container: its cgroup, an init (a warm one from the pool
 * when there is one), the spec, and the init's verdict. On failure the cgroup and the
 * init are gone before the error reaches the caller; the container stays as it was.
 */
export async function startContainer(
  context: EngineContext,
  found: ContainerRecord,
  io: ContainerIo,
  tracer?: StartTracer,
): Promise<RunningContainer> {
  // A traced start makes every call through a libc that records it (see trace/); what
  // serves the container after its start (the keeper of its output) goes untraced.
  const untraced = context.libc;
  if (tracer) context = { ...context, libc: traceLibc(context.libc, tracer.engine) };
  const { libc, layout, cgroupFor, initPool } = context;
  // A copy: this function sets its state and cgroups, and a listed record is shared.
  const record = { ...refreshState(layout, found) };
  if (record.state.status !== 'created' && record.state.status !== 'exited') {
    throw new CoveError(`container ${record.name} is already ${record.state.status}`);
  }
  const { spec } = record;
  tracer?.begin({ id: record.id, name: record.name, image: spec.image, command: record.args });
  const image = await getImage(layout, spec.image);
  const paths = containerPaths(layout, record.id);

  let child: ChildProcess | undefined;
  let terminal: number | undefined;
  let stdinFd: number | undefined;
  let outputPipes: OutputPipes | undefined;
  let network: StartNetwork | undefined;
  const cgroup = cgroupFor(record.id);
  // An `rm -f` meanwhile cuts the start short at whichever wait it is in (see remove).
  const cancel = new AbortController();
  context.starting?.set(record.id, cancel);
  try {
    record.cgroupPaths = [...cgroup.paths];
    await stepAsync(libc, cgroupCreateStep, () => cgroup.create());
    await stepAsync(libc, cgroupLimitsStep, () => cgroup.apply(spec.limits));
    // The --device nodes are looked up again at each start: a host's numbers can change.
    const devices = resolveDevices(spec.devices);
    await stepAsync(libc, deviceRulesStep, () =>
      cgroup.restrictDevices([...DEFAULT_DEVICE_RULES, ...devices.map(deviceRule)]),
    );

    network = await stepAsync(libc, hostNetworkStep, () => prepareNetwork(context, record, image));
    const startNetwork = network;
    const { connect } = network;

    let stdio: InitStdio;
    if (io.kind === 'terminal') {
      stdio = { kind: 'terminal' };
    } else if (io.kind === 'log') {
      const fifos = step(libc, outputPipesStep, () => {
        const made = makeStdioFifos(libc, paths.dir);
        outputPipes = openOutputPipes(made);
        enlargePipe(libc, outputPipes.stdout);
        enlargePipe(libc, outputPipes.stderr);
        return made;
      });
      if (io.stdin) stdinFd = openWriteEnd(fifos.stdin);
      stdio = { kind: 'pipes', ...fifos, stdin: io.stdin ? fifos.stdin : undefined };
    } else {
      stdio = { kind: 'inherit' };
    }
    const initSpec: InitSpec = {
      imageName: spec.image,
      hostname: record.hostname,
      network: network.init,
      stdio,
      rootfs: {
        overlay: {
          lowerDirs: image.layers,
          upperDir: paths.upper,
          workDir: paths.work,
          mountPoint: paths.rootfs,
        },
        volumes: spec.volumes,
        tmpfs: spec.tmpfs,
        devices,
        readOnly: spec.readOnly,
      },
      args: record.args,
      imageEnv: image.config.env,
      userEnv: spec.env,
      workdir: spec.workdir ?? (image.config.workingDir || '/'),
      user: spec.user ?? (image.config.user || undefined),
      confinement: containerConfinement(spec),
      ...(tracer ? { trace: true } : {}),
    };
    const pooled = io.kind !== 'inherit' && initPool;
    const startTimeout = context.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const started = await stepAsync(libc, pooled ? pooledInitStep : initSpawnStep, async () => {
      child =
        io.kind === 'inherit'
          ? spawnInit(libc, [io.stdin ? 'inherit' : 'ignore', 'inherit', 'inherit'])
          : pooled
            ? pooled.take()
            : spawnInit(libc, ['ignore', 'ignore', 'ignore']);
      const spawned = child;
      // Node must have made its threads before the init joins the cgroup: under a small
      // pids.max a thread made later would be refused, and Node aborts.
      await withContextAsync('waiting for the container init to start', () =>
        withDeadline(
          initHandshake(spawned).ready,
          startTimeout,
          'starting the container init',
          cancel.signal,
        ),
      );
      return spawned;
    });
    // The init waits for its spec, so it joins the cgroup before running anything: no
    // byte or fork of the user's program escapes the limits.
    await stepAsync(libc, cgroupJoinStep, () => cgroup.addProcess(started.pid ?? 0));
    const exit = new Promise<number>((resolve) =>
      started.once('exit', (code, signal) => resolve(exitCodeFrom(code, signal))),
    );
    // A terminal comes from the container's devpts, so the init asks for it once that is
    // mounted; the engine keeps the master and tells the init which slave is its own.
    const openTerminal =
      io.kind === 'terminal'
        ? () =>
            step(libc, ptyStep, () => {
              const pty = openContainerPty(libc, started.pid ?? 0, io);
              libc.close(pty.slave);
              terminal = pty.master;
              return pty.number;
            })
        : undefined;
    if (tracer) tracer.init = initHandshake(started).trace;
    await withDeadline(
      deliverSpec(started, initSpec, exit, {
        openTerminal,
        attachNetwork:
          connect && (() => stepAsync(libc, vethStep, () => connect(started.pid ?? 0))),
      }),
      startTimeout,
      `setting up the container up to ${spec.image}'s command`,
      cancel.signal,
    ).finally(() => initPool?.refill());

    const pid = started.pid ?? 0;
    const restartCount =
      record.state.status === 'exited' ? (record.state.restartCount ?? 0) + 1 : 0;
    record.state = {
      status: 'running',
      pid,
      pidStartTime: processStartTime(pid),
      startedAt: new Date().toISOString(),
      restartCount,
    };
    record.network = startNetwork.record;
    writeRecord(layout, record);
    // What must outlive this process: the terminal's master, or the output pipes.
    const kept =
      terminal !== undefined
        ? [terminal]
        : outputPipes
          ? [outputPipes.stdout, outputPipes.stderr]
          : [];
    const keeper = kept.length
      ? keepSoon(
          untraced,
          kept,
          { store: layout.root, containerId: record.id },
          () => started.exitCode === null && started.signalCode === null,
        ).then((spawned) => recordKeeper(context, record, spawned))
      : Promise.resolve(undefined);

    const logger = outputPipes ? startContainerLogger(outputPipes, paths.log) : undefined;
    outputPipes = undefined;
    if (logger) context.loggers?.set(record.id, logger);
    // Subscribed before any output is read: whoever attaches at start misses nothing.
    if (logger && io.kind === 'log' && io.onOutput) logger.subscribe(io.onOutput);
    const stdin =
      stdinFd === undefined
        ? undefined
        : new Socket({ fd: stdinFd, readable: false, writable: true });
    stdin?.on('error', () => {}); // a container that stopped reading: its stdin is gone
    stdinFd = undefined;

    const exited = exit.then(async (exitCode) => {
      // Everything the container wrote is in the log before anyone hears it ended.
      await logger?.done;
      context.loggers?.delete(record.id);
      endKeeper(untraced, await keeper);
      stdin?.destroy();
      const oomKilled = (await cgroup.oomKillCount().catch(() => 0)) > 0;
      await cgroup.remove().catch(() => {});
      await releaseNetwork(context, record, startNetwork.record);
      record.network = stoppedNetwork(startNetwork.record);
      // `rm -f` may be removing the container, or have removed it, while it died: then
      // there is nothing to record.
      if (readRecord(layout, record.id)?.state.status !== record.state.status) return exitCode;
      if (spec.autoRemove) {
        deleteContainerFiles(layout, record);
        return exitCode;
      }
      const { pid: _pid, pidStartTime: _start, keeper: _keeper, ...state } = record.state;
      record.state = {
        ...state,
        status: 'exited',
        exitCode,
        oomKilled,
        finishedAt: new Date().toISOString(),
      };
      writeRecord(layout, record);
      return exitCode;
    });
    context.running?.set(record.id, exited);
    void exited.finally(() => context.running?.delete(record.id)).catch(() => {});
    return {
      id: record.id,
      name: record.name,
      pid,
      terminal,
      logger,
      stdin,
      exited,
      detach: () => {
        started.unref();
        logger?.unref();
        stdin?.unref();
      },
    };
  } catch (error) {
    // A frozen cgroup (v1) holds the init's SIGKILL until it thaws, and the wait for its
    // exit would never end; thawing one that is not frozen changes nothing.
    await cgroup.thaw().catch(() => {});
    await endInit(child);
    if (stdinFd !== undefined) closeSync(stdinFd);
    if (outputPipes) closeOutputPipes(outputPipes);
    if (terminal !== undefined) closeQuietly(libc, terminal);
    await cgroup.remove().catch(() => {});
    if (network) await releaseNetwork(context, record, network.record);
    throw error;
  } finally {
    context.starting?.delete(record.id);
  }
}

/** Adds the keeper to the record while it still describes the same run. */
function recordKeeper(
  { layout }: EngineContext,
  started: ContainerRecord,
  keeper: ContainerKeeper | undefined,
): ContainerKeeper | undefined {
  const latest = readRecord(layout, started.id);
  if (keeper && latest && latest.state.pid === started.state.pid) {
    if (latest.state.status === 'running' || latest.state.status === 'paused') {
      writeRecord(layout, { ...latest, state: { ...latest.state, keeper } });
    }
  }
  return keeper;
}

async function endInit(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

/**
 * The write end of a named pipe, opened without waiting for a reader: a reader opened
 * for the moment lets the non-blocking open succeed, and goes once the writer is there.
 */
function openWriteEnd(path: string): number {
  // (libuv opens every file close-on-exec.)
  const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fsConstants;
  const reader = openSync(path, O_RDONLY | O_NONBLOCK);
  try {
    return openSync(path, O_WRONLY | O_NONBLOCK);
  } finally {
    closeSync(reader);
  }
}

function closeQuietly(libc: Libc, fd: number): void {
  try {
    libc.close(fd);
  } catch {}
}

/** What the engine does for an init that asks on the way (see the marks in init-spec.ts). */
interface InitRequests {
  /** Attaches the veth to the init's new network namespace. */
  attachNetwork?: () => Promise<void>;
  /** Opens a PTY of the container's devpts and returns its number. */
  openTerminal?: () => number;
}

/** Waits for `asked`, or for the verdict of an init that failed before asking. */
const askedBeforeVerdict = (asked: Promise<void>, verdict: Promise<unknown>) =>
  Promise.race([asked.then(() => true), verdict.then(() => false)]);

/**
 * Sends the spec, answers the init's requests in their order (the network, then the
 * terminal), and waits for the verdict (see init-handshake.ts): the init's mark that it
 * reached execve, its failure, or its end without either. If the engine's own part
 * fails, the init gets EOF instead of an answer and ends, and that error is the one told.
 */
async function deliverSpec(
  child: ChildProcess,
  spec: InitSpec,
  exit: Promise<number>,
  requests: InitRequests,
): Promise<void> {
  const specPipe = child.stdio[3] as Writable | null;
  if (!specPipe) throw new CoveError('container init has no spec pipe');
  const { verdict, wantsNetwork, wantsTerminal } = initHandshake(child);
  specPipe.on('error', () => {}); // an init that dies early closes the pipe: the verdict says why
  specPipe.write(`${JSON.stringify(spec)}\n`);
  let engineFailure: unknown;
  try {
    if (requests.attachNetwork && (await askedBeforeVerdict(wantsNetwork, verdict))) {
      await requests.attachNetwork();
      specPipe.write('\n');
    }
    if (requests.openTerminal && (await askedBeforeVerdict(wantsTerminal, verdict))) {
      specPipe.write(`${requests.openTerminal()}\n`);
    }
  } catch (error) {
    engineFailure = error;
  }
  specPipe.end();
  const result = await verdict;
  specPipe.destroy();
  (child.stdio[4] as Readable | null)?.destroy();
  // Both failed: the engine's error is the cause when the init was waiting for it; when
  // the init failed on its own meanwhile (its root filesystem, say), the engine's part
  // failed only because the init's namespace was gone, and the init's failure is told.
  const initFailedAlone = result.kind === 'failed' && !result.failure.waitingForEngine;
  if (engineFailure !== undefined && !initFailedAlone) {
    await exit;
    throw engineFailure;
  }
  if (result.kind === 'failed') {
    await exit;
    throw new CoveError(result.failure.message, result.failure.exitCode);
  }
  if (result.kind === 'died') {
    const code = await exit;
    throw new CoveError(
      `the container init ended before it could start ${spec.args[0]} (exit code ${code}); the engine's log may say why`,
    );
  }
}
