import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { watchDeaths } from '../cove/container-deaths.js';
import { summarize } from '../measure/summary.js';
import { runCommand } from '../measure/timed-spawn.js';
import { coveBin } from '../repo-paths.js';
import { type FigureOutcome, valueResult } from '../report/result.js';
import { buildIperfRootfs } from '../runtimes/iperf-rootfs.js';
import { compareToLimit } from './compare.js';
import { podmanBridge } from './net-start.js';

export const netThroughputFigure = 'net-throughput: container → host, iperf3 TCP';

const coveImage = 'cove-bench-iperf';
const podmanImage = 'localhost/cove-bench-iperf:latest';
const port = 5201;

/**
 * The container's client sends to the host's iperf3 server at its default gateway (the
 * bridge's address on the host) for a few seconds, and writes iperf3's JSON report to a
 * volume. The same image through Cove's bridge and podman's, taking turns; the host's
 * loopback, with no bridge or veth in the way, is the ceiling.
 */
export async function measureNetThroughput(
  context: BenchContext,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { dir, podman, log } = context;
  const seconds = context.reps.hyperfine ? 5 : 3;
  const rounds = context.reps.hyperfine ? 3 : 2;
  const out = join(dir, 'iperf-out');
  mkdirSync(out, { recursive: true });
  const tar = join(dir, 'iperf-rootfs.tar');
  buildIperfRootfs(context.rootfs, join(dir, 'iperf-rootfs'), tar);
  await runCommand(
    process.execPath,
    [coveBin, '--root', agent.root, 'image', 'import', tar, coveImage],
    {
      env: { ...process.env, COVE_URL: agent.url },
    },
  );
  await podman.importImage(tar, podmanImage);

  const client = (report: string) => [
    'sh',
    '-c',
    `set -- $(ip route show default) && iperf3 -c "$3" -p ${port} -t ${seconds} -J > /out/${report}`,
  ];
  const readGbps = (text: string) => {
    const report = JSON.parse(text) as { end?: { sum_received?: { bits_per_second?: number } } };
    const bits = report.end?.sum_received?.bits_per_second;
    if (!bits) throw new Error(`iperf3 reported no throughput: ${text.slice(0, 300)}`);
    return bits / 1e9;
  };

  const server = spawn('iperf3', ['-s', '-p', String(port)], { stdio: 'ignore' });
  const deaths = await watchDeaths(agent.client);
  const measured = { cove: [] as number[], podman: [] as number[], loopback: [] as number[] };
  try {
    await sleep(300);
    if (server.exitCode !== null) throw new Error(`iperf3 -s exited (${server.exitCode})`);
    for (let round = 0; round < rounds; round++) {
      log(`net-throughput: round ${round + 1}/${rounds}`);
      const coveReport = `cove-${round}.json`;
      const record = await agent.client.containers.create.mutate({
        spec: {
          image: coveImage,
          command: client(coveReport),
          volumes: [{ source: out, target: '/out' }],
          autoRemove: true,
          network: 'bridge',
        },
        start: true,
      });
      await deaths.died(record.id);
      measured.cove.push(readGbps(readFileSync(join(out, coveReport), 'utf8')));

      const podmanReport = `podman-${round}.json`;
      await podman.runRemoved([podmanImage, ...client(podmanReport)], {
        network: podmanBridge,
        volumes: [`${out}:/out`],
      });
      measured.podman.push(readGbps(readFileSync(join(out, podmanReport), 'utf8')));

      const loopback = await runCommand('iperf3', [
        '-c',
        '127.0.0.1',
        '-p',
        String(port),
        '-t',
        String(seconds),
        '-J',
      ]);
      measured.loopback.push(readGbps(loopback));
    }
  } finally {
    deaths.close();
    await stopServer(server);
    rmSync(out, { recursive: true, force: true });
  }

  const median = (values: number[]) => summarize(values).median;
  const cove = median(measured.cove);
  const viaPodman = median(measured.podman);
  const loopback = median(measured.loopback);
  return {
    results: [
      valueResult(netThroughputFigure, 'cove bridge', cove, 'Gbit/s', rounds),
      valueResult(netThroughputFigure, 'podman bridge', viaPodman, 'Gbit/s', rounds),
      valueResult(netThroughputFigure, 'host loopback (ceiling)', loopback, 'Gbit/s', rounds),
    ],
    targets: [
      compareToLimit(
        "Cove's bridge throughput as a share of podman's",
        (cove / viaPodman) * 100,
        90,
        '%',
        'above',
      ),
    ],
    notes: [
      `Network throughput: one TCP stream for ${seconds} s per run, ${rounds} runs each, the medians: Cove ${cove.toFixed(1)} Gbit/s, podman ${viaPodman.toFixed(1)} Gbit/s, loopback ${loopback.toFixed(1)} Gbit/s (${((cove / loopback) * 100).toFixed(0)} % of the ceiling).`,
    ],
  };
}

/** SIGTERM to the server's own PID, SIGKILL if it lingers. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(3000, false)]);
  if (!done) {
    server.kill('SIGKILL');
    await exited;
  }
}
