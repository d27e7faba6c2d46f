import { spawn } from 'node:child_process';
import { CoveError } from '../errors.js';

/** Where the engine looks for iproute2's `ip`, nftables' `nft`, `conntrack` and `nsenter`. */
const searchPath = '/usr/sbin:/sbin:/usr/bin:/bin';

type NetworkTool = 'ip' | 'nft' | 'conntrack' | 'nsenter';

const packageOf: Record<NetworkTool, string> = {
  ip: 'iproute2',
  nft: 'nftables',
  conntrack: 'conntrack',
  nsenter: 'util-linux',
};

/**
 * Runs iproute2 or nftables with `script` on stdin (`ip -batch -`, `nft -f -`): one
 * process per step, however many commands, and for nft one transaction that applies
 * whole or not at all. A failure carries the tool's own words from stderr.
 */
export function runNetworkTool(tool: NetworkTool, args: string[], script = ''): Promise<string> {
  const child = spawn(tool, args, {
    env: { PATH: searchPath, LC_ALL: 'C' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const finished = new Promise<string>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CoveError(
          error.code === 'ENOENT'
            ? `${tool} is not installed: install ${packageOf[tool]} (npm start does)`
            : `running ${tool}: ${error.message}`,
        ),
      );
    });
    child.once('close', (code) => {
      if (code === 0) return resolve(stdout);
      const said = stderr.trim().split('\n').filter(Boolean).slice(0, 3).join('; ');
      reject(
        new CoveError(`${tool} ${args.join(' ')} failed (exit ${code}): ${said || 'no message'}`),
      );
    });
  });
  child.stdin.on('error', () => {}); // a tool that fails early closes its stdin: close says why
  child.stdin.end(script);
  return finished;
}

/** iproute2 says "Unknown device type" when the kernel lacks a link type's module. */
export async function explainMissingModule(module: 'bridge', running: Promise<string>) {
  try {
    return await running;
  } catch (error) {
    if (!/Unknown device type/i.test((error as Error).message)) throw error;
    throw new CoveError(
      `the kernel has no ${module} support: load its module (modprobe ${module}) or use --network none`,
    );
  }
}
