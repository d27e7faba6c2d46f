import type { Locator, Page } from '@playwright/test';

/** The dashboard's parts as a person finds them, by the test ids and roles it promises. */

export function containerRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="container-row"][data-name="${name}"]`);
}

/** A row's state cell: the badge whose `data-state` is the raw status. */
export function rowState(page: Page, name: string): Locator {
  return containerRow(page, name).getByTestId('container-state');
}

export async function openDetail(
  page: Page,
  id: string,
  tab: 'overview' | 'terminal' | 'logs' | 'start' | 'inspect' = 'overview',
): Promise<void> {
  await page.goto(`/container?id=${id}&tab=${tab}`);
}

/** Switches tabs the way a person does, by clicking the tab. */
export async function selectTab(
  page: Page,
  tab: 'overview' | 'terminal' | 'logs' | 'start' | 'inspect',
): Promise<void> {
  await page.getByTestId(`tab-${tab}`).click();
}

/** Reads a number the dashboard renders into `data-value`; NaN while it shows none. */
export async function dataValue(locator: Locator): Promise<number> {
  const text = await locator.getAttribute('data-value');
  return text ? Number(text) : Number.NaN;
}

/**
 * Marks the document so a test can prove later that what changed on screen changed
 * without a reload: a navigation or reload drops the mark.
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { coveE2eMark?: boolean }).coveE2eMark = true;
  });
}

export async function isSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { coveE2eMark?: boolean }).coveE2eMark === true);
}

const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Parses what formatBytes shows ("48.2 MiB") back to bytes; NaN for "—". */
export function parseShownBytes(text: string): number {
  const match = /^(-?\d+(?:\.\d+)?) (B|KiB|MiB|GiB)$/.exec(text.trim());
  return match?.[1] && match[2] ? Number(match[1]) * (units[match[2]] ?? Number.NaN) : Number.NaN;
}
