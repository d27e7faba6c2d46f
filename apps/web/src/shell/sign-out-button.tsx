'use client';

import { useState } from 'react';
import { signOut } from '~/api/session';
import { SignOutIcon } from '~/ui/icons';

/** Ends the session on the agent, then reloads into the sign-in page with nothing cached. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="button button-ghost"
      style={{ justifyContent: 'flex-start' }}
      disabled={pending}
      onClick={() => {
        setPending(true);
        signOut()
          .catch(() => undefined)
          .finally(() => window.location.assign('/signin?signed-out'));
      }}
    >
      <SignOutIcon size={16} />
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
