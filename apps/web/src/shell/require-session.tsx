'use client';

import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { fetchSessionState } from '~/api/session';
import { redirectToSignIn } from '~/api/sign-in-redirect';
import { Banner } from '~/ui/banner';
import styles from './require-session.module.css';

type Check =
  | { state: 'checking' }
  | { state: 'signed-in' }
  | { state: 'unreachable'; message: string };

/**
 * Renders the dashboard only once the agent accepts the session cookie; sends everyone
 * else to the sign-in page. The API client is created below this, after the check, so a
 * signed-out browser never opens a live connection the agent would refuse.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const [check, setCheck] = useState<Check>({ state: 'checking' });
  const run = useCallback(() => {
    setCheck({ state: 'checking' });
    fetchSessionState().then(
      (state) => {
        if (state === 'signed-in') setCheck({ state: 'signed-in' });
        else redirectToSignIn();
      },
      (error: unknown) =>
        setCheck({
          state: 'unreachable',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  }, []);
  useEffect(() => run(), [run]);

  if (check.state === 'signed-in') return children;
  if (check.state === 'checking') return <div className={styles.blank} aria-busy="true" />;
  return (
    <div className={styles.center}>
      <Banner
        tone="danger"
        title="Cannot reach the Cove agent"
        action={
          <button type="button" className="button" onClick={run}>
            Try again
          </button>
        }
      >
        Start it with <code>cove agent</code> on the host, then try again. ({check.message})
      </Banner>
    </div>
  );
}
