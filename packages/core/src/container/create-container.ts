import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import {
  type ContainerRecord,
  type ContainerSpec,
  type ContainerSpecInput,
  ContainerSpecSchema,
  effectiveCapabilities,
  joinedContainer,
  userNetworkOf,
} from '@cove/shared';
import { CoveError } from '../errors.js';
import type { StoredImage } from '../image/image-config.js';
import { getImage } from '../image/image-store.js';
import { checkAddressOn, findUserNetwork } from '../network/user-networks.js';
import { grantable } from '../process/capabilities.js';
import { containerConfinement } from '../security/confinement.js';
import { containerPaths, type StoreLayout } from '../store/store-layout.js';
import { resolveNamedVolumes } from '../volume/named-volumes.js';
import { writeEtcFiles } from './container-etc-files.js';
import { generateContainerName } from './container-name.js';
import { deleteContainerFiles, findRecord, reserveName, writeRecord } from './container-store.js';
import { resolveDevices } from './device-mappings.js';
import type { EngineContext } from './engine-context.js';

export function parseSpec(input: ContainerSpecInput): ContainerSpec {
  const parsed = ContainerSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CoveError(`invalid ${issue?.path.join('.') || 'spec'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Docker's rule: entrypoint + (the user's command, or else the image's cmd). */
function commandFor(spec: ContainerSpec, image: StoredImage): string[] {
  const args = [
    ...image.config.entrypoint,
    ...(spec.command.length ? spec.command : image.config.cmd),
  ];
  if (!args.length) throw new CoveError(`no command given and image ${image.name} has none`);
  return args;
}

/** Host paths exist now; a named volume (a source without a leading `/`) is Cove's to make. */
function checkVolumeSources(spec: ContainerSpec): void {
  for (const volume of spec.volumes) {
    if (volume.source.startsWith('/') && !existsSync(volume.source)) {
      throw new CoveError(`volume source ${volume.source} does not exist on the host`);
    }
  }
}

/** `--network container:NAME` names a container that exists (it must run at each start). */
function checkJoinedContainer(layout: StoreLayout, spec: ContainerSpec): void {
  const joined = spec.network ? joinedContainer(spec.network) : undefined;
  if (joined === undefined) return;
  try {
    findRecord(layout, joined);
  } catch {
    throw new CoveError(`--network container:${joined}: no such container`);
  }
}

/**
 * The user-defined networks a spec names exist (by name or id; kept by name), and an
 * `--ip` is inside its network's subnet: both refused now, not at the first start.
 */
function resolveUserNetworks(layout: StoreLayout, spec: ContainerSpec): ContainerSpec {
  const first = spec.network ? userNetworkOf(spec.network) : undefined;
  const check = (reference: string, ip: string | undefined) => {
    const network = findUserNetwork(layout, reference);
    if (ip) checkAddressOn(network, ip);
    return network.name;
  };
  return {
    ...spec,
    ...(first ? { network: check(first, spec.ip) } : {}),
    moreNetworks: spec.moreNetworks.map((more) => ({
      ...more,
      network: check(more.network, more.ip),
    })),
  };
}

/**
 * Makes a container that does not run yet: its name, its writable layer with the /etc
 * files it owns, and its record in state `created`. Anything made before a failure is
 * removed again before the error reaches the caller.
 */
export async function createContainer(
  { libc, layout, network }: EngineContext,
  input: ContainerSpecInput,
): Promise<ContainerRecord> {
  if (libc.geteuid() !== 0) {
    throw new CoveError('cove must run as root: it creates namespaces, mounts and cgroups');
  }
  // The default is decided now and kept: an agent started with another default later
  // does not move existing containers.
  const checked = resolveUserNetworks(
    layout,
    parseSpec({ ...input, network: input.network ?? network.defaultMode }),
  );
  checkJoinedContainer(layout, checked);
  const image = await getImage(layout, checked.image);
  checkVolumeSources(checked);
  resolveDevices(checked.devices);
  const args = commandFor(checked, image);
  // Compile the seccomp profile now, though start compiles it again: a profile the
  // kernel cannot take is refused at `create`, not found out at the first `start`.
  containerConfinement(checked);
  // Last, once nothing else can refuse the spec: a named volume is made on first use.
  const spec = resolveNamedVolumes(layout, checked);

  for (const dir of [layout.containers, layout.names])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = randomBytes(32).toString('hex');
  const name = spec.name ?? generateContainerName();
  const hostname = spec.hostname ?? id.slice(0, 12);
  const paths = containerPaths(layout, id);
  reserveName(layout, name, id);
  try {
    for (const dir of [paths.dir, paths.upper, paths.work, paths.rootfs])
      mkdirSync(dir, { mode: 0o700 });
    // The overlay's root directory takes the upper directory's mode: "/" must be
    // traversable by every user of the container. The container dir above stays 0700.
    chmodSync(paths.upper, 0o755);
    writeEtcFiles(paths.upper, hostname, spec.network === 'host');
    const record: ContainerRecord = {
      id,
      name,
      hostname,
      createdAt: new Date().toISOString(),
      spec,
      args,
      capabilities: grantable(effectiveCapabilities(spec.capAdd, spec.capDrop)),
      cgroupPaths: [],
      state: { status: 'created' },
    };
    writeRecord(layout, record);
    return record;
  } catch (error) {
    deleteContainerFiles(layout, { id, name });
    throw error;
  }
}
