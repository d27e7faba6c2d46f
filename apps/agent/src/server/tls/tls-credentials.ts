import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CoveError } from '@cove/core';

/** What the HTTPS server is given: PEM text, and the certificate parsed. */
export interface TlsCredentials {
  /** The certificate, then any intermediates, as PEM. */
  cert: Buffer;
  /** The certificate's private key, as PEM. */
  key: Buffer;
  /** The first certificate of `cert`: its fingerprint256 is what people compare. */
  certificate: X509Certificate;
}

/** Node's "ENOENT: no such file or directory, open '/x'" as "ENOENT (no such file or directory)". */
function errnoText(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const description = /^[A-Z]+: ([^,]+)/.exec(message)?.[1];
  return code ? `${code}${description ? ` (${description})` : ''}` : message;
}

function readPem(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CoveError(`cannot read the TLS ${what} ${path}: ${errnoText(error)}`, 125, {
      cause: error,
    });
  }
}

/**
 * Reads a certificate and its key and checks they are a pair, so a mistake shows at
 * start, naming the file, rather than as a failed handshake in someone's browser.
 */
export function readTlsFiles(certPath: string, keyPath: string): TlsCredentials {
  const cert = readPem('certificate', certPath);
  const key = readPem('key', keyPath);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new CoveError(`the TLS certificate ${certPath} is not a PEM certificate`, 125, {
      cause: error,
    });
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new CoveError(
      `the TLS key ${keyPath} is not a PEM private key without a passphrase: ${(error as Error).message}`,
      125,
      { cause: error },
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CoveError(
      `the TLS key ${keyPath} and certificate ${certPath} are not a pair: the key is another certificate's`,
    );
  }
  return { cert, key, certificate };
}
