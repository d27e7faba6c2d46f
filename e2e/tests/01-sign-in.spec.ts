import { expect, test } from '../support/fixtures';

test.use({ signedIn: false });

test('the agent token signs in and a wrong token is refused', async ({ page, agent }) => {
  await page.goto('/');
  await expect(page, 'a signed-out browser is sent to the sign-in page').toHaveURL(/\/signin/);

  await page.getByTestId('token-input').fill('not-the-agent-token');
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('sign-in-error')).toContainText('did not accept this token');
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get('/api/session')).status(), 'no session after a wrong token').toBe(
    401,
  );

  await page.getByTestId('token-input').fill(agent.token);
  await page.getByTestId('sign-in-submit').click();
  await expect(page).toHaveURL(`${agent.url}/`);
  await expect(page.getByRole('heading', { name: 'Containers', level: 1 })).toBeVisible();
  expect((await page.request.get('/api/session')).status(), 'the cookie is a session').toBe(200);
});
