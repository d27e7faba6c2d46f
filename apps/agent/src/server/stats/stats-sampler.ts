import { EventEmitter, on } from 'node:events';
import { type CgroupStats, cpuPercent, type Engine } from '@cove/core';
import type { ContainerRecord, StatsSample } from '@cove/shared';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import { RingBuffer } from './ring-buffer.js';

/** 15 minutes at one sample a second, as the graphs promise after a reload. */
const historyLength = 15 * 60;

interface Tracked {
  history: RingBuffer<StatsSample>;
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

  const sample = async (record: ContainerRecord): Promise<StatsSample | null> => {
    let entry = tracked.get(record.id);
    if (!entry) {
      entry = { history: new RingBuffer(historyLength), oomKills: 0 };
      tracked.set(record.id, entry);
    }
    let stats: CgroupStats;
    let oomKills: number;
    try {
      [stats, oomKills] = await Promise.all([
        engine.cgroupStats(record.id),
        engine.cgroupOomKills(record.id),
      ]);
    } catch {
      return null; // it ended between the listing and the read
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
      const live = records.filter(
        (r) => r.state.status === 'running' || r.state.status === 'paused',
      );
      const readings = await Promise.all(
        live.map(async (r) => ({ id: r.id, sample: await sample(r) })),
      );
      latestTick = readings.filter(
        (r): r is { id: string; sample: StatsSample } => r.sample !== null,
      );
      // Exited containers keep their history for a reload, until removed.
      const known = new Set(records.map((r) => r.id));
      for (const id of tracked.keys()) if (!known.has(id)) tracked.delete(id);
      emitter.emit('tick', latestTick);
    } catch (error) {
      log.error('stats.tick-failed', { message: (error as Error).message });
    } finally {
      ticking = false;
    }
  };

  return {
    start() {
      timer = setInterval(tick, 1000);
      void tick();
    },
    stop() {
      if (timer) clearInterval(timer);
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
