import { join } from 'node:path';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { watchDeaths } from '../cove/container-deaths.js';
import { alternate, type Contender } from '../measure/alternate.js';
import { type FigureOutcome, type TimeResult, timeResults } from '../report/result.js';
import { tarRootfs } from '../runtimes/busybox-rootfs.js';
import { podmanBusybox } from '../runtimes/podman.js';
import { compareToLimit } from './compare.js';

export const netStartFigure = 'net-start: call → /bin/true running';
export const netStartExitFigure = 'net-start: call → /bin/true exited';
export const podmanBridge = 'cove-bench';
export const podmanBridgeSubnet = '10.89.0.0/24';

const median = (results: readonly TimeResult[], figure: string, tool: string) =>
  results.find((r) => r.figure === figure && r.tool === tool)?.median_ms;

/**
 * What the network costs a start: the same `/bin/true` container through the agent's
 * API on the bridge (a veth pair, an address, routes, its /etc/hosts) and on `none`
 * (only `lo`), beside `podman run --rm` on a bridge network of its own and on `none`.
 * The difference of the medians is what the bridge adds: to running (the create call's
 * return, once the program has exec'd) and to exited (the `died` event, after the
 * network is taken down again).
 */
export async function measureNetStart(
  context: BenchContext,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps, podman, dir } = context;
  tarRootfs(context.rootfs, join(dir, 'rootfs.tar'));
  await podman.importImage(join(dir, 'rootfs.tar'));
  await podman.createNetwork(podmanBridge, podmanBridgeSubnet);
  const deaths = await watchDeaths(agent.client);
  const cove = (network: 'bridge' | 'none'): Contender => ({
    tool: `cove agent tRPC, ${network}`,
    async once() {
      const start = performance.now();
      const record = await agent.client.containers.create.mutate({
        spec: { image: 'busybox', command: ['/bin/true'], autoRemove: true, network },
        start: true,
      });
      const running = performance.now() - start;
      // Exited includes taking the network down again: the veth, the lease, the hosts entry.
      return {
        [netStartFigure]: running,
        [netStartExitFigure]: (await deaths.died(record.id)) - start,
      };
    },
  });
  const viaPodman = (network: string, label: string): Contender => ({
    tool: `podman run --rm, ${label}`,
    once: async () => ({
      [netStartExitFigure]: await podman.runRemoved([podmanBusybox, '/bin/true'], { network }),
    }),
  });
  const contenders = [
    cove('bridge'),
    cove('none'),
    viaPodman(podmanBridge, 'bridge'),
    viaPodman('none', 'none'),
  ];
  try {
    const samples = await alternate(contenders, {
      warmup: reps.warmup,
      rounds: reps.rounds,
      pauseMs: reps.pauseMs,
      onRound: (round) => context.log(`net-start: round ${round + 1}/${reps.warmup + reps.rounds}`),
    });
    const results = timeResults(
      samples,
      contenders.map((c) => c.tool),
    );
    const added = (figure: string, tool: string) => {
      const bridge = median(results, figure, `${tool}, bridge`);
      const none = median(results, figure, `${tool}, none`);
      return bridge === undefined || none === undefined ? undefined : bridge - none;
    };
    const coveAdded = added(netStartFigure, 'cove agent tRPC');
    const coveAddedToExit = added(netStartExitFigure, 'cove agent tRPC');
    const podmanAdded = added(netStartExitFigure, 'podman run --rm');
    return {
      results,
      targets: [
        compareToLimit('the bridge adds to a Cove start (median)', coveAdded, 10, 'ms', 'below'),
      ],
      notes: [
        `Network start: the bridge added ${coveAdded?.toFixed(1) ?? '?'} ms to Cove's median start (to running) and ${coveAddedToExit?.toFixed(1) ?? '?'} ms to its run to exit, which also takes the network down; it added ${podmanAdded?.toFixed(1) ?? '?'} ms to podman's run to exit (netavark, a network of the bench's own on ${podmanBridgeSubnet}, without DNS). podman run has no moment "running" to time apart.`,
      ],
    };
  } finally {
    deaths.close();
  }
}
