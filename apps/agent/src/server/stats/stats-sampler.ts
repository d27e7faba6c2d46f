import { EventEmitter, on } from 'node:events';
import {
  type CgroupStats,
  type CgroupStatsReader,
  cpuPercent,
  type Engine,
  readContainerCounters,
} from '@cove/core';
import type { ContainerRecord, NetworkCounters, StatsSample } from '@cove/shared';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import { RingBuffer } from './ring-buffer.js';

/** 15 minutes at one sample a second, as the graphs promise after a reload. */
const historyLength = 15 * 60;

interface Tracked {
  history: RingBuffer<StatsSample>;
  /**
   * The cgroup's stats files, open while the container runs. The counters below belong
   * to the cgroup it reads, so a new one (a restart's) starts them again.
   */
  reader?: CgroupStatsReader;
  lastCpu?: { usageUsec: number; t: number };
  oomKills: number;
}

/**
 * One reading per running container per second, shared by every subscriber: fifty
 * open dashboards cost the same cgroup reads as one. Each tick also notices containers
 * that died unseen (engine.reconcile) and OOM kills (the cgroup's oom_kill counter).
 */
export function createStatsSampler(engine: Engine, events: EventBus, log: Logger) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const tracked = new Map<string, Tracked>();
  let latestTick: Array<{ id: string; sample: StatsSample }> = [];
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let stopped = false;

  const trackedFor = (id: string): Tracked => {
    let entry = tracked.get(id);
    if (!entry) {
      entry = { history: new RingBuffer(historyLength), oomKills: 0 };
      tracked.set(id, entry);
    }
    return entry;
  };

  const openReader = async (id: string, entry: Tracked): Promise<void> => {
    try {
      entry.reader = await engine.openCgroupStatsReader(id);
    } catch {
      return; // it ended between the listing and the open
    }
    entry.lastCpu = undefined;
    entry.oomKills = 0;
  };

  const closeReader = (entry: Tracked): void => {
    entry.reader?.close();
    entry.reader = undefined;
  };

  const closeAllReaders = (): void => {
    for (const entry of tracked.values()) closeReader(entry);
  };

  const sample = (
    record: ContainerRecord,
    entry: Tracked,
    interfaces: Map<string, NetworkCounters>,
  ): StatsSample | null => {
    if (!entry.reader) return null;
    let stats: CgroupStats;
    let oomKills: number;
    try {
      stats = entry.reader.stats();
      oomKills = entry.reader.oomKillCount();
    } catch {
      // Its cgroup was removed (reads fail with ENODEV): it ended, or a restart made a
      // new cgroup, which the next tick opens.
      closeReader(entry);
      return null;
    }
    const t = Date.now();
    const percent = entry.lastCpu
      ? cpuPercent(entry.lastCpu.usageUsec, stats.cpu.usageUsec, t - entry.lastCpu.t)
      : 0;
    entry.lastCpu = { usageUsec: stats.cpu.usageUsec, t };
    if (oomKills > entry.oomKills) {
      events.publish({ t, type: 'oom', containerId: record.id, name: record.name });
    }
    entry.oomKills = oomKills;
    const reading: StatsSample = {
      t,
      memory: stats.memory,
      pids: stats.pids,
      cpuPercent: Math.round(percent * 10) / 10,
    };
    // The host end of its veth, which goes with the container: counters of this run only.
    const hostInterface = record.network?.hostInterface;
    const network = hostInterface ? interfaces.get(hostInterface) : undefined;
    if (network) reading.network = network;
    entry.history.push(reading);
    return reading;
  };

  let ticks = 0;
  const tick = async () => {
    if (ticking) return; // a slow tick (a busy disk) skips the next instead of piling up
    ticking = true;
    try {
      // Containers that died unseen are rare; looking for them every 5 s is enough.
      if (ticks++ % 5 === 0) await engine.reconcile();
      const records = engine.list();
      const live = records
        .filter((r) => r.state.status === 'running' || r.state.status === 'paused')
        .map((record) => ({ record, entry: trackedFor(record.id) }));
      await Promise.all(
        live
          .filter(({ entry }) => !entry.reader)
          .map(({ record, entry }) => openReader(record.id, entry)),
      );
      const readings: Array<{ id: string; sample: StatsSample }> = [];
      // One read of /proc/net/dev a tick for every container on the bridge.
      const interfaces = live.some(({ record }) => record.network?.hostInterface)
        ? readContainerCounters()
        : new Map<string, NetworkCounters>();
      for (const { record, entry } of live) {
        const reading = sample(record, entry, interfaces);
        if (reading) readings.push({ id: record.id, sample: reading });
      }
      latestTick = readings;
      // Exited containers keep their history for a reload, until removed; their cgroup
      // files are closed at once, so the agent's fds stay as many as running containers.
      const liveIds = new Set(live.map(({ record }) => record.id));
      const known = new Set(records.map((r) => r.id));
      for (const [id, entry] of tracked) {
        if (!liveIds.has(id)) closeReader(entry);
        if (!known.has(id)) tracked.delete(id);
      }
      emitter.emit('tick', latestTick);
    } catch (error) {
      log.error('stats.tick-failed', { message: (error as Error).message });
    } finally {
      ticking = false;
      if (stopped) closeAllReaders(); // stop() came while this tick was opening some
    }
  };

  return {
    start() {
      timer = setInterval(tick, 1000);
      void tick();
    },
    stop() {
      if (timer) clearInterval(timer);
      stopped = true;
      if (!ticking) closeAllReaders();
    },
    history(id: string): StatsSample[] {
      return tracked.get(id)?.history.toArray() ?? [];
    },
    latest(id: string): StatsSample | null {
      return tracked.get(id)?.history.latest() ?? null;
    },
    async *watchAll(signal: AbortSignal | undefined) {
      for await (const [tickReadings] of on(emitter, 'tick', { signal })) {
        yield tickReadings as Array<{ id: string; sample: StatsSample }>;
      }
    },
    async *watch(id: string, signal: AbortSignal | undefined) {
      for await (const [tickReadings] of on(emitter, 'tick', { signal })) {
        const mine = (tickReadings as Array<{ id: string; sample: StatsSample }>).find(
          (r) => r.id === id,
        );
        if (mine) yield mine.sample;
      }
    },
  };
}
export type StatsSampler = ReturnType<typeof createStatsSampler>;
