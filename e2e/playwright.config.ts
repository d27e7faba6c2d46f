import { defineConfig } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './support/chromium';

/**
 * The scenarios share one agent (started by the global setup) and build on each other's
 * containers, so they run one at a time, in file order, in Debian's Chromium.
 */
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalSetup: './support/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
    launchOptions: { executablePath: chromiumPath, args: chromiumFlags },
  },
});
