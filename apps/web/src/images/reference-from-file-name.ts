/**
 * A guess at NAME:TAG from a tarball's file name (`alpine-3.20.tar` → `alpine:3.20`,
 * `redis.tar.gz` → `redis:latest`), for the user to correct.
 */
export function referenceFromFileName(fileName: string): string {
  const base = fileName
    .replace(/\.(tar|tgz|tar\.gz|tar\.zst|oci)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-');
  const match = /^(.+?)[-_]v?(\d[\w.]*)$/.exec(base);
  return match ? `${match[1]}:${match[2]}` : `${base || 'image'}:latest`;
}
