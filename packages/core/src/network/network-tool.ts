import { spawn } from 'node:child_process';
import { CoveError } from '../errors.js';

/** Where the engine looks for iproute2's `ip`, nftables' `nft` and `conntrack`. */
const searchPath = '/usr/sbin:/sbin:/usr/bin:/bin';

/**
 * Runs iproute2 or nftables with `script` on stdin (`ip -batch -`, `nft -f -`): one
 * process per step, however many commands, and for nft one transaction that applies
 * whole or not at all. Fails with the tool's own words on stderr.
 */
export function runNetworkTool(
  tool: 'ip' | 'nft' | 'conntrack',
  args: string[],
  script = '',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      env: { PATH: searchPath, LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
            ? `${tool} is not installed: install ${tool === 'ip' ? 'iproute2' : tool === 'nft' ? 'nftables' : 'conntrack'} (npm start does)`
            : `running ${tool}: ${error.message}`,
        ),
      );
    });
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else {
        const said = stderr.trim().split('\n').filter(Boolean).slice(0, 3).join('; ');
        reject(
          new CoveError(`${tool} ${args.join(' ')} failed (exit ${code}): ${said || 'no message'}`),
        );
      }
    });
    child.stdin.on('error', () => {}); // a tool that fails early closes its stdin: close says why
    child.stdin.end(script);
  });
}

/** iproute2 says "Unknown device type" when the kernel lacks a link type's module. */
export async function explainMissingModule(module: 'bridge' | 'veth', running: Promise<string>) {
  try {
    return await running;
  } catch (error) {
    if (!/Unknown device type/i.test((error as Error).message)) throw error;
    throw new CoveError(
      `the kernel has no ${module} support: load its module (modprobe ${module}) or use --network none`,
    );
  }
}
