import { containerRow, rowState } from '../support/dashboard';
import { box } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';

test('a busybox created from the form with hostname and limits is listed as running', async ({
  page,
  api,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Create container' }).click();
  await expect(page).toHaveURL(/\/create/);

  await page.getByTestId('create-image').fill(box.image);
  // The store is fresh: the built-in busybox is not listed yet, and it is not to be pulled.
  await expect(page.getByTestId('image-built-in')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pull' })).toHaveCount(0);
  await page.getByTestId('create-name').fill(box.name);
  await page.getByTestId('create-hostname').fill(box.hostname);
  // No command: busybox's own `sh`, which runs as long as it has a terminal.
  await expect(page.getByTestId('create-command')).toHaveValue('');
  await page.getByRole('checkbox', { name: /Give the command a terminal/ }).check();
  await page.getByTestId('create-memory').fill(box.memory);
  await page.getByTestId('create-pids').fill(String(box.pids));
  await page.getByTestId('create-submit').click();

  // The form opens the new container's page once the agent has started it.
  await expect(page).toHaveURL(/\/container\?id=[0-9a-f]{64}/, { timeout: 20_000 });
  await expect(page.getByTestId('container-state')).toHaveAttribute('data-state', 'running');

  await page.getByRole('link', { name: 'Containers' }).first().click();
  await expect(page).toHaveURL(/\/$/);
  await expect(containerRow(page, box.name)).toBeVisible();
  await expect(rowState(page, box.name)).toHaveAttribute('data-state', 'running');
  await expect(rowState(page, box.name)).toHaveText('Running');

  // What the form sent is what the agent applied.
  const record = await api.inspect(box.name);
  expect(record.hostname).toBe(box.hostname);
  expect(record.args).toEqual(box.args);
  expect(record.spec.tty).toBe(true);
  expect(record.spec.limits.memory).toBe(box.memoryBytes);
  expect(record.spec.limits.pids).toBe(box.pids);
  expect(record.state.status).toBe('running');
});
