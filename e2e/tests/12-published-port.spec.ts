import { containerRow, dataValue } from '../support/dashboard';
import { expect, test } from '../support/fixtures';

const name = 'e2e-web';
const hostPort = 18080;
/** busybox's httpd serves a page and a 2 MiB file, which the network graph must count. */
const command =
  "sh -c 'mkdir -p /www && echo hello-cove > /www/index.html && head -c 2097152 /dev/zero > /www/big && exec httpd -f -p 80 -h /www'";

test('a web server created from the form with a published port answers at its link, and its traffic shows', async ({
  page,
  api,
}) => {
  await page.goto('/create');
  await page.getByTestId('create-image').fill('busybox');
  await page.getByTestId('create-name').fill(name);
  await page.getByTestId('create-command').fill(command);
  await expect(page.getByTestId('create-network')).toHaveValue('bridge');

  // Two rows with the same host port are refused as they are typed, before anything is sent.
  await page.getByTestId('port-add').click();
  await page.getByTestId('port-host-0').fill(String(hostPort));
  await page.getByTestId('port-container-0').fill('80');
  await page.getByTestId('port-add').click();
  await page.getByTestId('port-host-1').fill(String(hostPort));
  await page.getByTestId('port-container-1').fill('8080');
  await page.getByTestId('port-container-1').blur();
  await expect(page.getByTestId('field-error-ports')).toHaveText(
    `host port ${hostPort}/tcp is published twice`,
  );
  // A different protocol is a different port; removing the row clears the error too.
  await page.getByTestId('port-protocol-1').selectOption('udp');
  await expect(page.getByTestId('field-error-ports')).toHaveCount(0);
  await expect(page.getByTestId('cove-run-command')).toContainText(
    `-p ${hostPort}:80 -p ${hostPort}:8080/udp busybox`,
  );
  await page.getByTestId('port-remove-1').click();
  await expect(page.getByTestId('cove-run-command')).toContainText(`-p ${hostPort}:80 busybox`);

  await page.getByTestId('create-submit').click();
  await expect(page).toHaveURL(/\/container\?id=[0-9a-f]{64}/, { timeout: 20_000 });

  try {
    const record = await api.inspect(name);
    expect(record.spec.ports).toEqual([{ hostPort, containerPort: 80, protocol: 'tcp' }]);
    expect(record.network?.mode).toBe('bridge');

    const card = page.getByTestId('network-card');
    await expect(card.getByTestId('network-mode')).toHaveText('bridge');
    await expect(card.getByTestId('network-address')).toHaveText(
      `${record.network?.address}/${(record.network as { prefixLength?: number }).prefixLength}`,
    );

    // httpd starts a moment after the container: wait until it answers on the host port.
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${hostPort}/`).catch(() => null))?.status, {
        timeout: 15_000,
      })
      .toBe(200);

    // The link opens the page through the host port, in a new tab.
    const link = card.getByTestId('published-port-link');
    await expect(link).toHaveText(`0.0.0.0:${hostPort}->80/tcp`);
    const [served] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await expect(served).toHaveURL(`http://127.0.0.1:${hostPort}/`);
    await expect(served.locator('body')).toHaveText('hello-cove');
    await served.close();

    // 2 MiB out of the container shows on its network graph.
    const big = await fetch(`http://127.0.0.1:${hostPort}/big`);
    expect((await big.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
    await expect
      .poll(() => dataValue(page.getByTestId('network-sent')), { timeout: 10_000 })
      .toBeGreaterThan(2 * 1024 * 1024);

    // The list shows the port beside the container.
    await page.goto('/');
    await expect(containerRow(page, name).getByTestId('row-ports')).toHaveText(
      `${hostPort}→80/tcp`,
    );
  } finally {
    await api.removeContainer(name);
  }
});
