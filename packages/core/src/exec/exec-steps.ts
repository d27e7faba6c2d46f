import type { StepNotes } from '../trace/trace-step.js';

// The engine's steps of an exec; the shim's are in enter-container.ts and beside the
// code they share with a container's init.

export const shimStep: StepNotes = {
  id: 'shim',
  group: 'process',
  title: 'An exec shim',
  why: "A Node process of the engine's that will enter the container and start the program: the engine itself cannot, as a multithreaded process may not join a mount namespace.",
  byHand: '(a shell forks for each command; Cove keeps a Node process ready instead)',
  doing: '',
};

export const pooledShimStep: StepNotes = {
  ...shimStep,
  title: 'An exec shim (started in advance)',
  why: `${shimStep.why} This one was started before the request, so Node's start-up is not on the exec's path.`,
};

export const shimCgroupStep: StepNotes = {
  id: 'cgroup-join',
  group: 'cgroup',
  title: "The shim joins the container's cgroup",
  why: 'Before it starts the program, so the process is born inside the limits and counted with the container.',
  byHand: 'echo PID > /sys/fs/cgroup/cove/ID/cgroup.procs',
  doing: 'adding the exec to the container cgroup',
};
