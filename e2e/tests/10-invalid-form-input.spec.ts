import { expect, test } from '../support/fixtures';

test('invalid form input is explained at its field and creates nothing', async ({ page, api }) => {
  const before = await api.listContainers();
  await page.goto('/create');

  await page.getByTestId('create-image').fill('');
  await page.getByTestId('create-name').fill('e2e-invalid');
  await page.getByTestId('create-memory').fill('12xb');
  await page.getByTestId('create-volumes').fill('relative/data:/data');
  await page.getByTestId('create-submit').click();

  await expect(page.getByTestId('field-error-image')).toHaveText('an image is required');
  await expect(page.getByTestId('field-error-memory')).toContainText('invalid size "12xb"');
  await expect(page.getByTestId('field-error-volumes')).toContainText(
    '"relative/data" is neither an absolute host path nor a volume name',
  );
  await expect(page.getByText('3 fields need attention.')).toBeVisible();
  await expect(page.getByTestId('create-image')).toBeFocused();
  await expect(page).toHaveURL(/\/create$/);

  // Each field's message goes when it is fixed, not before.
  await page.getByTestId('create-image').fill('busybox');
  await expect(page.getByTestId('field-error-image')).toHaveCount(0);
  await expect(page.getByTestId('field-error-memory')).toBeVisible();

  const after = await api.listContainers();
  expect(after.map((s) => s.record.name)).toEqual(before.map((s) => s.record.name));
  expect(after.some((s) => s.record.name === 'e2e-invalid')).toBe(false);
});
