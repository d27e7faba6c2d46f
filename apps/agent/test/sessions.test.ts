import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSessions } from '../src/server/auth/sessions.js';

const token = 'the-agent-token';

test('a session ends when signed out or when its lifetime is over, and says so once', async () => {
  const ended: string[] = [];
  const sessions = createSessions(token, { lifetimeMs: 50, onEnd: (id) => ended.push(id) });
  const signedOut = sessions.signIn({ token }) ?? '';
  const expiring = sessions.signIn({ token }) ?? '';
  assert.ok(sessions.isValid(signedOut) && sessions.isValid(expiring));
  sessions.signOut(signedOut);
  sessions.signOut(signedOut);
  assert.deepEqual(ended, [signedOut]);
  assert.equal(sessions.isValid(signedOut), false);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.deepEqual(ended, [signedOut, expiring], 'expiry ends a session unused since sign-in');
  assert.equal(sessions.isValid(expiring), false);
  sessions.close();
});

test('a wrong token makes no session, and a lifetime a timer cannot hold is refused', () => {
  const sessions = createSessions(token);
  assert.equal(sessions.signIn({ token: 'wrong' }), null);
  assert.equal(sessions.lifetimeMs, 12 * 60 * 60 * 1000);
  sessions.close();
  assert.throws(() => createSessions(token, { lifetimeMs: 30 * 24 * 60 * 60 * 1000 }), RangeError);
});
