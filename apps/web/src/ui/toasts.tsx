'use client';

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { CloseIcon } from './icons';
import styles from './toasts.module.css';

type Tone = 'danger' | 'success' | 'warning' | 'info';

interface Toast {
  id: number;
  tone: Tone;
  title: string;
  detail?: string | undefined;
}

type Notify = (toast: Omit<Toast, 'id'>) => void;

const ToastContext = createContext<Notify | null>(null);

/**
 * Short-lived messages for things that happen away from where the user is looking: an
 * action that failed, an OOM kill in another container. Announced politely to screen
 * readers; errors stay longer.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);
  const notify = useMemo<Notify>(() => {
    let nextId = 1;
    return (toast) => {
      const id = nextId++;
      setToasts((current) => [...current.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), toast.tone === 'danger' ? 10_000 : 5_000);
    };
  }, [dismiss]);

  return (
    <ToastContext.Provider value={notify}>
      {children}
      <section className={styles.region} aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={styles.toast}
            data-tone={toast.tone}
            // An error interrupts (alert, assertive); anything else waits its turn (status).
            role={toast.tone === 'danger' ? 'alert' : 'status'}
            data-testid="toast"
          >
            <div className={styles.text}>
              <strong>{toast.title}</strong>
              {toast.detail ? <span>{toast.detail}</span> : null}
            </div>
            <button
              type="button"
              className="button button-ghost button-icon"
              aria-label="Dismiss notification"
              onClick={() => dismiss(toast.id)}
            >
              <CloseIcon size={14} />
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  const notify = useContext(ToastContext);
  if (!notify) throw new Error('useToast must be used inside <ToastProvider>');
  return notify;
}
