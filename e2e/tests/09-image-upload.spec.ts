import { selectTab } from '../support/dashboard';
import { expect, test } from '../support/fixtures';
import { writeBusyboxRootfsTarball } from '../support/rootfs-tarball';

const reference = 'e2e-import:1';
const name = 'e2e-imported';
const greeting = 'hello from the imported image';

test('an image tarball imported through the upload form runs as a container', async ({
  page,
  api,
}, testInfo) => {
  const tarball = testInfo.outputPath('e2e-rootfs.tar');
  writeBusyboxRootfsTarball(tarball);

  await page.goto('/');
  await page.getByRole('link', { name: 'Images' }).click();
  await page.getByTestId('upload-file').setInputFiles(tarball);
  await page.getByTestId('upload-reference').fill(reference);
  await page.getByTestId('upload-submit').click();
  const done = page.getByTestId('upload-done');
  const failed = page.getByTestId('upload-error');
  await expect(done.or(failed)).toBeVisible({ timeout: 60_000 });
  expect(
    (await failed.count()) ? await failed.textContent() : null,
    'the upload failed',
  ).toBeNull();
  await expect(done).toContainText(`Imported ${reference}`);
  const row = page.locator(`[data-testid="image-row"][data-reference="${reference}"]`);
  await expect(row).toBeVisible();

  await row.getByRole('link', { name: 'Run' }).click();
  await expect(page.getByTestId('create-image')).toHaveValue(reference);
  await page.getByTestId('create-name').fill(name);
  // A root filesystem tarball has no default command: name one.
  await page.getByTestId('create-command').fill(`sh -c 'echo ${greeting}; exec sleep 600'`);
  await page.getByTestId('create-submit').click();
  await expect(page).toHaveURL(/\/container\?id=[0-9a-f]{64}/, { timeout: 20_000 });
  await expect(page.getByTestId('container-state')).toHaveAttribute('data-state', 'running');

  await selectTab(page, 'logs');
  await expect(page.getByTestId('logs-view').locator('.xterm-rows')).toContainText(greeting);

  const record = await api.inspect(name);
  expect(record.spec.image).toBe(reference);
  expect(record.state.status).toBe('running');
});
