import { CoveError } from '../errors.js';
import { type Digest, isDigest } from './digest.js';

/** An image named the way Docker names it, split into what a registry needs. */
export interface ImageReference {
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`: where a pull goes. */
  registry: string;
  /** The repository inside the registry: `library/alpine`, `owner/app`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

export const dockerHub = 'docker.io';

// The grammar of distribution's reference package: lowercase path components joined by
// "/", each made of alphanumerics split by ".", "_", "__" or runs of "-".
const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainPattern =
  /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;

function invalid(text: string, why: string): CoveError {
  return new CoveError(
    `invalid image reference "${text}": ${why} (expected [REGISTRY/]NAME[:TAG][@sha256:DIGEST], e.g. alpine:3.20)`,
  );
}

/**
 * Parses `alpine`, `alpine:3.20`, `ghcr.io/owner/app@sha256:…`, `127.0.0.1:5000/x:1`.
 * As in Docker, the first component names a registry only when it looks like a host
 * (has a "." or a ":", or is "localhost"); otherwise the image is on Docker Hub, where
 * single names live under `library/`.
 */
export function parseImageReference(text: string): ImageReference {
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const candidate = rest.slice(at + 1);
    if (!isDigest(candidate)) throw invalid(text, `"${candidate}" is not a sha256 digest`);
    digest = candidate;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw invalid(text, `"${tag}" is not a valid tag`);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasDomain =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && !domainPattern.test(first)) throw invalid(text, `"${first}" is not a host`);
  const registry = hasDomain ? first : dockerHub;
  const path = hasDomain ? parts.slice(1) : parts;
  if (!path.length || !path.every((part) => component.test(part))) {
    throw invalid(text, 'a name is lowercase letters, digits and separators');
  }
  if (rest.length > 255) throw invalid(text, 'the name is longer than 255 characters');
  const repository =
    registry === dockerHub && path.length === 1 ? `library/${path[0]}` : path.join('/');
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The name as Docker prints it: `alpine`, `owner/app`, `ghcr.io/owner/app`. */
export function familiarName(reference: ImageReference): string {
  if (reference.registry !== dockerHub) return `${reference.registry}/${reference.repository}`;
  return reference.repository.replace(/^library\/(?=[^/]+$)/, '');
}

/**
 * The one string an image is stored and looked up under: `alpine:latest`, or
 * `alpine@sha256:…` when it was asked for by digest alone.
 */
export function storedReference(reference: ImageReference): string {
  const name = familiarName(reference);
  return reference.tag ? `${name}:${reference.tag}` : `${name}@${reference.digest}`;
}

/** Parses and returns the stored form: `busybox` → `busybox:latest`. */
export function normalizeReference(text: string): string {
  return storedReference(parseImageReference(text));
}
