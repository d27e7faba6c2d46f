import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The dashboard's visible terminal, read and typed into as a person would: keys go
 * through the page's keyboard into xterm.js, and the screen is read from the rows
 * xterm.js's DOM renderer draws (`.xterm-rows`, one element per row).
 */
export class TerminalPane {
  readonly host: Locator;
  private commands = 0;
  /** A container's own terminal keeps its screen from test to test: markers must differ. */
  private readonly markerPrefix = Date.now().toString(36).toUpperCase();

  constructor(private readonly page: Page) {
    this.host = page.getByTestId('terminal').filter({ visible: true });
  }

  /** Connected to its session, with a shell prompt on screen. */
  async waitUntilReady(): Promise<void> {
    await expect(this.host).toHaveAttribute('data-status', 'open', { timeout: 20_000 });
    // An empty line asks the shell for a fresh prompt, whatever the screen held before.
    await this.typeLine('');
    await this.waitForPrompt();
  }

  /** Keys go where the focus is: into xterm.js's input, which a click on the screen focuses. */
  async focus(): Promise<void> {
    const input = this.host.locator('textarea.xterm-helper-textarea');
    if (!(await input.evaluate((element) => element === document.activeElement))) {
      await this.host.click();
      await expect(input).toBeFocused();
    }
  }

  async sessionId(): Promise<string | null> {
    return this.host.getAttribute('data-session');
  }

  /** The rows on screen, top to bottom, without trailing blanks. */
  async lines(): Promise<string[]> {
    return this.host
      .locator('.xterm-rows > div')
      .evaluateAll((rows) =>
        rows.map((row) => (row.textContent ?? '').replaceAll('\u00a0', ' ').trimEnd()),
      );
  }

  async rowCount(): Promise<number> {
    return this.host.locator('.xterm-rows > div').count();
  }

  /** The lowest line with text on it. */
  async lastLine(): Promise<string> {
    return (await this.lines()).filter(Boolean).at(-1) ?? '';
  }

  /** The last line with text ends in a root shell's prompt. */
  async waitForPrompt(timeout = 10_000): Promise<void> {
    await expect
      .poll(() => this.lastLine(), {
        message: 'a shell prompt at the bottom of the terminal',
        timeout,
      })
      .toMatch(/[#$] ?$/);
  }

  async type(text: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.type(text);
  }

  async typeLine(text: string): Promise<void> {
    await this.type(text);
    await this.page.keyboard.press('Enter');
  }

  async press(key: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press(key);
  }

  /**
   * Runs a command line in the shell and returns the lines it printed. The output is
   * framed by two markers the shell prints (`echo B''EGINX7` prints BEGINX7), which the
   * echo of the typed command cannot match.
   */
  async run(command: string, timeout = 10_000): Promise<string[]> {
    const id = `${this.markerPrefix}${++this.commands}`;
    const begin = `BEGIN${id}`;
    const end = `END${id}`;
    await this.typeLine(`echo B''EGIN${id}; ${command}; echo E''ND${id}`);
    let output: string[] = [];
    await expect
      .poll(
        async () => {
          const lines = await this.lines();
          const last = lines.lastIndexOf(end);
          const first = lines.lastIndexOf(begin, last);
          if (last < 0 || first < 0) return false;
          output = lines.slice(first + 1, last);
          return true;
        },
        { message: `the output of \`${command}\`, between ${begin} and ${end}`, timeout },
      )
      .toBe(true);
    return output;
  }

  /** Waits until a line on screen matches, and returns it. */
  async waitForLine(pattern: RegExp, timeout = 10_000): Promise<string> {
    let match = '';
    await expect
      .poll(
        async () => {
          match = (await this.lines()).find((line) => pattern.test(line)) ?? '';
          return match !== '';
        },
        { message: `a terminal line matching ${pattern}`, timeout },
      )
      .toBe(true);
    return match;
  }
}
