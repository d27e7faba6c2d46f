import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../measure/timed-spawn.js';
import { processCpuMs } from './process-cpu.js';

/** What a dnsperf run measured, and what it cost the server. */
export interface DnsperfRate {
  answered: number;
  lost: number;
  seconds: number;
  /** Replies that were not NOERROR: a server that errs is not measured. */
  notNoError: number;
  serverUserMs: number;
  serverSystemMs: number;
}

/**
 * Queries per second by DNS-OARC's dnsperf (Debian's 2.10, written in C), `inFlight`
 * queries outstanding for `seconds`, from `clientPid`'s network namespace. The rate is
 * the server's, not the load client's: a Node client spent more CPU per query than either
 * server did, and on 2 cores it set the pace (its rate varied by a third from run to run).
 */
export async function dnsperfRate(options: {
  dir: string;
  clientPid: number;
  server: { address: string; port: number };
  serverPid: number;
  name: string;
  inFlight: number;
  seconds: number;
}): Promise<DnsperfRate> {
  const queries = join(options.dir, 'dnsperf-queries');
  writeFileSync(queries, `${options.name} A\n`);
  const before = processCpuMs(options.serverPid);
  const output = await runCommand('nsenter', [
    `--net=/proc/${options.clientPid}/ns/net`,
    '--',
    'dnsperf',
    '-s',
    options.server.address,
    '-p',
    String(options.server.port),
    '-d',
    queries,
    '-l',
    String(options.seconds),
    '-q',
    String(options.inFlight),
    '-c',
    '1',
    '-t',
    '1',
  ]);
  const after = processCpuMs(options.serverPid);
  const number = (pattern: RegExp) => {
    const found = pattern.exec(output)?.[1];
    if (found === undefined) throw new Error(`dnsperf: no ${pattern} in its output:\n${output}`);
    return Number(found);
  };
  const answered = number(/Queries completed:\s+(\d+)/);
  const noError = Number(/NOERROR (\d+)/.exec(output)?.[1] ?? 0);
  return {
    answered,
    lost: number(/Queries lost:\s+(\d+)/),
    seconds: number(/Run time \(s\):\s+([\d.]+)/),
    notNoError: answered - noError,
    serverUserMs: after.user - before.user,
    serverSystemMs: after.system - before.system,
  };
}
