import { fileURLToPath } from 'node:url';
import { startAgent } from '../../src/server/agent.js';
import { createLogger } from '../../src/server/log.js';

/**
 * The agent in a process of its own, as `cove agent` runs it, but with limits that no
 * flag sets and a test needs short: a session lifetime of seconds, an upload stall limit
 * of a second or two. Usage: node agent-with-limits.js ROOT '{"sessionLifetimeMs":2000}'.
 * It prints what `cove agent` prints, so startAgentProcess reads it the same way.
 */
export interface AgentLimits {
  sessionLifetimeMs?: number;
  requestTimeoutMs?: number;
  uploadStallMs?: number;
}

const [root = '', limitsJson = '{}'] = process.argv.slice(2);
const limits = JSON.parse(limitsJson) as AgentLimits;
const running = await startAgent({
  root,
  host: '127.0.0.1',
  port: 0,
  webDirectory: fileURLToPath(new URL('../../../../web/out', import.meta.url)),
  version: '0.0.0-test',
  log: createLogger(),
  defaultNetwork: 'none',
  ...limits,
});
console.log(`Cove is running: ${running.url}`);
await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
await running.close();
// Containers started here are this process's children, and Node would wait for them.
process.exit(0);
