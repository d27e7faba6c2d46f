import { fileURLToPath } from 'node:url';

/** The repository's root, from this file's place in bench/dist/. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The CLI a user runs (`cove`), as `npx cove` finds it. */
export const coveBin = `${repoRoot}apps/agent/bin/cove.js`;

export const resultsDir = `${repoRoot}bench/results`;
