import { test as base } from '@playwright/test';
import { type AgentApi, createAgentApi } from './agent-api';
import { restartBox } from './e2e-box';
import { type SuiteAgent, suiteAgent } from './suite-env';

interface Options {
  /** Start each test with the session the global setup signed in; false for sign-in tests. */
  signedIn: boolean;
}

interface Fixtures {
  /** The agent's API with the token, to look behind the page and to set up. */
  api: AgentApi;
  /**
   * After a failed test, restarts e2e-box: its terminal may be anywhere (vi open, a fork
   * loop running), and the next scenario needs a fresh shell, not a cascade of failures.
   */
  restartBoxAfterFailure: undefined;
}

interface WorkerFixtures {
  agent: SuiteAgent;
}

export const test = base.extend<Options & Fixtures, WorkerFixtures>({
  signedIn: [true, { option: true }],
  agent: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => use(suiteAgent()),
    { scope: 'worker' },
  ],
  baseURL: async ({ agent }, use) => use(agent.url),
  context: async ({ context, agent, signedIn }, use) => {
    if (signedIn) {
      await context.addCookies([
        {
          name: 'cove_session',
          value: agent.sessionCookie,
          url: agent.url,
          httpOnly: true,
          sameSite: 'Strict',
        },
      ]);
    }
    await use(context);
  },
  api: async ({ agent }, use) => use(createAgentApi(agent.url, agent.token)),
  restartBoxAfterFailure: [
    async ({ api }, use, testInfo) => {
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus) await restartBox(api);
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
