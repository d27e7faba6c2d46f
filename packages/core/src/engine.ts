import type {
  ContainerEvent,
  ContainerRecord,
  ContainerSpecInput,
  NetworkMode,
  StartTrace,
} from '@cove/shared';
import type { CgroupStats, CgroupStatsReader } from './cgroup/cgroup-manager.js';
import { createCgroupManager } from './cgroup/create-cgroup-manager.js';
import { type CgroupSetup, detectCgroupSetup } from './cgroup/detect.js';
import { removeOrphanCgroups } from './cgroup/orphan-cgroups.js';
import {
  type AdoptedTerminal,
  adoptRunning,
  createAdoptions,
  finishAdopted,
} from './container/adopt-container.js';
import { lockContainer } from './container/container-lock.js';
import { releaseNetwork, restoreNetwork, retireNetwork } from './container/container-network.js';
import { createContainerOperations } from './container/container-operations.js';
import { readContainerStats } from './container/container-stats.js';
import { findRecord, findRecordById, listRecords } from './container/container-store.js';
import { createContainer } from './container/create-container.js';
import type { EngineContext } from './container/engine-context.js';
import { createInitPool } from './container/init-pool.js';
import { createNetworkCommands, type NetworkCommands } from './container/network-commands.js';
import { endOrphanKeepers } from './container/orphan-keepers.js';
import { setPaused } from './container/pause-container.js';
import { refreshState } from './container/refresh-state.js';
import { removeContainer } from './container/remove-container.js';
import { restartDelay } from './container/restart-policy.js';
import { runContainer } from './container/run-container.js';
import { parseSignal, signalContainer } from './container/signal-container.js';
import {
  type ContainerIo,
  type RunningContainer,
  startContainer,
} from './container/start-container.js';
import { startTimeoutFromEnvironment } from './container/start-deadline.js';
import { stopContainer } from './container/stop-container.js';
import { type ExecOptions, type ExecProcess, execInContainer } from './exec/exec-process.js';
import { createExecShimPool } from './exec/exec-shim-pool.js';
import { createShimCgroup } from './exec/shim-cgroup.js';
import { koffiLibc } from './libc/koffi-libc.js';
import type { Libc } from './libc/libc.js';
import type { ContainerLogger } from './logs/container-logger.js';
import { checkBridgeSubnet } from './network/bridge-settings.js';
import { readHostRoutes } from './network/host-routes.js';
import { containerPaths, type StoreLayout, storeLayout } from './store/store-layout.js';
import { StartTracer } from './trace/start-tracer.js';
import { createTraceBook } from './trace/trace-book.js';
import {
  createVolume,
  inspectVolume,
  listVolumes,
  pruneVolumes,
  removeVolume,
  type VolumeCommands,
} from './volume/named-volumes.js';

export interface EngineOptions {
  root: string;
  libc?: Libc;
  /**
   * For a long-lived process (the agent): keep warm inits and exec shims, watch every
   * container it starts, apply restart policies, and report events.
   */
  supervise?: boolean;
  /** Told of every change of a container's state (supervised engines only). */
  onEvent?(event: ContainerEvent): void;
  /** Told of every start, restarts included, e.g. to pick up a new terminal. */
  onStart?(record: ContainerRecord, running: RunningContainer): void;
  /** Told of the terminal of a running `-t` container an earlier agent started. */
  onAdoptTerminal?(record: ContainerRecord, terminal: AdoptedTerminal): void;
  /** How long a start may take from spawn to execve (default 10 s, or COVE_START_TIMEOUT_MS). */
  startTimeoutMs?: number;
  /** The network of a container created without one (default `bridge`). */
  defaultNetwork?: NetworkMode;
  /** The bridge's subnet, instead of the one kept in the store or chosen from the pool. */
  bridgeSubnet?: string;
  /** Record each start's steps and calls (see trace/): `cove trace`, the dashboard's Start tab. */
  trace?: boolean;
  /**
   * How old a keeper no record names must be before a supervising engine ends it (default
   * 10 s): one another process on the store (the CLI starting a container) has just
   * spawned is named by its record within milliseconds.
   */
  orphanKeeperMinAgeMs?: number;
}

export interface Engine {
  layout: StoreLayout;
  create(spec: ContainerSpecInput): Promise<ContainerRecord>;
  start(reference: string, io?: ContainerIo): Promise<RunningContainer>;
  run(spec: ContainerSpecInput, io: ContainerIo): Promise<RunningContainer>;
  stop(reference: string, timeoutSeconds?: number): Promise<ContainerRecord>;
  kill(reference: string, signal?: string): ContainerRecord;
  restart(reference: string, timeoutSeconds?: number): Promise<RunningContainer>;
  pause(reference: string): Promise<void>;
  unpause(reference: string): Promise<void>;
  remove(reference: string, options?: { force?: boolean }): Promise<void>;
  list(): ContainerRecord[];
  inspect(reference: string): ContainerRecord;
  logPath(reference: string): string;
  /** The logger of a container whose output this engine reads: for attaching to it. */
  logger(reference: string): ContainerLogger | undefined;
  stats(reference: string): Promise<CgroupStats>;
  oomKillCount(reference: string): Promise<number>;
  /** The stats files of a container's cgroup held open: for a sampler that reads every tick. */
  openCgroupStatsReader(id: string): Promise<CgroupStatsReader>;
  exec(reference: string, options: ExecOptions): Promise<ExecProcess>;
  /** The trace of a container's last start (by name or id; a removed one's by full id). */
  trace(reference: string): StartTrace | undefined;
  /** The last failed starts, newest first. */
  failedStarts(): StartTrace[];
  /** User-defined networks, and containers joining and leaving them. */
  networks: NetworkCommands;
  /** Named volumes: `cove volume ...`, and `-v NAME:/path`. */
  volumes: VolumeCommands;
  /**
   * Records containers that died unseen (e.g. while no agent ran) and applies their
   * policy; a supervising engine also takes up the output of running containers whose
   * logger is gone (the previous agent's).
   */
  reconcile(): Promise<void>;
  /**
   * Ends the warm processes; containers go on running. A supervising engine also removes
   * the bridge and its firewall table if no running container uses them.
   */
  close(): Promise<void>;
}

const ORPHAN_KEEPER_MIN_AGE_MS = 10_000;

/** The engine over one store root. `libc` is replaceable for tests that must not touch the kernel. */
export function createEngine(options: EngineOptions): Engine {
  const { root, libc = koffiLibc, supervise = false } = options;
  const layout = storeLayout(root);
  // A subnet that cannot work is refused now, not at the first container's start.
  if (options.bridgeSubnet) checkBridgeSubnet(options.bridgeSubnet, readHostRoutes());
  let setup: CgroupSetup | undefined;
  let orphansSwept = false;
  let networkRestored = false;
  const context: EngineContext = {
    libc,
    layout,
    cgroupFor: (id) => {
      setup ??= detectCgroupSetup();
      return createCgroupManager({ name: id, setup, libc });
    },
    shimCgroup: createShimCgroup((name) => context.cgroupFor(name)),
    running: new Map(),
    starting: new Map(),
    loggers: new Map(),
    stopping: new Set(),
    startTimeoutMs: options.startTimeoutMs ?? startTimeoutFromEnvironment(),
    network: {
      defaultMode: options.defaultNetwork ?? 'bridge',
      bridgeSubnet: options.bridgeSubnet,
      bridgesReady: new Map(),
      changes: Promise.resolve(),
    },
    operations: createContainerOperations((id) =>
      lockContainer(libc, containerPaths(layout, id).dir),
    ),
  };
  if (supervise) {
    context.initPool = createInitPool(libc, 2, options.trace);
    context.execPool = createExecShimPool(1);
  }
  const find = (reference: string) => findRecord(layout, reference);
  const traces = createTraceBook(layout);
  /** Runs a start with a tracer when the engine traces, and keeps its trace however it ends. */
  const traced = async (
    start: (tracer: StartTracer | undefined) => Promise<RunningContainer>,
  ): Promise<RunningContainer> => {
    if (!options.trace) return start(undefined);
    const tracer = new StartTracer();
    try {
      const running = await start(tracer);
      const trace = tracer.end();
      if (trace) traces.keep(trace);
      return running;
    } catch (error) {
      const trace = tracer.end(error);
      if (trace) traces.keep(trace);
      throw error;
    }
  };
  // Restarts the policy has scheduled: a stop, a start or a removal by the user cancels
  // its container's, as `docker stop` cancels a pending restart.
  const pendingRestarts = new Map<string, NodeJS.Timeout>();
  const cancelRestart = (id: string) => {
    clearTimeout(pendingRestarts.get(id));
    pendingRestarts.delete(id);
  };
  /** Runs `operation` on the container once the one before it is done, on its record then. */
  const serialized = <T>(reference: string, operation: (record: ContainerRecord) => Promise<T>) => {
    const { id } = find(reference);
    return context.operations.run(id, () => operation(findRecordById(layout, id)));
  };
  /** A user's operation: it replaces any restart the policy has scheduled. */
  const byUser = <T>(reference: string, operation: (record: ContainerRecord) => Promise<T>) =>
    serialized(reference, (record) => {
      cancelRestart(record.id);
      return operation(record);
    });
  const adoptions = createAdoptions();
  // A container this engine started is recorded by its own exit handler, with its exit
  // code; reading /proc before that handler runs would record the code as unknown. One
  // an earlier agent started is finished by whoever first sees it gone.
  const refresh = (record: ContainerRecord) => {
    if (context.running?.has(record.id)) return record;
    const updated = refreshState(layout, record);
    if (supervise && updated !== record && updated.state.status === 'exited') {
      void finishEnded(updated).catch(() => {});
    }
    return updated;
  };
  const emit = (record: ContainerRecord, type: ContainerEvent['type'], exitCode?: number | null) =>
    options.onEvent?.({
      t: Date.now(),
      type,
      containerId: record.id,
      name: record.name,
      ...(exitCode !== undefined ? { exitCode } : {}),
    });

  const defaultIo = (record: ContainerRecord): ContainerIo =>
    record.spec.tty ? { kind: 'terminal', cols: 80, rows: 24 } : { kind: 'log' };

  const afterExit = async (record: ContainerRecord, exitCode: number | null) => {
    let latest: ContainerRecord;
    try {
      latest = findRecordById(layout, record.id);
    } catch {
      emit(record, 'died', exitCode);
      if (record.spec.autoRemove) emit(record, 'removed');
      return;
    }
    // An OOM kill that ends the container is seen only here: its cgroup is gone before
    // anyone samples the OOM counter again.
    if (latest.state.oomKilled) emit(latest, 'oom');
    emit(latest, 'died', exitCode);
    if (context.stopping?.has(record.id)) return;
    const delay = restartDelay(latest, exitCode);
    if (delay === null) return;
    emit(latest, 'restarting');
    const timer = setTimeout(() => {
      context.operations
        .run(record.id, async () => {
          // Cancelled by a user's operation queued before this one.
          if (pendingRestarts.get(record.id) !== timer) return;
          pendingRestarts.delete(record.id);
          if (context.stopping?.has(record.id)) return;
          let current: ContainerRecord;
          try {
            current = findRecordById(layout, record.id);
          } catch {
            return; // removed meanwhile
          }
          // Started, or stopped on purpose, while the timer ran: nothing to restart.
          if (
            current.state.status !== 'exited' ||
            current.state.finishedAt !== latest.state.finishedAt
          ) {
            return;
          }
          await startTracked(current, defaultIo(current));
        })
        .catch(() => {});
    }, delay);
    pendingRestarts.set(record.id, timer);
  };

  // A container no exit handler of this engine watched has ended: once, whoever saw it
  // first (a listing or the reconcile), its output and keeper are finished, its cgroup
  // removed and its policy applied.
  const finishEnded = async (ended: ContainerRecord) => {
    if (adoptions.finishing.has(ended.id)) return;
    adoptions.finishing.add(ended.id);
    try {
      if (supervise) await finishAdopted(context, adoptions, ended);
      await context
        .cgroupFor(ended.id)
        .remove()
        .catch(() => {});
      await releaseNetwork(context, ended);
      if (supervise) await afterExit(ended, null);
    } finally {
      adoptions.finishing.delete(ended.id);
    }
  };

  const startTracked = async (record: ContainerRecord, io: ContainerIo) => {
    // A run an earlier agent started left its output and keeper: they go before the next.
    if (record.state.status === 'exited' && record.state.keeper) {
      await finishAdopted(context, adoptions, record);
    }
    const running = await traced((tracer) => startContainer(context, record, io, tracer));
    const started = findRecordById(layout, record.id);
    emit(started, 'started');
    options.onStart?.(started, running);
    if (supervise)
      void running.exited.then(
        (code) => afterExit(started, code),
        () => {},
      );
    return running;
  };

  return {
    layout,
    create: async (spec) => {
      const record = await createContainer(context, spec);
      emit(record, 'created');
      return record;
    },
    start: (reference, io) =>
      byUser(reference, (record) => startTracked(record, io ?? defaultIo(record))),
    run: async (spec, io) => {
      const running = await traced((tracer) => runContainer(context, spec, io, tracer));
      const record = findRecordById(layout, running.id);
      emit(record, 'created');
      emit(record, 'started');
      options.onStart?.(record, running);
      if (supervise)
        void running.exited.then(
          (code) => afterExit(record, code),
          () => {},
        );
      return running;
    },
    stop: (reference, timeoutSeconds = 10) =>
      byUser(reference, async (record) => {
        const stopped = await stopContainer(context, record, timeoutSeconds);
        // Only a container an earlier agent started still has its keeper here. Stopped on
        // purpose: its restart policy does not apply.
        if (stopped.state.keeper) {
          context.stopping?.add(stopped.id);
          try {
            await finishEnded(stopped);
          } finally {
            context.stopping?.delete(stopped.id);
          }
        }
        return findRecordById(layout, stopped.id);
      }),
    kill: (reference, signal = 'KILL') =>
      signalContainer(context, find(reference), parseSignal(signal)),
    restart: (reference, timeoutSeconds = 10) =>
      byUser(reference, async (record) => {
        const stopped = await stopContainer(context, record, timeoutSeconds);
        return startTracked(stopped, defaultIo(stopped)); // (which finishes an adopted run)
      }),
    pause: (reference) =>
      serialized(reference, async (record) => {
        await setPaused(context, record, true);
        emit(record, 'paused');
      }),
    unpause: (reference) =>
      serialized(reference, async (record) => {
        await setPaused(context, record, false);
        emit(record, 'unpaused');
      }),
    remove: (reference, removeOptions) => {
      // A start in progress holds the container's queue until it ends; a stuck one (a
      // frozen cgroup, a mount that never returns) until its deadline. `rm -f` cuts it
      // short instead: the start fails, cleans up after itself, and the removal follows.
      if (removeOptions?.force) {
        context.starting?.get(find(reference).id)?.abort('the container is being removed (rm -f)');
      }
      return byUser(reference, async (record) => {
        await removeContainer(context, record, removeOptions?.force ?? false);
        emit(record, 'removed');
      });
    },
    list: () => listRecords(layout).map(refresh),
    inspect: (reference) => refresh(find(reference)),
    logPath: (reference) => containerPaths(layout, find(reference).id).log,
    logger: (reference) => context.loggers?.get(find(reference).id),
    stats: (reference) => readContainerStats(context, refresh(find(reference))),
    oomKillCount: (reference) => context.cgroupFor(find(reference).id).oomKillCount(),
    openCgroupStatsReader: (id) => context.cgroupFor(id).openStatsReader(),
    exec: (reference, execOptions) => execInContainer(context, find(reference), execOptions),
    trace: (reference) => traces.remembered(reference) ?? traces.last(find(reference).id),
    failedStarts: () => traces.failed(),
    networks: createNetworkCommands(context, serialized, emit),
    volumes: {
      create: (name) => createVolume(layout, name),
      list: () => listVolumes(layout),
      inspect: (name) => inspectVolume(layout, name),
      remove: (name) => removeVolume(layout, name),
      prune: () => pruneVolumes(layout),
    },
    reconcile: async () => {
      // Once per supervising engine: cgroups of containers that died unseen and whose
      // records are gone would otherwise stay until reboot.
      if (supervise && !orphansSwept) {
        orphansSwept = true;
        setup ??= detectCgroupSetup();
        removeOrphanCgroups(setup);
        // And keepers no record names (an agent killed right after spawning one).
        endOrphanKeepers(
          context.libc,
          layout,
          options.orphanKeeperMinAgeMs ?? ORPHAN_KEEPER_MIN_AGE_MS,
        );
      }
      if (supervise && !networkRestored) {
        networkRestored = true;
        await restoreNetwork(context);
      }
      for (const record of listRecords(layout)) {
        const { status } = record.state;
        if (status === 'removing' && !context.stopping?.has(record.id)) {
          // A removal cut short by a crash: finish it.
          await removeContainer(context, record, true).catch(() => {});
          continue;
        }
        if (context.running?.has(record.id)) continue;
        // Seen ended by an earlier look (a listing) whose finishing did not complete.
        if (status === 'exited' && record.state.keeper) {
          if (supervise) await finishEnded(record);
          continue;
        }
        if (status !== 'running' && status !== 'paused') continue;
        const updated = refreshState(layout, record);
        if (updated.state.status === 'exited') {
          await finishEnded(updated);
        } else if (supervise) {
          const terminal = adoptRunning(context, adoptions, updated);
          if (terminal) options.onAdoptTerminal?.(updated, terminal);
        }
      }
    },
    close: async () => {
      for (const id of [...pendingRestarts.keys()]) cancelRestart(id);
      context.initPool?.close();
      context.execPool?.close();
      // An agent that stops leaves no empty cgroup parent behind (running containers'
      // cgroups keep it, and are never touched).
      if (supervise && setup) removeOrphanCgroups(setup);
      if (supervise) await retireNetwork(context);
      await traces.settled();
    },
  };
}
