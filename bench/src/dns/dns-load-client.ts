import { createSocket, type Socket } from 'node:dgram';
import { addressBytes, answersWith, encodeAQuery, replyId, stampId } from './dns-wire.js';
import { processCpuMs } from './process-cpu.js';

/**
 * The bench's DNS load client, a script of its own: the harness runs it with the host's
 * node inside a container's network namespace (`nsenter --net=/proc/PID/ns/net`), so its
 * queries come from the container's address, as a DNS server that answers by the asker's
 * address requires. Argument: a `LoadPlan` as JSON. Output: a `LoadReport` as JSON.
 */
export interface LoadPlan {
  server: { address: string; port: number };
  /** Each name with the address its A record must have. */
  names: Array<{ name: string; expect: string }>;
  /** One query at a time: `warmup` untimed per name first, then `count` timed. */
  sequential: { warmup: number; count: number };
  /** `inFlight` queries outstanding at all times, for `seconds`: queries per second. */
  concurrent: { inFlight: number; seconds: number };
  /** A query unanswered this long is lost. */
  timeoutMs: number;
  /** The server's process in the host's PID namespace: its CPU time is read around each phase. */
  serverPid: number;
}

export interface NameReport {
  name: string;
  /** Milliseconds from sending each query to its reply's arrival. */
  latenciesMs: number[];
  sequentialLost: number;
  /** Replies that were not the expected address: a server that errs is not measured. */
  wrong: number;
  concurrentAnswered: number;
  concurrentLost: number;
  concurrentSeconds: number;
  /** CPU time the server spent in the concurrent phase, in user space and in the kernel. */
  serverUserMs: number;
  serverSystemMs: number;
  /** This client's CPU time (user + system) in the concurrent phase. */
  clientCpuMs: number;
}

export interface LoadReport {
  names: NameReport[];
}

type Outcome = { kind: 'answered'; reply: Buffer; ms: number } | { kind: 'lost' };

/** A query on its way: when it was sent, and who waits for its reply. */
interface Waiting {
  sentAt: number;
  done(outcome: Outcome): void;
}

/**
 * One UDP socket; replies are matched to their queries by id. Lost queries are found by
 * one sweep a few times per timeout rather than a timer per query: a timer per query cost
 * this client more CPU than the servers spent answering, and the client, not the server,
 * set the pace.
 */
class QuerySocket {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly server: LoadPlan['server'],
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (reply) => {
      const at = performance.now();
      const id = replyId(reply);
      const waiting = this.waiting.get(id);
      if (!waiting) return; // a late reply to a query already counted as lost
      this.waiting.delete(id);
      waiting.done({ kind: 'answered', reply, ms: at - waiting.sentAt });
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(1, timeoutMs / 4));
  }

  ask(query: Buffer): Promise<Outcome> {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff || 1;
    return new Promise((resolve) => {
      this.waiting.set(id, { sentAt: performance.now(), done: resolve });
      this.socket.send(stampId(query, id), this.server.port, this.server.address);
    });
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sweep(Number.POSITIVE_INFINITY);
  }

  /** Counts as lost every query older than the timeout (or all, when closing). */
  private sweep(now = performance.now()): void {
    for (const [id, waiting] of this.waiting) {
      if (now - waiting.sentAt < this.timeoutMs) continue;
      this.waiting.delete(id);
      waiting.done({ kind: 'lost' });
    }
  }
}

/** One query at a time, `count` of them; the latencies of the answered ones. */
async function sequential(
  queries: QuerySocket,
  query: Buffer,
  expected: Buffer,
  count: number,
  report: NameReport,
): Promise<{ latenciesMs: number[]; lost: number }> {
  const latenciesMs: number[] = [];
  let lost = 0;
  for (let i = 0; i < count; i++) {
    const outcome = await queries.ask(query);
    if (outcome.kind === 'lost') lost++;
    else if (!answersWith(outcome.reply, expected)) report.wrong++;
    else latenciesMs.push(outcome.ms);
  }
  return { latenciesMs, lost };
}

/** `inFlight` queries outstanding until `seconds` have passed; the answered and the lost. */
async function concurrent(
  queries: QuerySocket,
  query: Buffer,
  expected: Buffer,
  inFlight: number,
  seconds: number,
  report: NameReport,
): Promise<{ answered: number; lost: number; seconds: number }> {
  let answered = 0;
  let lost = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const outcome = await queries.ask(query);
      if (outcome.kind === 'lost') lost++;
      else if (!answersWith(outcome.reply, expected)) report.wrong++;
      else answered++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { answered, lost, seconds: (performance.now() - start) / 1000 };
}

async function measure(queries: QuerySocket, plan: LoadPlan): Promise<NameReport[]> {
  const names = plan.names.map(({ name, expect }) => ({
    query: encodeAQuery(name),
    expected: addressBytes(expect),
    report: {
      name,
      latenciesMs: [],
      sequentialLost: 0,
      wrong: 0,
      concurrentAnswered: 0,
      concurrentLost: 0,
      concurrentSeconds: 0,
      serverUserMs: 0,
      serverSystemMs: 0,
      clientCpuMs: 0,
    } as NameReport,
  }));
  // Warm-up, untimed: every code path of this client (and of the server) runs and is
  // compiled before anything is timed, whichever name comes first.
  for (const { query, expected, report } of names) {
    await sequential(queries, query, expected, plan.sequential.warmup, report);
    await concurrent(queries, query, expected, plan.concurrent.inFlight, 0.2, report);
  }
  for (const { query, expected, report } of names) {
    const { latenciesMs, lost } = await sequential(
      queries,
      query,
      expected,
      plan.sequential.count,
      report,
    );
    report.latenciesMs = latenciesMs;
    report.sequentialLost = lost;
  }
  for (const { query, expected, report } of names) {
    const serverBefore = processCpuMs(plan.serverPid);
    const clientBefore = process.cpuUsage();
    const { answered, lost, seconds } = await concurrent(
      queries,
      query,
      expected,
      plan.concurrent.inFlight,
      plan.concurrent.seconds,
      report,
    );
    const client = process.cpuUsage(clientBefore);
    const serverAfter = processCpuMs(plan.serverPid);
    report.serverUserMs = serverAfter.user - serverBefore.user;
    report.serverSystemMs = serverAfter.system - serverBefore.system;
    report.clientCpuMs = (client.user + client.system) / 1000;
    report.concurrentAnswered = answered;
    report.concurrentLost = lost;
    report.concurrentSeconds = seconds;
  }
  return names.map(({ report }) => report);
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
  const socket = createSocket('udp4');
  // A server that is not listening yet answers with ICMP: that is a lost query, not a crash.
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const queries = new QuerySocket(socket, plan.server, plan.timeoutMs);
  const names = await measure(queries, plan);
  queries.close();
  socket.close();
  process.stdout.write(`${JSON.stringify({ names } satisfies LoadReport)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`dns-load-client: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
