'use client';

import { useSearchParams } from 'next/navigation';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { fetchSessionState, type SignInCredentials, signIn } from '~/api/session';
import { safeNextPath } from '~/api/sign-in-redirect';
import { Banner } from '~/ui/banner';
import { CoveLogo } from '~/ui/cove-logo';
import { takeOneTimeCode } from './one-time-code';
import styles from './sign-in-page.module.css';

type Phase =
  | { kind: 'idle' }
  | { kind: 'using-link' }
  | { kind: 'submitting' }
  | { kind: 'failed'; title: string; detail: string };

export function SignInPage() {
  const params = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const signedOut = params.has('signed-out');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [token, setToken] = useState('');
  const [showToken, setShowToken] = useState(false);
  const tokenField = useRef<HTMLInputElement>(null);

  const attempt = (credentials: SignInCredentials, fromLink: boolean) => {
    setPhase({ kind: fromLink ? 'using-link' : 'submitting' });
    signIn(credentials).then(
      (result) => {
        // A full load, so every request from now on carries the new cookie.
        if (result === 'signed-in') window.location.replace(next);
        else {
          setPhase({ kind: 'failed', ...failureText(result, fromLink) });
          tokenField.current?.focus();
        }
      },
      () =>
        setPhase({
          kind: 'failed',
          title: 'Cannot reach the agent',
          detail: `Nothing answered at ${window.location.host}. Is \`cove agent\` running?`,
        }),
    );
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per page load: a sign-in link's code can be used only once.
  useEffect(() => {
    const code = takeOneTimeCode();
    if (code) {
      attempt({ code }, true);
      return;
    }
    if (signedOut) return;
    fetchSessionState().then(
      (state) => {
        if (state === 'signed-in') window.location.replace(next);
      },
      () => undefined,
    );
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (!trimmed) {
      setPhase({
        kind: 'failed',
        title: 'Enter the agent token',
        detail: 'The agent prints it when it starts.',
      });
      tokenField.current?.focus();
      return;
    }
    attempt({ token: trimmed }, false);
  };

  const busy = phase.kind === 'submitting' || phase.kind === 'using-link';

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <div className={styles.brand}>
          <CoveLogo size={36} />
          <div>
            <h1>Sign in to Cove</h1>
            <p className="muted">Manage this host’s containers from your browser.</p>
          </div>
        </div>

        {phase.kind === 'using-link' ? (
          <Banner tone="info" title="Signing you in with the link from the agent…" />
        ) : null}
        {signedOut && phase.kind === 'idle' ? (
          <Banner tone="success" title="You are signed out." />
        ) : null}
        {phase.kind === 'failed' ? (
          <Banner tone="danger" title={phase.title} testId="sign-in-error">
            {phase.detail}
          </Banner>
        ) : null}

        <form className={styles.form} onSubmit={submit} noValidate>
          <label htmlFor="token" className={styles.label}>
            Agent token
          </label>
          <div className={styles.tokenRow}>
            <input
              ref={tokenField}
              id="token"
              name="token"
              className="input mono"
              type={showToken ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(event) => setToken(event.target.value)}
              aria-describedby="token-help"
              aria-invalid={phase.kind === 'failed' ? true : undefined}
              data-testid="token-input"
            />
            <button
              type="button"
              className="button"
              aria-pressed={showToken}
              onClick={() => setShowToken((shown) => !shown)}
            >
              {showToken ? 'Hide' : 'Show'}
            </button>
          </div>
          <p id="token-help" className={styles.help}>
            <code>cove agent</code> prints the token and a one-click sign-in link when it starts.
            The link works once, for a few minutes.
          </p>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="sign-in-submit"
          >
            {phase.kind === 'submitting' ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}

function failureText(
  result: 'rejected' | 'rate-limited',
  fromLink: boolean,
): { title: string; detail: string } {
  if (result === 'rate-limited') {
    return {
      title: 'Too many attempts',
      detail: 'The agent is refusing sign-ins for a moment. Wait a minute, then try again.',
    };
  }
  if (fromLink) {
    return {
      title: 'This sign-in link has expired or was already used',
      detail: 'Links work once, for a few minutes. Paste the agent token below instead.',
    };
  }
  return {
    title: 'The agent did not accept this token',
    detail: 'Copy it again from the agent’s output; it changes when the agent is set up anew.',
  };
}
