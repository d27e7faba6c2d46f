import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagePaths } from '../../src/image/image-paths.js';
import { storeLayout } from '../../src/store/store-layout.js';

const entries = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

/** A store and a scratch directory of its own for one test file, removed by `cleanup`. */
export function imageTestStore(name: string) {
  const root = mkdtempSync(join(tmpdir(), `cove-${name}-`));
  const scratch = mkdtempSync(join(tmpdir(), `cove-${name}-files-`));
  const layout = storeLayout(root);
  const paths = imagePaths(layout);
  return {
    root,
    scratch,
    layout,
    paths,
    /** Writes a file in the scratch directory and returns its path. */
    write(fileName: string, data: Buffer | string): string {
      const path = join(scratch, fileName);
      writeFileSync(path, data);
      return path;
    },
    /** No image name, no layer and no staging directory: what a refused import must leave. */
    assertNoImageDebris(): void {
      assert.deepEqual(entries(paths.refs), [], 'no image name was stored');
      assert.deepEqual(entries(paths.layers), [], 'no layer was stored');
      assert.deepEqual(entries(paths.tmp), [], 'no staging directory is left');
    },
    layerCount: () => entries(paths.layers).length,
    cleanup(): void {
      rmSync(root, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
