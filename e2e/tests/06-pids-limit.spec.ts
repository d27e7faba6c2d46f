import { containerRow, dataValue, openDetail, selectTab } from '../support/dashboard';
import { box, runningBox } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';
import { pidsCurrent } from '../support/host-view';
import { TerminalPane } from '../support/terminal-pane';

test('a fork loop stops at the pids limit while the agent and the page stay responsive', async ({
  page,
  api,
}) => {
  const record = await runningBox(api);
  await openDetail(page, record.id, 'terminal');
  const terminal = new TerminalPane(page);
  await terminal.waitUntilReady();

  // Forks until fork(2) fails with EAGAIN at pids.max; the shell then gives up the loop.
  await terminal.typeLine('while :; do sleep 600 & done');
  await terminal.waitForLine(/can't fork/, 20_000);
  await terminal.waitForPrompt();
  expect(pidsCurrent(record), 'the kernel holds the cgroup at pids.max').toBe(box.pids);

  await selectTab(page, 'overview');
  const latest = page.getByTestId('pids-latest');
  await expect(latest).toHaveAttribute('data-value', String(box.pids));
  await expect(page.getByTestId('pids-limit')).toHaveAttribute('data-value', String(box.pids));

  // The agent answers and the page keeps updating while the container is at its limit.
  const started = Date.now();
  const listed = await api.listContainers();
  expect(listed.some((summary) => summary.record.name === box.name)).toBe(true);
  expect(Date.now() - started, 'the agent answers within a second').toBeLessThan(1000);
  await page.getByRole('link', { name: 'Containers' }).first().click();
  await expect(containerRow(page, box.name)).toBeVisible();
  await page.goBack();
  await selectTab(page, 'terminal');
  await terminal.waitForPrompt();
  // The shell still works: kill and wait are builtins, which need no fork. The shell
  // reports each killed job before its next prompt.
  await terminal.typeLine('kill -9 -1; wait');
  await terminal.waitForLine(/^\[1\]\+ +Killed +sleep 600$/);
  await terminal.waitForPrompt();
  expect(await terminal.run('echo alive')).toEqual(['alive']);
  await expect
    .poll(() => pidsCurrent(record), { message: 'the loop’s processes are gone' })
    .toBe(1);
  await selectTab(page, 'overview');
  await expect
    .poll(() => dataValue(latest), { message: 'the graph comes back down' })
    .toBeLessThan(box.pids);
});
