import type { OciRuntime } from './runtimes/oci-runtime.js';
import type { Podman } from './runtimes/podman.js';

/** Repetitions per mode: `--quick` for development, the full run for the published table. */
export interface Repetitions {
  warmup: number;
  rounds: number;
  /**
   * Idle time after every timed run, the same for every tool: the engine refills its
   * warm pools meanwhile (a Node start-up, ~90 ms of CPU; longer on a busy machine).
   */
  pauseMs: number;
  keystrokes: number;
  terminalMiB: number;
  statsContainers: number;
  statsSubscribers: number;
  statsWindowS: number;
  densityContainers: number;
  hyperfine: boolean;
}

export const fullRepetitions: Repetitions = {
  warmup: 3,
  rounds: 25,
  pauseMs: 400,
  keystrokes: 300,
  terminalMiB: 256,
  statsContainers: 100,
  statsSubscribers: 10,
  statsWindowS: 20,
  densityContainers: 500,
  hyperfine: true,
};

export const quickRepetitions: Repetitions = {
  warmup: 2,
  rounds: 8,
  pauseMs: 400,
  keystrokes: 60,
  terminalMiB: 32,
  statsContainers: 100,
  statsSubscribers: 10,
  statsWindowS: 8,
  densityContainers: 50,
  hyperfine: false,
};

/** Bundles of the shared rootfs, one per runtime and command (each names its own cgroup). */
export interface Bundles {
  trueCrun: string;
  trueRunc: string;
  sleepCrun: string;
  sleepRunc: string;
}

export interface BenchContext {
  reps: Repetitions;
  /** The bench's temporary directory: stores, bundles, data; removed at the end. */
  dir: string;
  rootfs: string;
  bundles: Bundles;
  crun: OciRuntime;
  runc: OciRuntime;
  podman: Podman;
  log(message: string): void;
}
