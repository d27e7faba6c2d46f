import type { Locator, Page } from '@playwright/test';
import type { AgentApi } from '../support/agent-api';
import { box, runningBox } from '../support/e2e-box';
import { expect, test } from '../support/fixtures';
import { TerminalPane } from '../support/terminal-pane';

const network = { name: 'e2e-net', subnet: '10.89.77.0/24', gateway: '10.89.77.1' };
/** busybox's httpd serving one page, found on the network by its name and its alias. */
const web = {
  name: 'e2e-net-web',
  alias: 'site',
  command:
    "sh -c 'mkdir -p /www && echo hello-network > /www/index.html && exec httpd -f -p 80 -h /www'",
};
/** A shell with a terminal, at an address chosen in the form (`--ip`). */
const client = { name: 'e2e-net-client', ip: '10.89.77.50' };
/** What e2e-box answers to on the network once connected from its page. */
const boxAlias = 'boxy';

const networkRow = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="network-row"][data-name="${name}"]`);
const containerNetwork = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="container-network"][data-network="${name}"]`);

test('containers on a network made from the dashboard reach each other by name and alias, and only there', async ({
  page,
  api,
}) => {
  test.setTimeout(150_000);
  try {
    await page.goto('/');
    await page.getByRole('link', { name: 'Networks' }).click();
    await expect(page).toHaveURL(/\/networks/);
    await expect(networkRow(page, 'bridge')).toBeVisible();
    await expect(networkRow(page, 'bridge').getByTestId('network-remove')).toHaveCount(0);

    // A malformed subnet is refused as it is typed; one with host bits set by the agent,
    // at the same field, and nothing is made.
    const subnet = page.getByTestId('network-create-subnet');
    const subnetError = page.getByTestId('field-error-network-subnet');
    await page.getByTestId('network-create-name').fill(network.name);
    await subnet.fill('bad');
    await subnet.blur();
    await expect(subnetError).toContainText('a subnet is A.B.C.D/N');
    await subnet.fill('10.89.77.1/24');
    await page.getByTestId('network-create-submit').click();
    await expect(subnetError).toContainText('host bits are set');
    await expect(networkRow(page, network.name)).toHaveCount(0);

    await subnet.fill(network.subnet);
    await expect(subnetError).toHaveCount(0);
    await expect(page.getByTestId('cove-network-create-command')).toHaveText(
      `cove network create --subnet ${network.subnet} ${network.name}`,
    );
    await page.getByTestId('network-create-submit').click();
    const row = networkRow(page, network.name);
    await expect(row.getByTestId('network-subnet')).toHaveText(network.subnet);
    await expect(row.getByTestId('network-gateway')).toHaveText(network.gateway);
    await expect(row.getByTestId('network-internal')).toHaveText('no');
    await expect(page.getByTestId('network-create-name')).toHaveValue('');

    // The web server: on the network from the create form, with an alias.
    await page.goto('/create');
    await page.getByTestId('create-image').fill('busybox');
    await page.getByTestId('create-name').fill(web.name);
    await page.getByTestId('create-command').fill(web.command);
    await expect(page.getByTestId('create-network')).toHaveValue('bridge');
    await page.getByTestId('create-network').selectOption({ label: network.name });
    const aliases = page.getByTestId('create-network-aliases');
    await aliases.fill('-site');
    await aliases.blur();
    await expect(page.getByTestId('field-error-networkAliases')).toContainText(
      'alias 1: an alias is a DNS label',
    );
    await aliases.fill(web.alias);
    await expect(page.getByTestId('field-error-networkAliases')).toHaveCount(0);
    await expect(page.getByTestId('cove-run-command')).toContainText(
      `--network ${network.name} --network-alias ${web.alias} busybox`,
    );
    await page.getByTestId('create-submit').click();
    await expect(page).toHaveURL(/\/container\?id=[0-9a-f]{64}/, { timeout: 20_000 });

    // Its page lists the network: eth0, an address of the subnet, the alias; a container
    // keeps its first network, so there is no disconnecting it.
    const webEntry = containerNetwork(page, network.name);
    await expect(webEntry.getByTestId('container-network-interface')).toHaveText('eth0');
    await expect(webEntry.getByTestId('container-network-address')).toHaveText(
      /^10\.89\.77\.\d+\/24$/,
    );
    await expect(webEntry.getByTestId('container-network-aliases')).toHaveText(
      `alias ${web.alias}`,
    );
    await expect(webEntry.getByTestId('network-disconnect')).toHaveCount(0);

    // The shell: a terminal of its own (-t), at the address asked for, opened on start.
    await page.goto('/create');
    await page.getByTestId('create-image').fill('busybox');
    await page.getByTestId('create-name').fill(client.name);
    await page.getByRole('checkbox', { name: /Give the command a terminal/ }).check();
    await page.getByTestId('create-network').selectOption({ label: network.name });
    await page.getByTestId('create-network-ip').fill(client.ip);
    await expect(page.getByTestId('cove-run-command')).toContainText(
      `--network ${network.name} --ip ${client.ip} busybox`,
    );
    await page.getByTestId('create-open-terminal').check();
    await page.getByTestId('create-submit').click();
    await expect(page).toHaveURL(/\/container\?id=[0-9a-f]{64}&tab=terminal/, {
      timeout: 20_000,
    });
    const terminal = new TerminalPane(page);
    await terminal.waitUntilReady();

    // By name, by alias and by the name in Cove's domain: Cove's DNS on the gateway.
    // (busybox 1.35's wget crashes on -T: `timeout` bounds it instead.)
    for (const host of [web.name, web.alias, `${web.name}.cove.internal`]) {
      await expect(async () => {
        expect(await terminal.run(`timeout 5 wget -q -O- http://${host}/`)).toEqual([
          'hello-network',
        ]);
      }, `the page, fetched by the shell from http://${host}/`).toPass({ timeout: 20_000 });
    }

    // The Networks page lists both, with their addresses on the network.
    const networksPage = await page.context().newPage();
    await networksPage.goto('/networks');
    const members = networkRow(networksPage, network.name).getByTestId('network-member');
    await expect(members).toHaveCount(2);
    const member = (name: string) =>
      networkRow(networksPage, network.name).locator(
        `[data-testid="network-member"][data-name="${name}"]`,
      );
    await expect(member(web.name).getByTestId('network-member-address')).toHaveText(
      /^10\.89\.77\.\d+$/,
    );
    await expect(member(web.name).getByTestId('network-member-aliases')).toHaveText(
      `alias ${web.alias}`,
    );
    await expect(member(client.name).getByTestId('network-member-address')).toHaveText(client.ip);

    // e2e-box is on the bridge: the shell cannot reach it until it joins the network,
    // from its page while it runs, and cannot again once it left. Names in Cove's domain
    // are answered by Cove alone: one it does not know is never asked of the upstreams.
    const reaches = async (name: string) => {
      const [answer] = await terminal.run(
        `ping -c 1 -W 2 ${name}.cove.internal >/dev/null 2>&1 && echo reached || echo unreached`,
      );
      return answer;
    };
    expect(await reaches(boxAlias)).toBe('unreached');
    const boxRecord = await runningBox(api);
    await networksPage.goto(`/container?id=${boxRecord.id}`);
    await networksPage.getByTestId('network-connect-select').selectOption(network.name);
    await networksPage.getByTestId('network-connect-aliases').fill(boxAlias);
    await networksPage.getByTestId('network-connect-submit').click();
    const boxEntry = containerNetwork(networksPage, network.name);
    await expect(boxEntry.getByTestId('container-network-interface')).toHaveText('eth1');
    await expect(boxEntry.getByTestId('container-network-address')).toHaveText(
      /^10\.89\.77\.\d+\/24$/,
    );
    await expect(boxEntry.getByTestId('container-network-aliases')).toHaveText(`alias ${boxAlias}`);
    await expect.poll(() => reaches(boxAlias), { timeout: 15_000 }).toBe('reached');
    expect(await reaches(box.name)).toBe('reached');

    await boxEntry.getByTestId('network-disconnect').click();
    await expect(boxEntry).toHaveCount(0);
    await expect.poll(() => reaches(boxAlias), { timeout: 15_000 }).toBe('unreached');

    // A network with containers on it is not removed: the agent says which they are.
    await networksPage.goto('/networks');
    await networkRow(networksPage, network.name).getByTestId('network-remove').click();
    await networksPage.getByTestId('confirm-action').click();
    const refusal = networksPage
      .getByTestId('toast')
      .filter({ hasText: `Remove ${network.name} failed` });
    await expect(refusal).toContainText(`network ${network.name} has containers`);
    await expect(refusal).toContainText(web.name);
    await expect(refusal).toContainText(client.name);
    await expect(networkRow(networksPage, network.name)).toBeVisible();

    await api.removeContainer(web.name);
    await api.removeContainer(client.name);
    await expect(networkRow(networksPage, network.name).getByTestId('network-member')).toHaveCount(
      0,
    );
    await networkRow(networksPage, network.name).getByTestId('network-remove').click();
    await networksPage.getByTestId('confirm-action').click();
    await expect(networkRow(networksPage, network.name)).toHaveCount(0);
    await networksPage.close();
  } finally {
    await removeWhatIsLeft(api);
  }
});

/** After a failure part way: the containers, e2e-box's place on the network, the network. */
async function removeWhatIsLeft(api: AgentApi): Promise<void> {
  for (const name of [web.name, client.name]) {
    if (await api.find(name)) await api.removeContainer(name);
  }
  const boxRecord = await api.find(box.name);
  if (boxRecord?.spec.moreNetworks?.some((more) => more.network === network.name)) {
    await api.disconnect(network.name, box.name);
  }
  if ((await api.listNetworks()).some((each) => each.name === network.name)) {
    await api.removeNetwork(network.name);
  }
}
