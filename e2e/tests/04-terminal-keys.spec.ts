import { openDetail } from '../support/dashboard';
import { runningBox } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';
import { processesInContainer } from '../support/host-view';
import { TerminalPane } from '../support/terminal-pane';

test('Ctrl-C stops a foreground sleep and vi opens and quits cleanly', async ({ page, api }) => {
  const record = await runningBox(api);
  const hostPid1 = record.state.pid ?? 0;
  await openDetail(page, record.id, 'terminal');
  const terminal = new TerminalPane(page);
  await terminal.waitUntilReady();

  await terminal.typeLine('sleep 1000');
  const sleeping = () => processesInContainer(hostPid1).filter((p) => p.cmdline === 'sleep 1000');
  await expect.poll(() => sleeping().length, { message: 'sleep 1000 runs' }).toBe(1);
  await terminal.press('Control+C');
  await expect.poll(() => sleeping().length, { message: 'Ctrl-C ended sleep 1000' }).toBe(0);
  await terminal.waitForPrompt();
  // 130 = 128 + SIGINT: the terminal's interrupt reached the foreground process.
  await terminal.typeLine('echo "status=$?"');
  await terminal.waitForLine(/^status=130$/);

  const [settings = ''] = await terminal.run('stty -g');
  await terminal.typeLine('vi /tmp/e2e-vi.txt');
  const editing = () => processesInContainer(hostPid1).some((p) => p.cmdline.startsWith('vi '));
  await expect.poll(editing, { message: 'vi runs' }).toBe(true);
  await terminal.waitForLine(/^~$/); // the empty buffer's lines
  // Like a person, each key waits for vi to show it took the last: insert mode, the text,
  // then command mode again ("I" and "-" lead vi's status line).
  await terminal.type('i');
  await expect.poll(() => terminal.lastLine(), { message: "vi's insert mode" }).toMatch(/^I /);
  await terminal.type('hello from vi');
  await terminal.waitForLine(/^hello from vi$/);
  await terminal.press('Escape');
  await expect.poll(() => terminal.lastLine(), { message: "vi's command mode" }).toMatch(/^- /);
  await terminal.typeLine(':wq');
  await terminal.waitForPrompt();
  expect(await terminal.run('cat /tmp/e2e-vi.txt')).toEqual(['hello from vi']);
  // vi gave the terminal back as it found it (echo, canonical mode, signals).
  expect(await terminal.run('stty -g')).toEqual([settings]);
  expect(editing(), 'vi ended').toBe(false);
});
