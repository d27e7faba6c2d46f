import type { StepNotes } from '../trace/trace-step.js';

// The engine's own steps of a start, in the order start-container.ts takes them. The
// init's follow in ../init/init-steps.ts.

export const cgroupCreateStep: StepNotes = {
  id: 'cgroup',
  group: 'cgroup',
  title: 'A cgroup of its own',
  why: "Namespaces hide, cgroups limit: the container's processes are counted and capped together, and the engine can find and kill every one of them.",
  byHand: 'mkdir /sys/fs/cgroup/cove/ID',
  doing: 'creating the cgroup',
};

export const cgroupLimitsStep: StepNotes = {
  id: 'limits',
  group: 'cgroup',
  title: 'Memory, CPU and PID limits',
  why: 'Written before any process joins, so not one byte or fork of the program escapes them.',
  byHand:
    'echo 512M > /sys/fs/cgroup/cove/ID/memory.max && echo 100 > /sys/fs/cgroup/cove/ID/pids.max',
  doing: 'applying limits',
};

export const deviceRulesStep: StepNotes = {
  id: 'device-rules',
  group: 'cgroup',
  title: 'The device controller',
  why: 'Root in a container may mknod any device; the controller makes open() of any node but null, zero, random, the terminal and the --device ones fail with EPERM.',
  byHand: "echo a > devices.deny && echo 'c 1:3 rwm' > devices.allow   # cgroup v1",
  doing: 'restricting devices',
};

export const hostNetworkStep: StepNotes = {
  id: 'host-network',
  group: 'network',
  title: "The host's side of the network",
  why: "The bridge, Cove's nft table and the container's address lease; published ports become DNAT rules.",
  byHand: 'ip link add cove0 type bridge && nft -f cove.nft',
  doing: 'setting up the network',
};

export const outputPipesStep: StepNotes = {
  id: 'output-pipes',
  group: 'process',
  title: 'Pipes for the output',
  why: "Named pipes in the container's directory, read by the engine's logger: the program's output outlives the agent's restarts, and large enough (1 MiB) that a chatty program rarely waits.",
  byHand: 'mkfifo stdout.fifo stderr.fifo',
  doing: '',
};

export const initSpawnStep: StepNotes = {
  id: 'init-process',
  group: 'namespaces',
  title: 'PID 1 of a new PID namespace',
  why: "unshare(CLONE_NEWPID) moves only the caller's next child (PID 1 needs a fork): the engine unshares, spawns the init, and setns's straight back to its own PID namespace.",
  byHand: 'unshare --pid --fork',
  doing: '',
};

export const pooledInitStep: StepNotes = {
  ...initSpawnStep,
  title: 'PID 1 of a new PID namespace (made in advance)',
  why: `${initSpawnStep.why} This init was spawned before the request, with its PID namespace, so Node's start-up is not on the start's path.`,
};

export const cgroupJoinStep: StepNotes = {
  id: 'cgroup-join',
  group: 'cgroup',
  title: 'The init joins the cgroup',
  why: 'The init waits for its spec, so it joins before it runs anything: what it forks is counted from the first process.',
  byHand: 'echo PID > /sys/fs/cgroup/cove/ID/cgroup.procs',
  doing: 'adding the container to its cgroup',
};

export const vethStep: StepNotes = {
  id: 'veth',
  group: 'network',
  title: 'A veth pair into the namespace',
  why: "Seed 004: a pair of virtual interfaces, one end on the host's bridge and the other moved into the container's network namespace, made while the init builds its root filesystem.",
  byHand:
    'ip link add vethX type veth peer name eth0 netns PID && ip link set vethX master cove0 up',
  doing: '',
};

export const ptyStep: StepNotes = {
  id: 'pty',
  group: 'process',
  title: "A PTY from the container's devpts",
  why: "The engine opens the PTY master through the container's own /dev/pts/ptmx, so the terminal belongs to the container's devpts, not the host's.",
  byHand: 'nsenter --mount --target PID -- stty -a </dev/ptmx',
  doing: '',
};
