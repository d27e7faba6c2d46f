import type { Locator, Page } from '@playwright/test';
import type { AgentApi } from '../support/agent-api';
import { expect, test } from '../support/fixtures';

const volume = 'e2e-vol';
/** A container that writes into the volume and stays, so the volume is in use. */
const user = {
  name: 'e2e-vol-user',
  command: ['sh', '-c', 'echo hello > /data/greeting; exec sleep 100000'],
};

const volumeRow = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="volume-row"][data-name="${name}"]`);

test('a volume made on the Volumes page is mounted by a container, shows who uses it, and is kept until it is free', async ({
  page,
  api,
}) => {
  test.setTimeout(90_000);
  try {
    await page.goto('/');
    await page.getByRole('link', { name: 'Volumes' }).click();
    await expect(page).toHaveURL(/\/volumes/);

    // A name that is no name is refused as it is typed, with the agent's own rule.
    const name = page.getByTestId('volume-create-name');
    await name.fill('-bad');
    await name.blur();
    await expect(page.getByTestId('field-error-volume-name')).toContainText(
      'a volume name is letters, digits',
    );
    await name.fill(volume);
    await expect(page.getByTestId('field-error-volume-name')).toHaveCount(0);
    await expect(page.getByTestId('cove-volume-create-command')).toHaveText(
      `cove volume create ${volume}`,
    );
    await page.getByTestId('volume-create-submit').click();
    const row = volumeRow(page, volume);
    await expect(row.getByTestId('volume-size')).toHaveText('0 B');
    await expect(row.getByTestId('volume-users')).toHaveText('none');
    await expect(name).toHaveValue('');

    // A container mounts it by name (no network: not a networking test).
    await api.createContainer({
      image: 'busybox',
      name: user.name,
      command: user.command,
      network: 'none',
      volumes: [{ source: volume, target: '/data' }],
    });
    await expect(row.getByTestId('volume-users')).toHaveText(user.name);
    await page.reload();
    await expect(volumeRow(page, volume).getByTestId('volume-size')).toHaveText('6 B');

    // In use: the agent refuses, naming the container, and the volume stays.
    await volumeRow(page, volume).getByTestId('volume-remove').click();
    await page.getByTestId('confirm-action').click();
    const refusal = page.getByTestId('toast').filter({ hasText: `Remove ${volume} failed` });
    await expect(refusal).toContainText(`volume ${volume} is in use by container ${user.name}`);
    await expect(volumeRow(page, volume)).toBeVisible();

    // Free once the container is gone; then it can be removed.
    await api.removeContainer(user.name);
    await expect(volumeRow(page, volume).getByTestId('volume-users')).toHaveText('none');
    await volumeRow(page, volume).getByTestId('volume-remove').click();
    await page.getByTestId('confirm-action').click();
    await expect(volumeRow(page, volume)).toHaveCount(0);
  } finally {
    await removeWhatIsLeft(api);
  }
});

/** After a failure part way: the container, then the volume. */
async function removeWhatIsLeft(api: AgentApi): Promise<void> {
  if (await api.find(user.name)) await api.removeContainer(user.name);
  if ((await api.listVolumes()).some((each) => each.name === volume)) {
    await api.removeVolume(volume);
  }
}
