import type { Page } from '@playwright/test';
import {
  containerRow,
  dataValue,
  openDetail,
  parseShownBytes,
  selectTab,
} from '../support/dashboard';
import { runningBox } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';
import { TerminalPane } from '../support/terminal-pane';

const mebibyte = 1024 * 1024;

/**
 * The memory graph's past, as a person reads it: the cursor moved across the last
 * minute, and the legend's memory.current at each point. Returns the highest seen.
 */
async function highestOnMemoryGraph(page: Page): Promise<number> {
  await page.getByRole('radio', { name: '1 min' }).check();
  const plot = page.getByRole('img', { name: /^Memory over time/ });
  const box = await plot.boundingBox();
  if (!box) throw new Error('the memory graph is not on screen');
  const value = page
    .getByRole('listitem')
    .filter({ hasText: /^memory\.current/ })
    .locator('span')
    .last();
  let highest = 0;
  const steps = 60;
  for (let step = 0; step <= steps; step++) {
    await page.mouse.move(box.x + 75 + ((box.width - 80) * step) / steps, box.y + box.height / 2);
    highest = Math.max(highest, parseShownBytes((await value.textContent()) ?? '') || 0);
  }
  await page.mouse.move(0, 0);
  return highest;
}

/** How many samples a row's memory sparkline draws (the points of its line). */
function sparklinePoints(page: Page, name: string): Promise<number> {
  return containerRow(page, name)
    .locator('svg.sparkline path')
    .last()
    .evaluate((path) => (path.getAttribute('d') ?? '').split(/[ML]/).filter(Boolean).length);
}

test('after a reload the graph keeps its history and the terminal re-attaches to its shell', async ({
  page,
  api,
}) => {
  const record = await runningBox(api);
  await openDetail(page, record.id, 'terminal');
  const terminal = new TerminalPane(page);
  await terminal.waitUntilReady();
  const session = await terminal.sessionId();

  // A past the graph must keep: 24 MiB held for a few seconds, then freed. The shell
  // also keeps a variable, to tell later that it is the same shell.
  const mark = `kept-${Date.now()}`;
  await terminal.typeLine(
    `dd if=/dev/zero of=/dev/shm/e2e-history bs=1M count=24 2>/dev/null; sleep 5; rm /dev/shm/e2e-history; E2E_MARK=${mark}; echo "marked $E2E_MARK"`,
  );
  await terminal.waitForLine(new RegExp(`^marked ${mark}$`), 20_000);

  await selectTab(page, 'overview');
  const latest = page.getByTestId('memory-latest');
  await expect
    .poll(() => dataValue(latest), { message: 'the 24 MiB are freed' })
    .toBeLessThan(12 * mebibyte);
  expect(
    await highestOnMemoryGraph(page),
    'the graph shows the past before a reload',
  ).toBeGreaterThan(22 * mebibyte);

  await page.reload();
  await expect(page.getByTestId('memory-latest')).not.toHaveAttribute('data-value', '');
  expect(await dataValue(latest)).toBeLessThan(12 * mebibyte);
  expect(
    await highestOnMemoryGraph(page),
    'the graph shows the same past after a reload',
  ).toBeGreaterThan(22 * mebibyte);

  await selectTab(page, 'terminal');
  await expect(terminal.host).toHaveAttribute('data-status', 'open', { timeout: 20_000 });
  expect(await terminal.sessionId(), 'the same terminal session').toBe(session);
  await terminal.waitForLine(new RegExp(`^marked ${mark}$`));
  expect(await terminal.run('echo "still $E2E_MARK"'), 'the same shell').toEqual([`still ${mark}`]);
});

test("after a reload the table's memory sparkline starts from the agent's history", async ({
  page,
  api,
}) => {
  const record = await runningBox(api);
  await page.goto('/');
  // A past to keep: more than 15 samples (the box usually has minutes of them already).
  await expect
    .poll(() => sparklinePoints(page, record.name), { timeout: 30_000 })
    .toBeGreaterThan(15);

  await page.reload();
  await containerRow(page, record.name).waitFor();
  // Live samples come one a second: 15 points at once can only be the history.
  expect(await sparklinePoints(page, record.name), 'full as the row appears').toBeGreaterThan(15);
});
