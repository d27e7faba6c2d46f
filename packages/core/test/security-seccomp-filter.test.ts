import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CAPABILITIES } from '@cove/shared';
import { compileSeccompProfile, confinementFor } from '../src/security/confinement.js';
import { defaultSeccompProfile } from '../src/security/seccomp/default-profile.js';
import { parseSeccompProfile } from '../src/security/seccomp/seccomp-profile.js';
import { x86_64Syscalls } from '../src/security/seccomp/syscalls-x86-64.js';
import {
  AUDIT_ARCH_I386,
  runFilter,
  type SeccompData,
} from './support/security-bpf-interpreter.js';

// The compiled filter, run in a BPF interpreter: what it decides for calls an attacker
// would make. No root needed; security-seccomp.test.ts installs it for real.

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;
const KILL_PROCESS = 0x80000000;

const nr = (name: string) => {
  const number = x86_64Syscalls[name];
  if (number === undefined) throw new Error(`no syscall ${name}`);
  return number;
};
const programOf = (filter: { program: string } | null) => {
  if (!filter) throw new Error('no filter');
  return Buffer.from(filter.program, 'base64');
};
const defaultFilter = programOf(confinementFor('default', DEFAULT_CAPABILITIES, '6.18.0').seccomp);
const decide = (name: string, args: Array<number | bigint> = [], program = defaultFilter) =>
  runFilter(program, { nr: nr(name), args: args.map(BigInt) });

const CLONE_NEWUSER = 0x10000000;
const SIGCHLD = 17;

describe('the default seccomp filter', () => {
  test('the calls Node makes between the filter and execve, and execve itself, are allowed', () => {
    for (const name of ['execve', 'fcntl', 'close_range', 'rt_sigaction', 'rt_sigprocmask']) {
      assert.equal(decide(name), ALLOW, name);
    }
    for (const name of ['read', 'write', 'openat', 'mmap', 'futex', 'exit_group', 'wait4']) {
      assert.equal(decide(name), ALLOW, name);
    }
  });

  test('new namespaces are refused: unshare, setns, clone with a namespace flag', () => {
    assert.equal(decide('unshare', [CLONE_NEWUSER]), EPERM);
    assert.equal(decide('setns', [3, 0]), EPERM);
    for (const flag of [0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000]) {
      assert.equal(decide('clone', [flag | SIGCHLD]), EPERM, `clone 0x${flag.toString(16)}`);
    }
    assert.equal(decide('clone', [0x40000000 | SIGCHLD]), EPERM, 'CLONE_NEWNET');
    assert.equal(decide('clone', [SIGCHLD]), ALLOW, 'a plain fork');
    assert.equal(decide('clone', [0x3d0f00]), ALLOW, "glibc's pthread_create flags");
  });

  test('clone3, whose flags the filter cannot read, answers ENOSYS so libc falls back to clone', () => {
    assert.equal(decide('clone3', [0, 88]), ENOSYS);
  });

  test('mount, keyrings, bpf, userfaultfd, io_uring and kexec are refused', () => {
    for (const name of [
      ...['mount', 'umount2', 'pivot_root', 'fsopen', 'fsmount', 'move_mount', 'open_tree'],
      ...['keyctl', 'add_key', 'request_key', 'bpf', 'userfaultfd', 'perf_event_open'],
      ...['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
      ...['kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module'],
      ...['open_by_handle_at', 'reboot', 'swapon', 'syslog', 'acct', 'sethostname'],
    ]) {
      assert.equal(decide(name), EPERM, name);
    }
  });

  test('a 32-bit call (int 0x80) is killed: its numbers would mean other calls to the rules', () => {
    const i386Unshare: SeccompData = {
      nr: 310,
      arch: AUDIT_ARCH_I386,
      args: [BigInt(CLONE_NEWUSER)],
    };
    assert.equal(runFilter(defaultFilter, i386Unshare), KILL_PROCESS);
    assert.equal(runFilter(defaultFilter, { nr: 20, arch: AUDIT_ARCH_I386 }), KILL_PROCESS);
  });

  test('an x32 call, which shares the x86_64 architecture, is refused', () => {
    assert.equal(decide('getpid'), ALLOW);
    assert.equal(runFilter(defaultFilter, { nr: 0x40000000 | nr('getpid') }), EPERM);
    assert.equal(runFilter(defaultFilter, { nr: 0x40000000 | 520 }), EPERM, 'x32 execve');
  });

  test('sockets reaching the hypervisor (AF_VSOCK) or kernel crypto (AF_ALG) are refused', () => {
    assert.equal(decide('socket', [40, 1, 0]), EPERM, 'AF_VSOCK');
    assert.equal(decide('socket', [38, 5, 0]), EPERM, 'AF_ALG');
    for (const family of [1, 2, 10, 16, 17]) {
      assert.equal(decide('socket', [family, 1, 0]), ALLOW, `family ${family}`);
    }
  });

  test('an int argument with garbage in its high half does not slip past a comparison', () => {
    // The kernel reads only the low 32 bits of socket()'s family: 40 is AF_VSOCK to it.
    assert.equal(decide('socket', [(1n << 32n) | 40n, 1, 0]), EPERM);
    assert.equal(decide('socket', [(1n << 32n) | 2n, 1, 0]), EPERM);
    assert.equal(decide('personality', [(1n << 32n) | 0n]), EPERM);
  });

  test('personality changes that weaken the process (ADDR_NO_RANDOMIZE) are refused', () => {
    assert.equal(decide('personality', [0x0040000]), EPERM);
    assert.equal(decide('personality', [0xffffffff]), ALLOW, 'a query');
    assert.equal(decide('personality', [0x8]), ALLOW, 'PER_LINUX32');
  });

  test('a call newer than the syscall table answers ENOSYS, not a misleading EPERM', () => {
    assert.equal(runFilter(defaultFilter, { nr: 600 }), ENOSYS);
    assert.equal(runFilter(defaultFilter, { nr: 0x3fffffff }), ENOSYS);
  });

  test('the capability-conditioned calls follow the capabilities (chroot in, mount out)', () => {
    assert.equal(decide('chroot'), ALLOW, 'CAP_SYS_CHROOT is a default capability');
    const withSysAdmin = programOf(
      compileSeccompProfile(defaultSeccompProfile, {
        capabilities: ['CAP_SYS_ADMIN'],
        kernelRelease: '6.18.0',
      }),
    );
    assert.equal(decide('mount', [], withSysAdmin), ALLOW);
    assert.equal(decide('clone', [CLONE_NEWUSER], withSysAdmin), ALLOW);
    assert.equal(decide('clone3', [], withSysAdmin), ALLOW);
    assert.equal(decide('chroot', [], withSysAdmin), EPERM, 'CAP_SYS_CHROOT is not held');
  });
});

describe("profiles in Docker's format", () => {
  const compile = (profile: unknown, kernelRelease = '6.18.0') =>
    programOf(
      compileSeccompProfile(parseSeccompProfile(profile), {
        capabilities: ['CAP_CHOWN'],
        kernelRelease,
      }),
    );

  test('every comparison of a 64-bit argument agrees with the same comparison in BigInt', () => {
    const edges = [0n, 1n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000001n, 1n << 63n];
    const max = (1n << 64n) - 1n;
    const samples = [...edges, max, 0x7e020000n, 0x17e020000n];
    const reference: Record<string, (arg: bigint, value: bigint, two: bigint) => boolean> = {
      SCMP_CMP_EQ: (a, v) => a === v,
      SCMP_CMP_NE: (a, v) => a !== v,
      SCMP_CMP_LT: (a, v) => a < v,
      SCMP_CMP_LE: (a, v) => a <= v,
      SCMP_CMP_GT: (a, v) => a > v,
      SCMP_CMP_GE: (a, v) => a >= v,
      SCMP_CMP_MASKED_EQ: (a, mask, two) => (a & mask) === two,
    };
    for (const [op, holds] of Object.entries(reference)) {
      for (const value of [0n, 1n, 0xffffffffn, 0x100000000n, 0x1000000ffn]) {
        const two = op === 'SCMP_CMP_MASKED_EQ' ? value & 0xff0000ffn : 0n;
        const program = compile({
          defaultAction: 'SCMP_ACT_ERRNO',
          syscalls: [
            {
              names: ['read'],
              action: 'SCMP_ACT_ALLOW',
              args: [{ index: 2, value: Number(value), valueTwo: Number(two), op }],
            },
          ],
        });
        for (const arg of samples) {
          const decision = runFilter(program, { nr: 0, args: [0n, 0n, arg] });
          assert.equal(
            decision === ALLOW,
            holds(arg, value, two),
            `${op} ${value} (two ${two}) with argument ${arg}`,
          );
        }
      }
    }
  });

  test('errnoRet, KILL_PROCESS, includes and excludes are honoured as Docker reads them', () => {
    const program = compile({
      defaultAction: 'SCMP_ACT_ALLOW',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
      syscalls: [
        { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        { names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' },
        { names: ['chown'], action: 'SCMP_ACT_ERRNO', includes: { caps: ['CAP_CHOWN'] } },
        { names: ['chmod'], action: 'SCMP_ACT_ERRNO', excludes: { caps: ['CAP_CHOWN'] } },
        { names: ['link'], action: 'SCMP_ACT_ERRNO', includes: { arches: ['s390x'] } },
        { names: ['rename'], action: 'SCMP_ACT_ERRNO', includes: { minKernel: '7.2' } },
        { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', includes: { minKernel: '6.10' } },
        { names: ['no_such_call'], action: 'SCMP_ACT_ERRNO' },
      ],
    });
    const decideIn = (name: string) => decide(name, [], program);
    assert.equal(decideIn('mkdirat'), 0x0005000d, 'EACCES');
    assert.equal(decideIn('ptrace'), KILL_PROCESS);
    assert.equal(decideIn('chown'), EPERM, 'the capability is held');
    assert.equal(decideIn('chmod'), ALLOW, 'excluded: the capability is held');
    assert.equal(decideIn('link'), ALLOW, 'another architecture');
    assert.equal(decideIn('rename'), ALLOW, 'a newer kernel only');
    assert.equal(decideIn('rmdir'), EPERM, '6.18 is at least 6.10');
    assert.equal(runFilter(program, { nr: 20, arch: AUDIT_ARCH_I386 }), KILL_PROCESS);
  });

  test('two conditions on the same argument are alternatives, as runc reads them', () => {
    const program = compile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        {
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 0, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 8, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    });
    assert.equal(decide('personality', [0], program), ALLOW);
    assert.equal(decide('personality', [8], program), ALLOW);
    assert.equal(decide('personality', [9], program), EPERM);
  });

  test('a profile that cannot be honoured is an error that names the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ defaultAction: 'SCMP_ACT_BOGUS' }, /defaultAction: "SCMP_ACT_BOGUS" is not one of/],
      [
        {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [{ names: ['read'], action: 'SCMP_ACT_NOTIFY' }],
        },
        /syscalls\[0\]\.action: SCMP_ACT_NOTIFY needs a seccomp agent/,
      ],
      [
        {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [
            {
              names: ['read'],
              action: 'SCMP_ACT_ERRNO',
              args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }],
            },
          ],
        },
        /syscalls\[0\]\.args\[0\]\.index: must be an integer from 0 to 5/,
      ],
      [
        { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_AARCH64'] },
        /do not include SCMP_ARCH_X86_64/,
      ],
      [
        {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [
            { names: ['read'], action: 'SCMP_ACT_ERRNO' },
            { names: ['read'], action: 'SCMP_ACT_KILL' },
          ],
        },
        /syscalls\[1\]: read already has another action without conditions, in syscalls\[0\]/,
      ],
      [
        { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ action: 'SCMP_ACT_ERRNO' }] },
        /names no system call/,
      ],
    ];
    for (const [profile, message] of cases) {
      assert.throws(() => compile(profile), message);
    }
  });

  test('the default profile survives a round trip through JSON, as a file would carry it', () => {
    const profile = JSON.parse(JSON.stringify(defaultSeccompProfile));
    assert.deepEqual(
      programOf(confinementFor({ profile }, DEFAULT_CAPABILITIES, '6.18.0').seccomp),
      defaultFilter,
    );
  });
});
