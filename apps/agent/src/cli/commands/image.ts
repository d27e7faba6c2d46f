import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { imageImport } from './image-import.js';
import { images } from './images.js';
import { pull } from './pull.js';
import { rmi } from './rmi.js';

const usage = `Usage: cove image COMMAND

Manage images.

Commands:
  import    Import an image from an archive: cove image import FILE NAME[:TAG]
  ls        List images (same as cove images)
  pull      Download an image from a registry (same as cove pull)
  rm        Remove images (same as cove rmi)`;

export async function image(agent: AgentConnection, args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'import':
      return imageImport(agent, rest);
    case 'ls':
    case 'list':
      return images(agent, rest);
    case 'pull':
      return pull(agent, rest);
    case 'rm':
    case 'remove':
      return rmi(agent, rest);
    case undefined:
    case '--help':
      console.log(usage);
      return command ? 0 : 1;
    default:
      throw new CliError(`cove image: unknown command "${command}" (see cove image --help)`);
  }
}
