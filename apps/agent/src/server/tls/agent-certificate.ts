import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { CoveError } from '@cove/core';
import { readTlsFiles, type TlsCredentials } from './tls-credentials.js';

/** Apple's platforms refuse a TLS server certificate valid for longer than this. */
const validityDays = 825;
const renewBeforeMs = 30 * 24 * 60 * 60 * 1000;

export interface AgentCertificate {
  credentials: TlsCredentials;
  certPath: string;
  keyPath: string;
  /** Why a new certificate was made on this start (its fingerprint changed); else undefined. */
  madeBecause: string | undefined;
}

/**
 * The names the agent's certificate covers: loopback always, and the listen host, or
 * this machine's name when the host is a wildcard that no client dials. Only names
 * that can stand in a subjectAltName as they are (no ',' or ':' in a DNS name, no
 * IPv6 zone) are kept: they go into openssl's command line.
 */
export function certificateNames(listenHost: string, hostname: string): string[] {
  // 0.0.0.0, ::, 0:0:0:0:0:0:0:0: every address, none of them a name to dial.
  const wildcard = isIP(listenHost) !== 0 && /^[0:.]+$/.test(listenHost);
  const names = ['localhost', '127.0.0.1', '::1', wildcard ? hostname : listenHost];
  const usable = (name: string) =>
    isIP(name) !== 0 ? !name.includes('%') : /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(name);
  return [...new Set(names.map((name) => name.toLowerCase()).filter(usable))];
}

/**
 * `<root>/tls/agent.key` and `agent.crt`, made at the first `--tls` start and reused
 * after, so the fingerprint people pinned stays the same. A new one is made only when
 * the old one cannot serve: missing, not a pair, expiring within 30 days, or not
 * naming a host the agent now listens on.
 */
export function loadOrMakeCertificate(
  root: string,
  names: readonly string[],
  now = new Date(),
): AgentCertificate {
  const directory = join(root, 'tls');
  const certPath = join(directory, 'agent.crt');
  const keyPath = join(directory, 'agent.key');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
  const madeBecause = reasonToRemake(certPath, keyPath, names, now);
  if (madeBecause === undefined) chmodSync(keyPath, 0o600);
  else makeSelfSigned(directory, names);
  return { credentials: readTlsFiles(certPath, keyPath), certPath, keyPath, madeBecause };
}

function reasonToRemake(
  certPath: string,
  keyPath: string,
  names: readonly string[],
  now: Date,
): string | undefined {
  if (!existsSync(certPath) && !existsSync(keyPath)) return 'there was none';
  let certificate: TlsCredentials['certificate'];
  try {
    ({ certificate } = readTlsFiles(certPath, keyPath));
  } catch (error) {
    return (error as Error).message;
  }
  const expires = new Date(certificate.validTo);
  if (expires.getTime() - now.getTime() < renewBeforeMs) {
    return `the old one expires on ${expires.toISOString().slice(0, 10)}`;
  }
  const unnamed = names.find((name) =>
    isIP(name) !== 0 ? !certificate.checkIP(name) : !certificate.checkHost(name),
  );
  return unnamed === undefined ? undefined : `the old one does not name ${unnamed}`;
}

/**
 * A self-signed EC P-256 certificate (what every browser takes) made by openssl in a
 * fresh 0700 directory beside the final place, then renamed into it: no one ever reads
 * a half-written key. The key goes first; a crash between the renames leaves a pair
 * that does not match, which the next start replaces.
 */
function makeSelfSigned(directory: string, names: readonly string[]): void {
  const staging = mkdtempSync(join(directory, '.new-'));
  try {
    const key = join(staging, 'agent.key');
    const cert = join(staging, 'agent.crt');
    const altNames = names.map((name) => `${isIP(name) ? 'IP' : 'DNS'}:${name}`).join(',');
    runOpenssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(validityDays),
      '-subj',
      '/CN=Cove agent',
      // Not the system's openssl.cnf: its v3_ca section would mark the certificate as a
      // CA, which Firefox refuses from a server.
      '-config',
      '/dev/null',
      '-addext',
      `subjectAltName=${altNames}`,
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
    chmodSync(key, 0o600);
    chmodSync(cert, 0o600);
    renameSync(key, join(directory, 'agent.key'));
    renameSync(cert, join(directory, 'agent.crt'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function runOpenssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: Buffer };
    const why =
      code === 'ENOENT'
        ? 'openssl: ENOENT (is openssl installed? or give --tls-cert and --tls-key)'
        : `openssl req: ${String(stderr ?? '').trim() || (error as Error).message}`;
    throw new CoveError(`making the agent's TLS certificate: ${why}`, 125, { cause: error });
  }
}
