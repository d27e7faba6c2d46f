import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const usage = `Usage: cove login [OPTIONS] [REGISTRY]

Log in to a registry (Docker Hub by default). The credentials are checked with the
registry first, then kept in the store's auth.json, readable by root only.

Options:
  -u, --username NAME    The user name
      --password-stdin   Read the password from stdin
  -p, --password TEXT    The password (visible to other users in ps: prefer stdin)
      --insecure         Plain HTTP: only for a registry on this machine`;

const flagSpecs: FlagSpec[] = [
  { long: 'username', short: 'u', value: true },
  { long: 'password', short: 'p', value: true },
  { long: 'password-stdin' },
  { long: 'insecure' },
  { long: 'help' },
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line from the terminal; with `hidden`, without echoing what is typed. */
async function prompt(question: string, hidden: boolean): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  if (hidden) stdin.setRawMode(true);
  let answer = '';
  try {
    for await (const chunk of stdin) {
      for (const char of (chunk as Buffer).toString('utf8')) {
        if (char === '\r' || char === '\n') return answer;
        if (char === '\u0003') throw new CliError('cove login: cancelled', 130);
        if (char === '\u007f') answer = answer.slice(0, -1);
        else answer += char;
        if (!hidden) process.stderr.write(char);
      }
    }
    return answer;
  } finally {
    if (hidden) stdin.setRawMode(false);
    process.stderr.write('\n');
    stdin.pause();
  }
}

export async function login(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('login', args, flagSpecs);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const [registry, ...extra] = rest;
  if (extra.length) throw new CliError('cove login: name one registry');
  const interactive = process.stdin.isTTY === true;
  let username = flags.get('username')?.at(-1);
  let password = flags.get('password')?.at(-1);
  if (flags.has('password-stdin')) {
    if (password)
      throw new CliError('cove login: --password and --password-stdin exclude each other');
    password = await readStdin();
  }
  if (!username && interactive) username = await prompt('Username: ', false);
  if (!password && interactive) password = await prompt('Password: ', true);
  if (!username || !password) {
    throw new CliError('cove login: give --username, and the password with --password-stdin');
  }
  const { registry: host, authFile } = await agent.client.images.login.mutate({
    registry,
    username,
    password,
    insecure: flags.has('insecure'),
  });
  console.log(`Login Succeeded (${host}; credentials kept in ${authFile}, mode 0600)`);
  return 0;
}

export async function logout(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('logout', args, []);
  const { registry, removed } = await agent.client.images.logout.mutate({ registry: rest[0] });
  console.log(removed ? `Removed the login for ${registry}` : `Not logged in to ${registry}`);
  return 0;
}
