#!/usr/bin/env node
// The CLI as one bundled file (see scripts/bundle-cli.mjs): a command starts in a
// fraction of the time that loading its modules one by one would take.
import '../dist/src/cli/main.bundle.mjs';
