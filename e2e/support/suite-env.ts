/**
 * The agent the global setup started, handed to the test workers through their
 * environment (workers start after the setup, and inherit it). The only place the suite
 * reads process.env.
 */
export interface SuiteAgent {
  /** `http://127.0.0.1:PORT`: the dashboard at `/`, the API under `/api`. */
  url: string;
  /** The agent token, as `cove agent` prints it. */
  token: string;
  /** The temporary store the agent runs on. */
  store: string;
  /** A browser session the setup signed in once: the agent allows 10 sign-ins a minute. */
  sessionCookie: string;
}

const names = {
  url: 'COVE_E2E_URL',
  token: 'COVE_E2E_TOKEN',
  store: 'COVE_E2E_STORE',
  sessionCookie: 'COVE_E2E_SESSION',
} as const satisfies Record<keyof SuiteAgent, string>;

export function publishSuiteAgent(agent: SuiteAgent): void {
  for (const key of Object.keys(names) as (keyof SuiteAgent)[]) {
    process.env[names[key]] = agent[key];
  }
}

export function suiteAgent(): SuiteAgent {
  const read = (key: keyof SuiteAgent) => {
    const value = process.env[names[key]];
    if (!value) {
      throw new Error(
        `${names[key]} is not set: run the suite with \`npm run test:e2e\` (its global setup starts the agent)`,
      );
    }
    return value;
  };
  return {
    url: read('url'),
    token: read('token'),
    store: read('store'),
    sessionCookie: read('sessionCookie'),
  };
}
