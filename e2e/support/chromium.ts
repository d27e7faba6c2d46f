/**
 * Debian's Chromium: Playwright's own browser downloads do not work on these machines.
 * Without the networking flags Chromium keeps calling home, and this network refuses.
 */
export const chromiumPath = '/usr/bin/chromium';

export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
