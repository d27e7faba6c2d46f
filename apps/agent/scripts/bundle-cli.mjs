// Bundles the compiled CLI into one file. A command such as `cove ps` is a fresh Node
// process each time, and loading ~170 modules one by one (tRPC, ws, zod and its
// locales, every command) cost more than the request itself: one minified file is
// parsed in a fraction of that. `cove agent` is left out of the bundle: it loads the
// engine and the server from dist/ as before.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/src/cli/main.bundle.mjs',
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Resolved at run time next to the bundle, in dist/src/cli/.
  external: ['./commands/agent.js'],
  // ws loads these optional native speed-ups only if they are installed.
  logOverride: { 'unsupported-require-call': 'silent' },
  banner: {
    // Some bundled CommonJS (ws) calls require(): give the ES module one.
    js: "import { createRequire as __coveRequire } from 'node:module'; const require = __coveRequire(import.meta.url);",
  },
});
