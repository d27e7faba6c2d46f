import type { Engine } from '@cove/core';
import { CoveError, importImage } from '@cove/core';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

export const importUsage = `Usage: cove image import [OPTIONS] FILE|- NAME[:TAG]

Import an image from an archive, plain, gzip or zstd: a root filesystem tarball (such
as Alpine's minirootfs), a 'docker save' archive, or an OCI image layout archive. "-"
reads the archive from stdin.

Options:
      --platform OS/ARCH   Which image of a multi-platform archive (default: this host's)`;

const flagSpecs: FlagSpec[] = [{ long: 'platform', value: true }, { long: 'help' }];

export async function imageImport(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('image import', args, flagSpecs);
  if (flags.has('help')) {
    console.log(importUsage);
    return 0;
  }
  const [file, reference, ...extra] = rest;
  if (!file || !reference || extra.length) {
    throw new CoveError(
      'cove image import: give a file and a name: cove image import FILE NAME[:TAG]',
    );
  }
  const platform = flags.get('platform')?.at(-1);
  const result = await importImage(engine.layout, file === '-' ? '/dev/stdin' : file, reference, {
    ...(platform ? { platform } : {}),
  });
  for (const warning of result.warnings) console.error(`cove: warning: ${warning}`);
  console.log(`Imported ${result.reference} ${result.digest}`);
  return 0;
}
