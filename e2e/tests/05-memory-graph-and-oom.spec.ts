import type { Page } from '@playwright/test';
import type { ContainerRecord } from '../support/agent-api';
import { dataValue, openDetail, selectTab } from '../support/dashboard';
import { box, runningBox } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';
import { memoryCurrent } from '../support/host-view';
import { TerminalPane } from '../support/terminal-pane';

const mebibyte = 1024 * 1024;

/** The graph's latest value against the kernel's own number, within 10 %. */
async function expectGraphFollowsKernel(page: Page, record: ContainerRecord, atLeast: number) {
  const latest = page.getByTestId('memory-latest');
  await expect(async () => {
    const kernel = memoryCurrent(record);
    const shown = await dataValue(latest);
    expect(kernel, 'memory.current holds what was allocated').toBeGreaterThanOrEqual(atLeast);
    expect(
      Math.abs(shown - kernel) / kernel,
      `graph ${shown} B, kernel ${kernel} B`,
    ).toBeLessThanOrEqual(0.1);
  }).toPass({ timeout: 10_000 });
}

test('memory allocated in the terminal shows on the graph as the kernel counts it, up to an OOM kill', async ({
  page,
  api,
}) => {
  const record = await runningBox(api);
  await openDetail(page, record.id, 'terminal');
  const terminal = new TerminalPane(page);
  await terminal.waitUntilReady();
  await terminal.run('rm -f /dev/shm/e2e-*');

  // Step by step, 16 MiB at a time into /dev/shm (tmpfs: charged to the cgroup, held
  // until removed), below the 64 MiB limit.
  for (const step of [1, 2, 3]) {
    const written = await terminal.run(
      `dd if=/dev/zero of=/dev/shm/e2e-${step} bs=1M count=16 2>&1 | grep 'records out'`,
      20_000,
    );
    expect(written).toEqual(['16+0 records out']);
    await selectTab(page, 'overview');
    await expectGraphFollowsKernel(page, record, step * 16 * mebibyte);
    await selectTab(page, 'terminal');
  }

  // Past the limit: the shell itself reads 32 MiB more into a variable. It holds the most
  // memory in the cgroup, so the OOM killer picks it: the container's PID 1.
  await terminal.typeLine(`x=$(head -c ${32 * mebibyte} /dev/zero | tr '\\0' x)`);
  await expect(terminal.host).toHaveAttribute('data-status', 'exited', { timeout: 30_000 });
  await expect(page.getByTestId('terminal-exited')).toContainText('Exited (code 137)');

  const after = await api.inspect(box.name);
  expect(after.state).toMatchObject({ status: 'exited', oomKilled: true, exitCode: 137 });

  await selectTab(page, 'overview');
  await expect(page.getByTestId('container-state')).toHaveAttribute('data-state', 'exited');
  await expect(page.getByTestId('container-state')).toHaveText('Exited (OOM)');
  await expect(page.getByTestId('overview-oom-killed')).toHaveText('yes');
  await expect(page.getByTestId('oom-banner')).toBeVisible();
  // The toast is an alert, so a screen reader says it at once, wherever the user is (one
  // per kill: there may be two, see below).
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: `${box.name}: out of memory` })
      .first(),
  ).toBeVisible();
  // The kernel may kill twice within a sample (the allocator, then the shell that forked
  // it): every kill is a mark, and at least one must be there.
  await expect(
    page.getByTestId('oom-mark').first(),
    'the OOM kill marked on the memory graph',
  ).toBeVisible();
});
