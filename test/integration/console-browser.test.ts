// The console in a real browser against the embedded stack and a fake HubSpot: the
// operator's whole first journey by the visible text, and every page request staying on
// the admin listener. Screenshots of each view (1280 and 390 px) go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { makeContacts } from '../fakes/fake-hubspot';
import { describeWithChromium, launchChromium } from '../support/browser';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, type TestStack } from '../support/local-stack';

const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

describeWithChromium('console in Chromium', () => {
  let t: TestStack;
  let browser: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestStack();
    const [withPhone] = makeContacts(1, 501);
    t.hubspot.contacts.set(withPhone![0], withPhone![1]);
    t.hubspot.contacts.set('502', { firstname: 'Nora', lastname: 'Nophone', phone: null, mobilephone: null, company: 'Acme' });
    browser = await launchChromium();
    const admin = new URL(t.stack.adminUrl).origin;
    // Anything not for the admin listener is refused and remembered: the test fails on it.
    await browser.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === admin) return route.continue();
      refused.push(url);
      return route.abort();
    });
    page = await browser.newPage();
    page.on('request', (r) => requests.push(r.url()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function shoot(name: string) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, `${name}-390.png`), fullPage: true });
    // Readable at 390 px: the page itself never scrolls sideways (wide tables scroll in their own box).
    expect({ view: name, width: await page.evaluate('document.documentElement.scrollWidth') }).toEqual({ view: name, width: 390 });
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();

  it('takes an operator from nothing to a call history with reasons and attempts', async () => {
    await page.goto(`${t.stack.adminUrl}/`);
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await page.getByText('No calls yet').waitFor();
    await shoot('calls-empty');

    await nav('HubSpot');
    await page.getByText('HubSpot is not connected:').waitFor();
    await shoot('hubspot-not-connected');
    await page.getByLabel('Access token').fill('pat-na1-wrong-token-0000');
    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await page.locator('.field-error').first().waitFor();
    await page.getByLabel('Access token').fill(HUBSPOT_TOKEN);
    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await page.getByText(t.hubspot.portalId, { exact: true }).waitFor();
    await shoot('hubspot');

    await nav('API keys');
    await page.getByText('No API keys yet.').waitFor();
    await page.getByLabel('Name').fill('hubspot production');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(20);
    await page.getByRole('cell', { name: 'hubspot production', exact: true }).waitFor();
    await shoot('api-keys');

    await nav('Agents');
    await page.getByText('No agents yet.').waitFor();
    await page.getByRole('link', { name: 'New agent' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Sales');
    await page.getByLabel('Time zone (IANA)').fill('Mars/Olympus');
    await page.getByLabel('Default country').fill('US');
    await page.getByLabel('Provider', { exact: true }).selectOption('simulator');
    await page.getByLabel('Provider settings (JSON)').fill('{"outcomes": ["completed"], "delayMs": 50}');
    await page.getByRole('button', { name: 'Create agent' }).click();
    // The API's own message, beside the field it names.
    const tzError = page.locator('#err-timezone');
    await tzError.waitFor();
    expect(await tzError.textContent()).toMatch(/timezone/i);
    await shoot('agent-invalid');
    await page.getByLabel('Time zone (IANA)').fill('America/New_York');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    const urlField = page.getByLabel(/Webhook URL for HubSpot/);
    const webhookUrl = await urlField.inputValue();
    expect(webhookUrl).toMatch(/\/call\/crm-webhook\?agent_id=agt_[^&]+&type=hubspot&x_api_key=YOUR_API_KEY$/);
    expect(webhookUrl.startsWith(t.stack.publicUrl)).toBe(true);
    await shoot('agents');

    // HubSpot delivers to the URL the operator pasted, with the key in place.
    const delivery = await fetch(webhookUrl.replace('YOUR_API_KEY', key), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(creationEvents(['501', '502'], t.hubspot.portalId)),
    });
    expect(delivery.status).toBe(200);

    // No reload: the calls view picks the new calls up by itself.
    await nav('Calls');
    await page.getByRole('link', { name: 'Contact 502' }).waitFor({ timeout: 15_000 });
    await page.getByText('contact has no phone number').first().waitFor();
    await page.getByRole('link', { name: 'Contact 501' }).waitFor({ timeout: 15_000 });
    await page.locator('tr', { hasText: 'Contact 501' }).getByText('completed', { exact: true }).waitFor({ timeout: 20_000 });
    await shoot('calls');

    await page.getByLabel('Contact id or number').fill('502');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/q=502/);
    await page.getByRole('link', { name: 'Contact 501' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Contact 502' }).click();
    await page.getByRole('heading', { name: /Contact 502/ }).waitFor();
    await page.getByText('contact has no phone number').first().waitFor();
    await shoot('call-failed');

    await page.goto(`${t.stack.adminUrl}/calls`);
    await page.getByRole('link', { name: 'Contact 501' }).click();
    await page.getByRole('heading', { name: /Contact 501/ }).waitFor();
    await page.getByText('Attempt 1', { exact: true }).waitFor();
    await page.locator('.timeline .o-completed').waitFor();
    const link = page.getByRole('link', { name: 'Open contact 501 in HubSpot' });
    expect(await link.getAttribute('href')).toBe(`https://app.hubspot.com/contacts/${t.hubspot.portalId}/record/0-1/501`);
    await shoot('call');

    await nav('Outcomes');
    await page.getByTestId('connect-rate').waitFor();
    expect(await page.getByTestId('connect-rate').textContent()).toBe('100 %');
    await shoot('outcomes');

    await nav('Do not call');
    await page.getByRole('heading', { name: 'Do-not-call list' }).waitFor();
    await shoot('do-not-call');

    // Keyboard: the skip link and the main navigation are reachable with Tab, and work with Enter.
    await page.goto(`${t.stack.adminUrl}/do-not-call`);
    await page.getByRole('heading', { name: 'Do-not-call list' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Calls');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Calls' }).waitFor();

    expect(refused).toEqual([]);
    const admin = new URL(t.stack.adminUrl).origin;
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((u) => new URL(u).origin !== admin)).toEqual([]);
  }, 120_000);

  it('revokes an API key so webhooks using it are refused', async () => {
    const agents = await t.admin('GET', '/admin/agents');
    const agentId = agents.body.items[0].id;
    await page.goto(`${t.stack.adminUrl}/api-keys`);
    await page.getByLabel('Name').fill('to revoke');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
    const deliver = () =>
      t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['501'], t.hubspot.portalId, 90));
    expect((await deliver()).status).toBe(200);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke key to revoke' }).click();
    await page.getByRole('cell', { name: 'to revoke', exact: true }).waitFor({ state: 'detached' });
    expect((await deliver()).status).toBe(401);
  }, 60_000);
});
