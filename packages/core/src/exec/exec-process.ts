import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { ContainerRecord, StartTrace } from '@cove/shared';
import type { EngineContext } from '../container/engine-context.js';
import { refreshState } from '../container/refresh-state.js';
import { ptyStep } from '../container/start-steps.js';
import { CoveError } from '../errors.js';
import { getImage } from '../image/image-store.js';
import { containerConfinement } from '../security/confinement.js';
import { openContainerPty } from '../terminal/container-pty.js';
import type { TerminalSize } from '../terminal/pty.js';
import { StartTracer } from '../trace/start-tracer.js';
import { monotonicMs } from '../trace/trace-recorder.js';
import { step, stepAsync } from '../trace/trace-step.js';
import { traceLibc } from '../trace/traced-libc.js';
import { spawnExecShim } from './exec-shim-pool.js';
import type { ExecReport, ExecSpec } from './exec-spec.js';
import { pooledShimStep, shimCgroupStep, shimStep } from './exec-steps.js';

export interface ExecOptions {
  args: string[];
  /** KEY=VALUE entries added to the container's environment. */
  env?: string[];
  user?: string;
  workdir?: string;
  /** Run on a new PTY of this size; otherwise on pipes. */
  terminal?: TerminalSize;
  /** Record the exec's steps and calls: the process gets its `trace`. */
  trace?: boolean;
}

export interface ExecProcess {
  /** Host PID of the process. */
  pid: number;
  /** The PTY master for a terminal exec; the caller owns it and closes it. */
  terminal?: number;
  /** Pipes for an exec without a terminal. */
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  /** Resolves with the exit code (128+N for a signal). */
  exited: Promise<number>;
  /** How the process was started, step by step, when the exec asked for it. */
  trace?: StartTrace;
}

/**
 * Runs a process in a running container: its namespaces, cgroup, environment, user and
 * capabilities, as `docker exec` does. The work happens in an exec shim (see
 * exec-shim-main.ts); here the shim joins the cgroup, gets its spec, and reports.
 */
export async function execInContainer(
  context: EngineContext,
  found: ContainerRecord,
  options: ExecOptions,
): Promise<ExecProcess> {
  if (!options.trace) return execTraced(context, found, options);
  // An exec that fails says why in its error; its trace is for one that started.
  const tracer = new StartTracer('exec');
  const process = await execTraced(context, found, options, tracer);
  return { ...process, trace: tracer.finish() };
}

async function execTraced(
  context: EngineContext,
  found: ContainerRecord,
  options: ExecOptions,
  tracer?: StartTracer,
): Promise<ExecProcess> {
  const { layout, cgroupFor, execPool, shimCgroup } = context;
  const libc = tracer ? traceLibc(context.libc, tracer.engine) : context.libc;
  const record = refreshState(layout, found);
  if (record.state.status !== 'running' || !record.state.pid) {
    throw new CoveError(
      record.state.status === 'paused'
        ? `container ${record.name} is paused: unpause it before exec`
        : `container ${record.name} is not running (it is ${record.state.status})`,
    );
  }
  if (!options.args.length) throw new CoveError('exec needs a command, e.g. sh');
  const containerPid = record.state.pid;
  tracer?.begin({
    id: record.id,
    name: record.name,
    image: record.spec.image,
    command: options.args,
  });
  const image = await getImage(layout, record.spec.image);
  const { terminal } = options;
  const pty = terminal
    ? step(libc, ptyStep, () => openContainerPty(libc, containerPid, terminal))
    : undefined;
  const shim = execPool?.take() ?? spawnExecShim();
  try {
    const reports = readReports(shim);
    // Node must have made its threads before the shim joins the cgroup: under a small
    // pids.max a thread made later would be refused, and Node aborts.
    const ready = await stepAsync(libc, execPool ? pooledShimStep : shimStep, () => reports.next());
    if (ready.type !== 'ready') throw new CoveError('exec shim ended before it was ready');
    await stepAsync(libc, shimCgroupStep, () => cgroupFor(record.id).addProcess(shim.pid ?? 0));
    const spec: ExecSpec = {
      containerPid: record.state.pid,
      containerPidStartTime: record.state.pidStartTime,
      imageName: record.spec.image,
      hostname: record.hostname,
      args: options.args,
      imageEnv: image.config.env,
      userEnv: [...record.spec.env, ...(options.env ?? [])],
      workdir: options.workdir ?? record.spec.workdir ?? (image.config.workingDir || '/'),
      user: options.user ?? record.spec.user ?? (image.config.user || undefined),
      confinement: containerConfinement(record.spec),
      terminal: pty ? `/proc/${process.pid}/fd/${pty.slave}` : undefined,
      ...(tracer ? { trace: true } : {}),
    };
    (shim.stdio[3] as Writable).end(JSON.stringify(spec));
    const first = await reports.next();
    if (tracer && (first.type === 'started' || first.type === 'failed')) {
      tracer.init.frame = first.trace;
      tracer.init.closedAt = monotonicMs();
    }
    if (first.type === 'failed') throw new CoveError(first.message, first.exitCode);
    if (first.type !== 'started')
      throw new CoveError('exec shim ended before starting the process');
    // The process was born in the container's cgroup; its shim need not stay there.
    // Not awaited: the caller gets the process at once.
    const movedOut = shimCgroup.enter(shim.pid ?? 0);
    // Leave once the shim is gone from the leaf: after its reap, not after its last report.
    const shimGone =
      shim.exitCode !== null || shim.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => shim.once('exit', resolve));
    void shimGone.then(async () => (await movedOut) && shimCgroup.leave());
    const exited = reports.next().then((last) => (last.type === 'exited' ? last.exitCode : 137));
    // A replacement shim once a short exec has ended, or soon in any case (a shell).
    if (execPool) {
      const soon = new Promise((resolve) => setTimeout(resolve, refillAfterMs).unref());
      void Promise.race([exited, soon]).finally(() => execPool.refill());
    }
    return {
      pid: first.pid,
      terminal: pty?.master,
      stdin: pty ? null : shim.stdin,
      stdout: pty ? null : kept(shim.stdout),
      stderr: pty ? null : kept(shim.stderr),
      exited,
    };
  } catch (error) {
    execPool?.refill();
    shim.kill('SIGKILL');
    if (pty) libc.close(pty.master);
    throw error;
  } finally {
    // The shim has its own fd of the terminal by now, or never will.
    if (pty) libc.close(pty.slave);
  }
}

/** An exec that is still running then is a long one: its replacement need not wait. */
const refillAfterMs = 250;

/** The shim's report lines, in order; a shim that dies unannounced reads as `exited` 137. */
function readReports(shim: ChildProcess) {
  const lines = createInterface({ input: shim.stdio[4] as Readable })[Symbol.asyncIterator]();
  return {
    async next(): Promise<ExecReport> {
      const line = await lines.next();
      if (line.done) return { type: 'exited', exitCode: 137 };
      return JSON.parse(line.value) as ExecReport;
    },
  };
}

/**
 * The output of a short process, kept for a caller that reads it a little later: Node
 * discards what a child's stdio stream holds when the child exits and nobody listens yet.
 * The pipe listens, and passes backpressure on to the shim.
 */
function kept(stream: Readable | null): Readable | null {
  return stream ? stream.pipe(new PassThrough()) : null;
}
