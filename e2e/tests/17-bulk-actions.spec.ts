import type { Locator, Page } from '@playwright/test';
import type { AgentApi } from '../support/agent-api';
import { expect, test } from '../support/fixtures';

/** Two containers that end at SIGTERM at once (a trap), on no network. */
const names = ['e2e-bulk-a', 'e2e-bulk-b'];
const command = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];

/** As the list shows them, and so the confirmation names them: newest first. */
const newestFirst = [...names].reverse().join(', ');

const row = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="container-row"][data-name="${name}"]`);

test('several containers selected in the list are stopped, started and removed together, with one confirmation naming them', async ({
  page,
  api,
}) => {
  test.setTimeout(90_000);
  try {
    for (const name of names) {
      await api.createContainer({ image: 'busybox', name, command, network: 'none' });
    }
    await page.goto('/');
    await page.getByTestId('containers-filter').fill('e2e-bulk');
    for (const name of names) {
      await expect(row(page, name).getByTestId('container-state')).toHaveAttribute(
        'data-state',
        'running',
      );
    }
    await expect(page.getByTestId('selection-bar')).toHaveCount(0);

    // "Select every container shown" takes exactly the filtered rows.
    await page.getByTestId('select-all').check();
    await expect(page.getByTestId('selection-count')).toHaveText('2 selected');

    await page.getByTestId('bulk-stop').click();
    await expect(page.getByTestId('bulk-confirm-names')).toHaveText(newestFirst);
    await page.locator('dialog[open]').getByTestId('confirm-action').click();
    for (const name of names) {
      await expect(row(page, name).getByTestId('container-state')).toHaveAttribute(
        'data-state',
        'exited',
      );
    }

    // One of them alone: started again without a question.
    await page.getByTestId('select-all').uncheck();
    await row(page, names[0] ?? '')
      .getByTestId('row-select')
      .check();
    await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
    await page.getByTestId('bulk-start').click();
    await expect(row(page, names[0] ?? '').getByTestId('container-state')).toHaveAttribute(
      'data-state',
      'running',
    );
    await expect(row(page, names[1] ?? '').getByTestId('container-state')).toHaveAttribute(
      'data-state',
      'exited',
    );

    // Both removed, the running one with force, after one confirmation.
    await page.getByTestId('select-all').check();
    await page.getByTestId('bulk-remove').click();
    await expect(page.getByTestId('bulk-confirm-names')).toHaveText(newestFirst);
    await page.locator('dialog[open]').getByTestId('confirm-action').click();
    for (const name of names) await expect(row(page, name)).toHaveCount(0);
    await expect(page.getByTestId('selection-bar')).toHaveCount(0);
    for (const name of names) expect(await api.find(name)).toBeNull();
  } finally {
    await removeWhatIsLeft(api);
  }
});

async function removeWhatIsLeft(api: AgentApi): Promise<void> {
  for (const name of names) {
    if (await api.find(name)) await api.removeContainer(name);
  }
}
