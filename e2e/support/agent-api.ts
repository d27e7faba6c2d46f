/**
 * The agent's tRPC API over plain HTTP, authenticated with the token as the CLI does.
 * The tests use it to look behind the page (inspect a container's host PID and cgroup)
 * and to clean up; everything a scenario proves goes through the browser.
 */

/** The part of a container record the tests read; the agent sends more. */
export interface ContainerRecord {
  id: string;
  name: string;
  hostname: string;
  args: string[];
  cgroupPaths: string[];
  spec: {
    image: string;
    tty: boolean;
    limits: { memory?: number; pids?: number };
    readOnly?: boolean;
    tmpfs?: Array<{ target: string; options: string[] }>;
    network?: string;
    /** The user-defined networks it joined beside its first (`network connect`). */
    moreNetworks?: Array<{ network: string }>;
    ports?: Array<{ hostIp?: string; hostPort?: number; containerPort: number; protocol: string }>;
  };
  /** Where it is on its network while it runs. */
  network?: {
    mode: string;
    address?: string;
    ports: Array<{ hostIp: string; hostPort: number; containerPort: number; protocol: string }>;
  };
  /** The capabilities its root holds, after --cap-add and --cap-drop. */
  capabilities?: string[];
  state: {
    status: 'created' | 'running' | 'paused' | 'exited';
    pid?: number;
    pidStartTime?: string;
    exitCode?: number | null;
    oomKilled?: boolean;
  };
}

export interface ContainerSummary {
  record: ContainerRecord;
}

/** The part of a network's summary the tests read. */
export interface NetworkSummary {
  name: string;
}

export function createAgentApi(url: string, token: string) {
  const authorization = `Bearer ${token}`;

  const call = async <T>(procedure: string, input: unknown, method: 'GET' | 'POST'): Promise<T> => {
    const address = new URL(`/api/trpc/${procedure}`, url);
    if (method === 'GET' && input !== undefined) {
      address.searchParams.set('input', JSON.stringify(input));
    }
    const response = await fetch(address, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(input ?? {}) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json().catch(() => null)) as {
      result?: { data: T };
      error?: { message?: string };
    } | null;
    if (!response.ok || !body?.result) {
      throw new Error(`${procedure}: ${response.status} ${body?.error?.message ?? 'no result'}`);
    }
    return body.result.data;
  };

  return {
    listContainers: () => call<ContainerSummary[]>('containers.list', undefined, 'GET'),
    inspect: (id: string) => call<ContainerRecord>('containers.inspect', { id }, 'GET'),
    createContainer: (spec: Record<string, unknown>) =>
      call<ContainerRecord>('containers.create', { spec, start: true }, 'POST'),
    start: (id: string) => call<ContainerRecord>('containers.start', { id }, 'POST'),
    /** Stops at once (SIGKILL: no grace period) and starts again. */
    restart: (id: string) =>
      call<ContainerRecord>('containers.restart', { id, timeoutSeconds: 0 }, 'POST'),
    unpause: (id: string) => call<ContainerRecord>('containers.unpause', { id }, 'POST'),
    removeContainer: (id: string) =>
      call<{ id: string }>('containers.remove', { id, force: true }, 'POST'),
    listNetworks: () => call<NetworkSummary[]>('networks.list', undefined, 'GET'),
    /** Refused while a container is on the network. */
    removeNetwork: (name: string) =>
      call<{ id: string; name: string }>('networks.remove', { id: name }, 'POST'),
    listVolumes: () => call<Array<{ name: string }>>('volumes.list', undefined, 'GET'),
    /** Refused while a container mounts it. */
    removeVolume: (name: string) => call<{ name: string }>('volumes.remove', { name }, 'POST'),
    disconnect: (network: string, container: string) =>
      call<ContainerRecord>('networks.disconnect', { network, container }, 'POST'),
    /** The container's record, or null when the agent knows no container by that name. */
    async find(name: string): Promise<ContainerRecord | null> {
      const all = await call<ContainerSummary[]>('containers.list', undefined, 'GET');
      return all.find((summary) => summary.record.name === name)?.record ?? null;
    },
  };
}

export type AgentApi = ReturnType<typeof createAgentApi>;
