import type { StepNotes } from '../trace/trace-step.js';

// The init's own steps, in the order container-init.ts takes them; the root filesystem's
// are next to their code in ../rootfs, the privileges' in ../process/drop-privileges.ts.

export const guardStep: StepNotes = {
  id: 'guard',
  group: 'process',
  title: 'Guarded until execve',
  why: "Until it becomes the user's program this process is the host's Node with root's powers: not dumpable, so the container cannot ptrace it or open its /proc/PID/exe (CVE-2019-5736), and killed if the engine dies half-way.",
  byHand: '(no shell command: prctl(PR_SET_DUMPABLE, 0) and prctl(PR_SET_PDEATHSIG, SIGKILL))',
  doing: 'guarding the init until exec',
};

export const joinNetworkStep: StepNotes = {
  id: 'join-network',
  group: 'namespaces',
  title: "Another container's network",
  why: "--network container:NAME shares that container's network namespace, as the containers of a pod do: setns(2) joins it before the other namespaces are made.",
  byHand: 'nsenter --net=/proc/PID/ns/net',
  doing: '',
};

export const namespacesStep: StepNotes = {
  id: 'namespaces',
  group: 'namespaces',
  title: 'New namespaces',
  why: "Each namespace gives the container its own view: mounts, hostname, IPC, network and cgroup root. The PID namespace is already there: unshare(CLONE_NEWPID) moves only the caller's children, so the engine made it before spawning this process (PID 1 needs a fork).",
  byHand: 'unshare --mount --uts --ipc --net --cgroup',
  doing: 'creating the namespaces',
};

export const interfaceStep: StepNotes = {
  id: 'interface',
  group: 'network',
  title: 'eth0 configured',
  why: "The engine has moved the veth's end into this namespace: it gets its address, comes up, and routes everything through the bridge's address.",
  byHand:
    'ip addr add 10.88.0.2/16 dev eth0 && ip link set eth0 up && ip route add default via 10.88.0.1',
  doing: 'configuring eth0',
};

export const hostnameStep: StepNotes = {
  id: 'hostname',
  group: 'namespaces',
  title: 'The hostname',
  why: "The UTS namespace is the container's own, so its hostname changes nothing on the host.",
  byHand: 'hostname NAME',
  doing: 'setting the hostname',
};

export const loopbackStep: StepNotes = {
  id: 'loopback',
  group: 'network',
  title: 'Loopback up',
  why: 'A new network namespace has only lo, and it is down: programs that talk to 127.0.0.1 need it up.',
  byHand: 'ip link set lo up',
  doing: 'bringing up the loopback interface',
};

export const workdirStep: StepNotes = {
  id: 'workdir',
  group: 'process',
  title: 'The working directory',
  why: "The image's WORKDIR (made if missing), checked to be inside the root: a directory reached through a leaked fd would be the host's (CVE-2024-21626).",
  byHand: 'cd /workdir',
  doing: '',
};

export const commandStep: StepNotes = {
  id: 'command',
  group: 'process',
  title: 'The command looked up',
  why: "The program is looked up in the container's PATH, inside its root, as a shell would.",
  byHand: 'command -v PROGRAM',
  doing: '',
};

export const handOverStep: StepNotes = {
  id: 'hand-over',
  group: 'process',
  title: 'Handed over to the program',
  why: 'Only fds 0-2 may reach the program (every other fd of the engine closes on execve), the signals Node ignores get their defaults back, and the program may outlive the engine.',
  byHand: '(no shell command: close_range(3, ~0U, CLOSE_RANGE_CLOEXEC), signal(SIGPIPE, SIG_DFL))',
  doing: '',
};

export const execveStep: StepNotes = {
  id: 'execve',
  group: 'program',
  title: "execve: the user's program is PID 1",
  why: "The init replaces itself with the program, so the program is PID 1 and gets the container's signals; the error pipe closes on exec and tells the engine it worked.",
  byHand: 'exec PROGRAM ARGS',
  doing: '',
};
