import { containerRow, isSameDocument, markDocument, rowState } from '../support/dashboard';
import { expect, test } from '../support/fixtures';
import { isSameProcessAlive } from '../support/leftovers';

const name = 'e2e-life';

test('stop, start, pause, resume and remove from the list update its state without a reload', async ({
  page,
  api,
}) => {
  // PID 1 of a PID namespace ignores SIGTERM unless it handles it: this one does, so a
  // stop is quick rather than a wait for the SIGKILL.
  const created = await api.createContainer({
    image: 'busybox',
    name,
    command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'],
  });
  await page.goto('/');
  const row = containerRow(page, name);
  const state = rowState(page, name);
  await expect(state).toHaveAttribute('data-state', 'running');
  await markDocument(page);

  await row.getByTestId('action-stop').click();
  await expect(state).toHaveAttribute('data-state', 'exited');
  expect((await api.inspect(name)).state.status).toBe('exited');

  await row.getByTestId('action-start').click();
  await expect(state).toHaveAttribute('data-state', 'running');
  const started = await api.inspect(name);
  expect(started.state.status).toBe('running');
  expect(started.state.pid).not.toBe(created.state.pid);

  await row.getByTestId('action-pause').click();
  await expect(state).toHaveAttribute('data-state', 'paused');
  await expect(state).toHaveText('Paused');
  expect((await api.inspect(name)).state.status).toBe('paused');

  await row.getByTestId('action-unpause').click();
  await expect(state).toHaveAttribute('data-state', 'running');
  expect((await api.inspect(name)).state.status).toBe('running');

  // Every row has its own dialog: their ids must differ, or a dialog is named by another
  // row's title.
  const duplicateIds = await page.evaluate(() => {
    const ids = Array.from(document.querySelectorAll('[id]'), (element) => element.id);
    return ids.filter((id, index) => ids.indexOf(id) !== index);
  });
  expect(duplicateIds, 'element ids on the list page').toEqual([]);
  await row.getByTestId('action-remove').click();
  const dialog = page.getByRole('dialog', { name: `Remove ${name}?` });
  await expect(dialog).toContainText(`Remove ${name}?`);
  await dialog.getByTestId('confirm-action').click();
  await expect(row).toHaveCount(0);

  expect(await isSameDocument(page), 'every state change arrived without a reload').toBe(true);
  expect(await api.find(name)).toBeNull();
  const pid = started.state.pid ?? 0;
  expect(isSameProcessAlive(pid, started.state.pidStartTime), 'its PID 1 is gone').toBe(false);
});
