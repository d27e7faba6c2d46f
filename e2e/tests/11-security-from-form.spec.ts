import { expect, test } from '../support/fixtures';

test('capabilities, a read-only root and a tmpfs chosen in the form are applied and shown', async ({
  page,
  api,
}) => {
  await page.goto('/create');
  await page.getByTestId('create-image').fill('busybox');
  await page.getByTestId('create-name').fill('e2e-hardened');
  await page.getByTestId('create-command').fill('sleep 600');
  await page.getByTestId('create-cap-drop').fill('ALL');
  await page.getByTestId('create-cap-add').fill('NET_BIND_SERVICE, KILL');
  await page.getByTestId('create-read-only').check();
  await page.getByTestId('create-tmpfs').fill('/tmp:size=8m');

  // The form teaches the CLI: the same container as a command line.
  await expect(page.getByTestId('cove-run-command')).toHaveText(
    'cove run -d --name e2e-hardened --cap-add NET_BIND_SERVICE --cap-add KILL --cap-drop ALL --read-only --tmpfs /tmp:size=8m busybox sleep 600',
  );
  await page.getByTestId('create-submit').click();
  await expect(page).toHaveURL(/\/container\?id=[0-9a-f]{64}/, { timeout: 20_000 });

  try {
    const security = page.getByTestId('security-card');
    await expect(security.getByTestId('capabilities')).toHaveText('KILL NET_BIND_SERVICE');
    await expect(security.getByTestId('root-filesystem')).toHaveText('read-only');
    await expect(security).toContainText('/tmp (size=8m)');

    const record = await api.inspect('e2e-hardened');
    expect(record.capabilities).toEqual(['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    expect(record.spec.readOnly).toBe(true);
    expect(record.spec.tmpfs).toEqual([{ target: '/tmp', options: ['size=8m'] }]);
  } finally {
    await api.removeContainer('e2e-hardened');
  }
});
