import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWUTS,
  CLOSE_RANGE_CLOEXEC,
  F_SETFD,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import { bringUpLoopback } from '../network/bring-up-interface.js';
import { configureContainerInterface } from '../network/configure-container-interface.js';
import { writeHostsEntry, writeResolvConf } from '../network/hosts-entry.js';
import { joinNetworkNamespace } from '../network/join-network-namespace.js';
import { explainExecFailure, resolveCommand } from '../process/command.js';
import { dropPrivileges } from '../process/drop-privileges.js';
import { buildEnvironment } from '../process/environment.js';
import { setOwnOomScore } from '../process/oom-score.js';
import { resolveUser } from '../process/user.js';
import { enterWorkingDirectory } from '../process/working-directory.js';
import { makeRootReadonly, setupRootfs } from '../rootfs/setup-rootfs.js';
import { guardUntilExec, letOutliveEngine } from '../security/guard-until-exec.js';
import { step } from '../trace/trace-step.js';
import { recorderOf } from '../trace/traced-libc.js';
import { attachTerminal, terminalStep } from './attach-stdio.js';
import { ERROR_FD, type InitSpec } from './init-spec.js';
import {
  commandStep,
  execveStep,
  guardStep,
  handOverStep,
  hostnameStep,
  interfaceStep,
  joinNetworkStep,
  loopbackStep,
  namespacesStep,
  workdirStep,
} from './init-steps.js';

/** The init's side of its talk with the engine (see the marks in init-spec.ts). */
export interface EngineChannel {
  /**
   * Asks the engine to attach the veth to this network namespace, and returns at once:
   * the engine makes it while this process builds the root filesystem.
   */
  requestNetwork(): void;
  /** Returns once the engine has attached the veth asked for. */
  networkAttached(): void;
  /** Asks the engine for a PTY of the container's devpts; returns its number. */
  terminalNumber(): number;
  /** The last step that reports its own failure is done. */
  markExecuting(): void;
}

const silentEngine: EngineChannel = {
  requestNetwork: () => {},
  networkAttached: () => {
    throw new Error('no engine to attach the network');
  },
  terminalNumber: () => {
    throw new Error('no engine to open a terminal');
  },
  markExecuting: () => {},
};

/**
 * The container's first process, from "PID 1 of a new PID namespace" to the user's
 * program. The engine's parent made the PID namespace before spawning this process
 * (the seeds' "PID 1 needs a fork": the unsharing process itself stays outside);
 * everything else happens here, in order, and ends in execve so the user's program
 * *is* PID 1. Runs on Node's main thread only: namespaces and credentials are per thread.
 */
export function containerInit(libc: Libc, spec: InitSpec, engine = silentEngine): never {
  // The engine reads the error pipe until execve: its closing means the engine is gone.
  step(libc, guardStep, () => guardUntilExec(libc, ERROR_FD));
  setOwnOomScore(spec.confinement.oomScoreAdj);
  const { network } = spec;
  if (network.kind === 'join') {
    step(libc, joinNetworkStep, () => joinNetworkNamespace(libc, network.pid, network.startTime));
  }
  const ownNetwork = network.kind === 'none' || network.kind === 'bridge';
  const doing = `creating the mount, UTS, IPC${ownNetwork ? ', network' : ''} and cgroup namespaces`;
  step(libc, { ...namespacesStep, doing }, () =>
    libc.unshare(
      CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | (ownNetwork ? CLONE_NEWNET : 0),
    ),
  );
  // Seed 004: the engine makes the veth pair with this end in the new namespace, then
  // this end gets its address and the default route. The engine makes it while the
  // root filesystem is built: the two take turns on no lock, so neither waits for the
  // other (a start on the bridge costs the veth, not the veth plus a round trip).
  if (network.kind === 'bridge') engine.requestNetwork();

  // umask 0 while /dev is built, so the device nodes get exactly the modes asked for.
  const umask = libc.umask(0);
  setupRootfs(libc, spec.rootfs);
  libc.umask(umask);
  // Before the terminal is asked for: the engine answers the two in this order.
  if (network.kind === 'bridge') {
    engine.networkAttached();
    for (const wanted of network.interfaces) {
      step(libc, { ...interfaceStep, doing: `configuring ${wanted.name}` }, () =>
        configureContainerInterface(libc, wanted),
      );
    }
  }
  // The container's devpts is mounted now: its terminal can be one of its own.
  if (spec.stdio.kind === 'terminal') {
    const number = engine.terminalNumber();
    step(libc, terminalStep, () => attachTerminal(libc, number));
  }

  step(libc, { ...hostnameStep, doing: `setting the hostname to ${spec.hostname}` }, () =>
    libc.sethostname(spec.hostname),
  );
  if (ownNetwork) step(libc, loopbackStep, () => bringUpLoopback(libc));
  if (network.kind === 'bridge') {
    const [first] = network.interfaces;
    if (first) writeHostsEntry(spec.hostname, first.address);
    if (network.resolver) writeResolvConf(network.resolver);
  }

  // From here on every path is the container's: the host's tree is gone.
  const user = resolveUser(spec.user, spec.imageName);
  const env = buildEnvironment({
    hostname: spec.hostname,
    home: user.home,
    image: spec.imageEnv,
    user: spec.userEnv,
  });
  step(libc, workdirStep, () => enterWorkingDirectory(libc, spec.workdir));
  // After the working directory, which may have to be made.
  if (spec.rootfs.readOnly) makeRootReadonly(libc);
  const [program = ''] = spec.args;
  const path = step(libc, commandStep, () => resolveCommand(program, env, spec.imageName));

  step(libc, handOverStep, () => {
    handOverFileDescriptors(libc);
    resetSignals(libc);
    letOutliveEngine(libc);
  });
  // Before the seccomp filter, which may refuse write(2): what fails from here on still
  // reports its failure after this mark.
  engine.markExecuting();
  const recorder = recorderOf(libc);
  if (recorder) recorder.exec = { path, args: spec.args };
  dropPrivileges(libc, user, spec.confinement);
  return step(libc, execveStep, () => {
    try {
      return libc.execve(path, spec.args, env);
    } catch (error) {
      throw explainExecFailure(
        path,
        error instanceof SyscallError ? error.code : 'EIO',
        spec.imageName,
      );
    }
  });
}

/**
 * Node marks fds 0-2 close-on-exec; the user's program must get them. Every other fd
 * (Node's own, the spec and error pipes) must not reach the container: close-on-exec
 * on all of them, so the error pipe also closes exactly when execve succeeds.
 */
function handOverFileDescriptors(libc: Libc): void {
  for (const fd of [0, 1, 2]) libc.fcntl(fd, F_SETFD, 0);
  libc.closeRange(3, 0xffffffff, CLOSE_RANGE_CLOEXEC);
}

/** Node ignores SIGPIPE, and an ignored signal stays ignored across execve(2). */
function resetSignals(libc: Libc): void {
  for (let signal = 1; signal <= 31; signal++) {
    if (signal !== 9 && signal !== 19) libc.signalDefault(signal);
  }
  libc.unblockAllSignals();
}
