import { containerRow, selectTab } from '../support/dashboard';
import { box, runningBox } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';
import { processesInContainer } from '../support/host-view';
import { TerminalPane } from '../support/terminal-pane';

test('the terminal runs in the container: hostname, PID 1, its own PIDs, and the window size', async ({
  page,
  api,
}) => {
  const record = await runningBox(api);
  const hostPid1 = record.state.pid ?? 0;
  await page.goto('/');
  await containerRow(page, box.name).getByRole('link', { name: box.name }).click();
  await selectTab(page, 'terminal');
  const terminal = new TerminalPane(page);
  await terminal.waitUntilReady();

  expect(await terminal.run('hostname')).toEqual([box.hostname]);

  const ps = await terminal.run('ps');
  const pid1 = ps.find((line) => /^\s*1\s/.test(line));
  expect(pid1, `PID 1 in:\n${ps.join('\n')}`).toMatch(new RegExp(`\\s${box.args.join(' ')}$`));

  // The terminal is the container's own: its shell is the container's PID 1, which the
  // host knows by another PID (inspect's state.pid).
  const [shellPid = ''] = await terminal.run('echo $$');
  expect(shellPid).toBe('1');
  // Closing this tab detaches from PID 1's terminal, and the button says so.
  await expect(page.getByTestId('terminal-tab-close').first()).toHaveAttribute(
    'title',
    "Close (detaches: the container's program goes on running)",
  );
  expect(hostPid1).toBeGreaterThan(1);
  const shell = processesInContainer(hostPid1).find((process) => process.containerPid === 1);
  expect(shell?.hostPid, 'PID 1 of the container is the host PID inspect reports').toBe(hostPid1);

  const sizes: string[] = [];
  for (const viewport of [
    { width: 1000, height: 640 },
    { width: 1400, height: 900 },
  ]) {
    await page.setViewportSize(viewport);
    let size = '';
    await expect(async () => {
      const rows = await terminal.rowCount();
      [size = ''] = await terminal.run('stty size');
      expect(size).toMatch(new RegExp(`^${rows} \\d+$`));
    }, 'stty size reports the rows the terminal shows').toPass({ timeout: 15_000 });
    sizes.push(size);
    // The columns: one more character than stty's width wraps onto a second row.
    const cols = Number(size.split(' ')[1]);
    const wrapped = await terminal.run(`head -c ${cols + 1} /dev/zero | tr '\\0' 0; echo`);
    expect(wrapped, `${cols + 1} characters on a terminal ${cols} wide`).toEqual([
      '0'.repeat(cols),
      '0',
    ]);
  }
  expect(sizes[0], 'a new window size is a new terminal size').not.toBe(sizes[1]);
});
