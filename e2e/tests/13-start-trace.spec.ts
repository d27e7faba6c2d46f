import { openDetail, selectTab } from '../support/dashboard';
import { expect, test } from '../support/fixtures';

const name = 'e2e-traced';
const failing = 'e2e-no-program';

test("a container's Start tab draws its real start as a waterfall, step by step, with the calls", async ({
  page,
  api,
}) => {
  const record = await api.createContainer({
    image: 'busybox',
    name,
    command: ['sleep', '300'],
    network: 'none',
  });
  try {
    await openDetail(page, record.id, 'overview');
    await selectTab(page, 'start');
    const trace = page.getByTestId('start-trace');
    await expect(trace.getByTestId('trace-total')).toHaveText(/^\d+(\.\d+)? ms$/);
    await expect(trace.getByTestId('trace-summary')).toContainText('busybox: sleep 300');

    // The seeds' groups, in the order the start took them.
    const groups = trace.locator('[data-testid^="trace-group-"]');
    const names = await groups.evaluateAll((items) => items.map((item) => item.dataset.testid));
    const rootfs = names.indexOf('trace-group-root filesystem');
    expect(rootfs, names.join(' ')).toBeGreaterThan(names.indexOf('trace-group-cgroup'));
    expect(names.indexOf('trace-group-privileges'), names.join(' ')).toBeGreaterThan(rootfs);

    // A step says why it is there and how to do it by hand, and lists its calls.
    await trace.getByTestId('trace-step-private-root').click();
    await expect(trace.getByTestId('trace-by-hand')).toHaveText('$ mount --make-rprivate /');
    await expect(trace.getByTestId('trace-why')).toContainText('leak to the host');
    await expect(trace.getByTestId('trace-calls')).toContainText(
      'mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL)',
    );
    await trace.getByTestId('trace-step-pivot-root').click();
    await expect(trace.getByTestId('trace-calls')).toContainText('pivot_root(".", ".")');
    await expect(trace.getByTestId('trace-step-execve')).toHaveAttribute('aria-pressed', 'false');

    // Groups fold away and come back.
    const rootfsGroup = trace.getByTestId('trace-group-root filesystem');
    await rootfsGroup.getByRole('button', { expanded: true }).click();
    await expect(trace.getByTestId('trace-step-proc')).toHaveCount(0);
    await rootfsGroup.getByRole('button', { expanded: false }).click();
    await expect(trace.getByTestId('trace-step-proc')).toBeVisible();
  } finally {
    await api.removeContainer(name);
  }
});

test('a start that failed is listed from the containers page, its failing step red with the error', async ({
  page,
  api,
}) => {
  await expect(
    api.createContainer({
      image: 'busybox',
      name: failing,
      command: ['no-such-program'],
      network: 'none',
    }),
  ).rejects.toThrow(/no-such-program/);

  await page.goto('/');
  await page.getByTestId('failed-starts-link').click();
  await expect(page).toHaveURL(/\/starts/);
  const newest = page.getByTestId('failed-start').first();
  await expect(newest).toContainText(failing);
  await expect(newest).toContainText('The command looked up');
  await expect(newest).toHaveAttribute('aria-pressed', 'true');

  const shown = page.getByTestId('failed-start-trace');
  await expect(shown.getByTestId('trace-error')).toContainText('no-such-program');
  await expect(shown.getByTestId('trace-step-command')).toHaveAttribute('data-failed', 'true');
  // The failed step is the one selected from the start, with the error where it happened.
  await expect(shown.getByTestId('trace-step-command')).toHaveAttribute('aria-pressed', 'true');
  await expect(shown.getByTestId('trace-failure')).toContainText('no-such-program');
  await expect(shown.getByTestId('trace-step-execve')).toHaveCount(0);
});
