import { formatBytes } from '@cove/shared';
import { CoveError } from '../errors.js';
import { type AuthChallenge, parseAuthChallenge } from './auth-challenge.js';
import { type Digest, isDigest, sha256Digest } from './digest.js';
import { mediaTypes } from './oci-schema.js';
import type { Credentials } from './registry-credentials.js';
import { isLoopback, registryBaseUrl } from './registry-endpoint.js';

/** A failure worth another attempt: the network, or the registry's own trouble (5xx, 429). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
}

const maxManifestBytes = 4 * 1024 * 1024;
const maxRedirects = 5;
const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.dockerList,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifest,
].join(', ');

export interface RegistryClientOptions {
  registry: string;
  insecure?: boolean;
  credentials?: Credentials;
  signal?: AbortSignal;
}

/** The registry's own words from an error body: `{"errors":[{"code":…,"message":…}]}`. */
async function registryErrors(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { errors?: { code?: string; message?: string }[] };
    const text = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': '));
    return text.length ? ` (${text.join('; ')})` : '';
  } catch {
    return '';
  }
}

/** Reads a whole response body, refusing one larger than `limit`. */
export async function readLimited(
  response: Response,
  limit: number,
  what: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > limit) {
      await response.body?.cancel().catch(() => {});
      throw new CoveError(`${what} is larger than ${formatBytes(limit)}: refusing it`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * A client for one registry's OCI distribution API (distribution-spec spec.md). It
 * answers `401` challenges the way Docker does: a Bearer challenge sends it to the token
 * service named in `realm` (with the login's credentials, if any) for a token scoped to
 * the repository; a Basic one gets the credentials directly. Redirects (blob storage)
 * are followed by hand so the Authorization header never leaves the registry's origin.
 */
export class RegistryClient {
  readonly base: URL;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: RegistryClientOptions) {
    this.base = registryBaseUrl(options.registry, options.insecure ?? false);
  }

  private fetchOnce(url: URL, headers: Record<string, string>, signal?: AbortSignal) {
    return fetch(url, { headers, redirect: 'manual', signal: signal ?? this.options.signal }).catch(
      (error: Error) => {
        if (error.name === 'AbortError') throw error;
        const cause = (error.cause as Error | undefined)?.message;
        throw new RetryableError(`${url.host}: ${cause ?? error.message}`, { cause: error });
      },
    );
  }

  private async fetchFollowing(
    start: URL,
    headers: Record<string, string>,
    authorization: string | undefined,
    signal?: AbortSignal,
  ): Promise<Response> {
    let url = start;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const sameOrigin = url.origin === this.base.origin;
      const response = await this.fetchOnce(
        url,
        { ...headers, ...(sameOrigin && authorization ? { authorization } : {}) },
        signal,
      );
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel().catch(() => {});
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && isLoopback(next.hostname))) {
        throw new CoveError(
          `${this.options.registry} redirected to ${next.origin}, which is not HTTPS: refusing`,
        );
      }
      url = next;
    }
    throw new CoveError(`${this.options.registry} redirected more than ${maxRedirects} times`);
  }

  private async token(challenge: AuthChallenge, scope: string | undefined): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm)
      throw new CoveError(`${this.options.registry} sent a Bearer challenge without a realm`);
    const url = new URL(realm, this.base);
    const credentials = this.options.credentials;
    if (credentials && url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new CoveError(
        `the token service ${url.origin} is not HTTPS: not sending credentials to it`,
      );
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const wanted = scope ?? challenge.params.scope;
    if (wanted) url.searchParams.set('scope', wanted);
    const headers: Record<string, string> = credentials
      ? {
          authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
        }
      : {};
    const response = await this.fetchOnce(url, headers);
    if (response.status === 401 || response.status === 403) {
      throw new CoveError(
        credentials
          ? `${this.options.registry}: the token service refused the credentials of "${credentials.username}"${await registryErrors(response)}`
          : `${this.options.registry} wants a login for this: cove login ${this.options.registry}`,
      );
    }
    if (!response.ok) {
      throw new CoveError(
        `${this.options.registry}: the token service answered ${response.status}${await registryErrors(response)}`,
      );
    }
    const body = JSON.parse(
      (await readLimited(response, 1024 * 1024, 'token response')).toString(),
    ) as {
      token?: string;
      access_token?: string;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw new CoveError(`${this.options.registry}: the token service gave no token`);
    return token;
  }

  private async authorize(
    challenge: AuthChallenge | undefined,
    scope: string | undefined,
  ): Promise<string> {
    const credentials = this.options.credentials;
    if (challenge?.scheme === 'bearer') {
      const token = await this.token(challenge, scope);
      this.tokens.set(scope ?? '', token);
      return `Bearer ${token}`;
    }
    if (challenge?.scheme === 'basic') {
      if (!credentials)
        throw new CoveError(
          `${this.options.registry} wants a login: cove login ${this.options.registry}`,
        );
      const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      this.tokens.set(scope ?? '', basic);
      return basic;
    }
    throw new CoveError(
      `${this.options.registry} refused the request without saying how to log in`,
    );
  }

  /** A GET on the registry, authenticated as its challenge asks; 401/403 after that is an error. */
  async get(
    path: string,
    {
      scope,
      headers = {},
      signal,
    }: { scope?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const url = new URL(path, this.base);
    const cached = this.tokens.get(scope ?? '');
    let response = await this.fetchFollowing(url, headers, cached, signal);
    if (response.status === 401) {
      const challenge = parseAuthChallenge(response.headers.get('www-authenticate'));
      await response.body?.cancel().catch(() => {});
      const authorization = await this.authorize(challenge, scope);
      response = await this.fetchFollowing(url, headers, authorization, signal);
    }
    if (response.status === 401 || response.status === 403) {
      const who = this.options.credentials
        ? ` as ${this.options.credentials.username}`
        : ' (not logged in)';
      throw new CoveError(
        `${this.options.registry} denied access${who} to ${path}${await registryErrors(response)}`,
      );
    }
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel().catch(() => {});
      throw new RetryableError(`${this.options.registry} answered ${response.status} for ${path}`);
    }
    return response;
  }

  /**
   * A manifest or index, checked: by digest when asked by digest, and against the
   * registry's Docker-Content-Digest when asked by tag.
   */
  async getManifest(
    repository: string,
    reference: string,
  ): Promise<{ bytes: Buffer; contentType: string; digest: Digest }> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.get(path, {
      scope: `repository:${repository}:pull`,
      headers: { accept: manifestAccept },
    });
    if (response.status === 404) {
      throw new CoveError(
        `${this.options.registry}/${repository}:${reference} not found${await registryErrors(response)}`,
      );
    }
    if (!response.ok) {
      throw new CoveError(
        `${this.options.registry} answered ${response.status} for ${path}${await registryErrors(response)}`,
      );
    }
    const bytes = await readLimited(response, maxManifestBytes, `the manifest of ${repository}`);
    const digest = sha256Digest(bytes);
    const claimed = response.headers.get('docker-content-digest') ?? '';
    const expected = isDigest(reference) ? reference : isDigest(claimed) ? claimed : undefined;
    if (expected && digest !== expected) {
      throw new CoveError(
        `the manifest ${this.options.registry} sent for ${repository}:${reference} is ${digest}, not ${expected}: refusing it`,
      );
    }
    return { bytes, contentType: response.headers.get('content-type') ?? '', digest };
  }

  /** A blob's response, from `offset` on (a Range request) to resume a download. */
  async openBlob(
    repository: string,
    digest: Digest,
    offset: number,
    signal?: AbortSignal,
  ): Promise<Response> {
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.get(path, {
      scope: `repository:${repository}:pull`,
      headers: offset ? { range: `bytes=${offset}-` } : {},
      ...(signal ? { signal } : {}),
    });
    if (response.status === 404) {
      throw new CoveError(`${this.options.registry}/${repository} has no blob ${digest}`);
    }
    if (response.status !== 200 && response.status !== 206) {
      throw new CoveError(
        `${this.options.registry} answered ${response.status} for ${path}${await registryErrors(response)}`,
      );
    }
    return response;
  }

  /** Checks the API answers with these credentials: `GET /v2/`, as `docker login` does. */
  async checkLogin(): Promise<void> {
    const response = await this.get('/v2/');
    await response.body?.cancel().catch(() => {});
    if (!response.ok)
      throw new CoveError(
        `${this.options.registry} answered ${response.status} for /v2/: is it a registry?`,
      );
  }
}
