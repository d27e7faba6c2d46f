'use client';

import type { ReactNode } from 'react';
import { ApiProvider } from '~/api/api-provider';
import { ContainerEventsProvider } from '~/containers/container-events';
import { ToastProvider } from '~/ui/toasts';
import styles from './dashboard-shell.module.css';
import { RequireSession } from './require-session';
import { Sidebar } from './sidebar';

/** Everything behind sign-in: the session check, the API, live events, and the frame. */
export function DashboardShell({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      <ApiProvider>
        <ToastProvider>
          <ContainerEventsProvider>
            <div className={styles.frame}>
              <a href="#main" className={styles.skipLink}>
                Skip to content
              </a>
              <Sidebar />
              <main id="main" className={styles.main} tabIndex={-1}>
                {children}
              </main>
            </div>
          </ContainerEventsProvider>
        </ToastProvider>
      </ApiProvider>
    </RequireSession>
  );
}
