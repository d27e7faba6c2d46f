import { open } from 'node:fs/promises';

/**
 * The last `count` lines of a log file, read from the end in blocks, so a 1 GB log
 * costs what its tail costs. Also returns where the file ended, to follow from there.
 */
export async function readLogTail(
  path: string,
  count: number,
): Promise<{ lines: string[]; endOffset: number }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch {
    return { lines: [], endOffset: 0 };
  }
  try {
    const { size } = await handle.stat();
    const blocks: Buffer[] = [];
    let position = size;
    let newlines = 0;
    while (position > 0 && newlines <= count) {
      const length = Math.min(64 * 1024, position);
      position -= length;
      const block = Buffer.alloc(length);
      await handle.read(block, 0, length, position);
      blocks.unshift(block);
      for (const byte of block) if (byte === 10) newlines++;
    }
    const text = Buffer.concat(blocks).toString('utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { lines: count === 0 ? [] : lines.slice(-count), endOffset: size };
  } finally {
    await handle.close();
  }
}
