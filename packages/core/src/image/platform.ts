import { CoveError } from '../errors.js';
import type { Descriptor, Platform } from './oci-schema.js';

// Node's names for CPUs, in Go's words (GOARCH), which image indexes use.
const goArch: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function hostPlatform(): Platform {
  const architecture = goArch[process.arch] ?? process.arch;
  return { os: 'linux', architecture, ...(architecture === 'arm64' ? { variant: 'v8' } : {}) };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Parses `--platform linux/arm64[/v8]`. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.split('/');
  if (!os || !architecture || rest.length) {
    throw new CoveError(`invalid platform "${text}": expected OS/ARCH[/VARIANT], e.g. linux/amd64`);
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/**
 * Picks the manifest for `wanted` from an index. Entries without a platform, or with
 * "unknown" (build attestations), are not images to run. A variant only narrows the
 * choice when both sides name one (arm64 images often omit "v8").
 */
export function selectManifest(
  manifests: Descriptor[],
  wanted: Platform,
  what: string,
): Descriptor {
  const candidates = manifests.filter(
    (m) => m.platform?.os === wanted.os && m.platform.architecture === wanted.architecture,
  );
  const exact = candidates.find(
    (m) => !wanted.variant || !m.platform?.variant || m.platform.variant === wanted.variant,
  );
  if (exact) return exact;
  const offered = manifests
    .map((m) => (m.platform ? formatPlatform(m.platform) : 'no platform'))
    .filter((p) => !p.startsWith('unknown'));
  throw new CoveError(
    `${what} has no image for ${formatPlatform(wanted)} (it has: ${offered.join(', ') || 'none'})`,
  );
}
