import { openDetail } from '../support/dashboard';
import { expect, test } from '../support/fixtures';

const name = 'e2e-runs';

test('the logs panel follows a restarted container into its new run without a reload', async ({
  page,
  api,
}) => {
  // Each run says its number: the runs are counted in a file of the container's own.
  const record = await api.createContainer({
    image: 'busybox',
    name,
    network: 'none',
    command: [
      'sh',
      '-c',
      'trap "exit 0" TERM; n=$(( $(cat /run-count 2>/dev/null || echo 0) + 1 )); echo $n > /run-count; echo "run number $n"; while :; do sleep 1; done',
    ],
  });
  try {
    await openDetail(page, record.id, 'logs');
    const rows = page.getByTestId('logs-view').locator('.xterm-rows');
    await expect(rows).toContainText('run number 1');

    await page.getByTestId('action-restart').click();
    await expect(rows).toContainText('run number 2', { timeout: 20_000 });
    await expect(rows).toContainText('run number 1');
    await expect(page.getByTestId('logs-follow')).toHaveAttribute('aria-pressed', 'true');
  } finally {
    await api.removeContainer(name);
  }
});
