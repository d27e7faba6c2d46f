import { spawn } from 'node:child_process';
import { readSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { exitCodeOf } from '../errors.js';
import { commandStep, workdirStep } from '../init/init-steps.js';
import {
  CLOSE_RANGE_CLOEXEC,
  O_CLOEXEC,
  O_RDWR,
  PR_SET_DUMPABLE,
  PR_SET_PDEATHSIG,
  SIGKILL,
} from '../libc/constants.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import type { Libc } from '../libc/libc.js';
import { resolveCommand } from '../process/command.js';
import { dropPrivileges } from '../process/drop-privileges.js';
import { buildEnvironment } from '../process/environment.js';
import { setOwnOomScore } from '../process/oom-score.js';
import { resolveUser } from '../process/user.js';
import { enterWorkingDirectory } from '../process/working-directory.js';
import { TraceRecorder } from '../trace/trace-recorder.js';
import { step } from '../trace/trace-step.js';
import { traceLibc } from '../trace/traced-libc.js';
import {
  enterContainer,
  enterStep,
  execFdsStep,
  execTerminalStep,
  spawnStep,
} from './enter-container.js';
import { EXEC_REPORT_FD, EXEC_SPEC_FD, type ExecReport, type ExecSpec } from './exec-spec.js';

// An exec shim: started in advance by the engine, already in the container's cgroup
// when its spec arrives. It enters the container's namespaces, drops to the container's
// user and capabilities, and starts the process, which inherits all of that; then it
// stays as that process's parent to report its exit. The shim itself stays in the
// host's PID namespace, out of the container's sight, and the engine moves it out of the
// container's cgroup once the process has started there.
//
// Until then it is guarded like a container's init (security/guard-until-exec.ts): not
// dumpable, so the container's root can neither ptrace it nor open its /proc/<pid>/exe
// (the host's node) or fds, nor those of its child, which inherits the flag until its
// execve (CVE-2016-9962, CVE-2019-5736); and killed if the engine dies half-way.

const osSignals = constants.signals as Record<string, number>;

function readSpec(): ExecSpec {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    const read = readSync(EXEC_SPEC_FD, buffer);
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) process.exit(0); // the engine closed the pool: nothing to run
  return JSON.parse(text) as ExecSpec;
}

function report(message: ExecReport): void {
  writeSync(EXEC_REPORT_FD, `${JSON.stringify(message)}\n`);
}

function startProcess(libc: Libc, spec: ExecSpec) {
  // open(2) without O_NOCTTY: the shim leads its own session (spawned detached), so the
  // terminal becomes its controlling terminal and its child's, for Ctrl-C and job control.
  const terminal = spec.terminal
    ? step(libc, { ...execTerminalStep, doing: `opening the terminal ${spec.terminal}` }, () =>
        libc.open(spec.terminal ?? '', O_RDWR | O_CLOEXEC),
      )
    : undefined;
  setOwnOomScore(spec.confinement.oomScoreAdj);
  step(libc, enterStep, () => enterContainer(libc, spec.containerPid, spec.containerPidStartTime));

  const user = resolveUser(spec.user, spec.imageName);
  const env = buildEnvironment({
    hostname: spec.hostname,
    home: user.home,
    image: spec.imageEnv,
    user: spec.userEnv,
  });
  step(libc, workdirStep, () => enterWorkingDirectory(libc, spec.workdir));
  const [program = ''] = spec.args;
  const path = step(libc, commandStep, () => resolveCommand(program, env, spec.imageName));
  // Nothing of the shim's but stdio may reach the process.
  step(libc, execFdsStep, () => libc.closeRange(3, 0xffffffff, CLOSE_RANGE_CLOEXEC));
  dropPrivileges(libc, user, spec.confinement);

  const start = () =>
    spawn(path, spec.args.slice(1), {
      argv0: program,
      env: Object.fromEntries(env.map((entry) => entry.split(/=(.*)/s, 2))),
      stdio: terminal === undefined ? 'inherit' : [terminal, terminal, terminal],
    });
  if (!recorder) return start();
  // Not a call of the libc layer: Node's spawn (libuv's fork and execve), recorded as one.
  recorder.begin(spawnStep);
  let child: ReturnType<typeof start> | undefined;
  recorder.call('spawn', [path, spec.args], () => {
    child = start();
    return child.pid; // the result shown: the process's PID on the host
  });
  recorder.end(spawnStep);
  return child as ReturnType<typeof start>;
}

/** A traced exec's record of this shim, sent with its report of the start. */
let recorder: TraceRecorder | undefined;
const traceOf = () => (recorder ? { trace: recorder.frame() } : {});

try {
  koffiLibc.prctl(PR_SET_DUMPABLE, 0);
  koffiLibc.prctl(PR_SET_PDEATHSIG, SIGKILL);
  report({ type: 'ready' });
  // An engine that died before the signal was armed sent none: its end of the spec pipe
  // closed, and readSpec() reads that as "nothing to run".
  const spec = readSpec();
  if (spec.trace) recorder = new TraceRecorder('exec');
  const libc = recorder ? traceLibc(koffiLibc, recorder) : koffiLibc;
  // The terminal's signals reach the shim too when the process shares its group: they
  // are for the process, not for the shim.
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) {
    process.on(signal, () => {});
  }
  const child = startProcess(libc, spec);
  // A spawn that failed (no pid) says why in its 'error' event, on the next tick.
  child.once('error', (error: NodeJS.ErrnoException) => {
    const message =
      error.code === 'EAGAIN'
        ? `cannot start ${spec.args[0]} in the container: fork(2) failed with EAGAIN (the container is at its pids limit)`
        : `cannot start ${spec.args[0]} in the container: ${error.message}`;
    report({ type: 'failed', message, exitCode: 126, ...traceOf() });
    process.exit(0);
  });
  if (child.pid !== undefined) {
    process.on('SIGHUP', () => child.kill('SIGHUP'));
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    // Started: like a detached container, the process may now outlive the engine.
    koffiLibc.prctl(PR_SET_PDEATHSIG, 0);
    report({ type: 'started', pid: child.pid, ...traceOf() });
    child.once('exit', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? (osSignals[signal] ?? 0) : 0);
      report({ type: 'exited', exitCode });
      process.exit(0);
    });
  }
} catch (error) {
  const message = (error as Error).message;
  report({ type: 'failed', message, exitCode: exitCodeOf(error), ...traceOf() });
  process.exit(0);
}
