import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../../src/simulator/server.js';
import { blockNonLoopback, hasChromium, launchBrowser } from '../support/browser.js';

describe.skipIf(!hasChromium)("the simulator's authorization page in a real browser", () => {
  let sim: Simulator;
  let browser: Browser;
  let bank: http.Server;
  let callbackUrl: string;
  const client = { id: 'browser-client', secret: 'browser secret' };

  beforeAll(async () => {
    // The bank's callback: records what Wise sends back.
    bank = http.createServer((_req, res) => res.end('<html><body id="bank">back at the bank</body></html>'));
    await new Promise<void>((r) => bank.listen(0, '127.0.0.1', () => r()));
    callbackUrl = `http://127.0.0.1:${(bank.address() as AddressInfo).port}/oauth/callback`;
    sim = await startSimulator(
      defaultSimulatorOptions({
        clientId: client.id,
        clientSecret: client.secret,
        redirectUris: [callbackUrl],
        seedUsers: [{ email: 'jo@wise.example', password: 'jo-password-1', profile: { firstName: 'Jo', lastName: 'Linked', dateOfBirth: '1988-08-08', country: 'GB', city: 'Bath', firstLine: '3 Spa Road', postCode: 'BA1 1AA' } }],
      }),
    );
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
    await new Promise((r) => bank?.close(r));
  });

  async function exchange(code: string) {
    return fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: callbackUrl }),
    });
  }

  it('logs in, consents, redirects with code, state and profileId; the code exchanges once only', async () => {
    const page = await browser.newPage();
    const blocked = await blockNonLoopback(page);
    const authorize = new URL(`${sim.url}/oauth/authorize/`);
    authorize.searchParams.set('client_id', client.id);
    authorize.searchParams.set('redirect_uri', callbackUrl);
    authorize.searchParams.set('state', 'state-from-the-bank');
    await page.goto(authorize.toString());

    await page.fill('#email', 'jo@wise.example');
    await page.fill('#password', 'jo-password-1');
    await page.click('#login');
    await expect.poll(() => page.locator('#user-email').textContent()).toBe('jo@wise.example');
    await expect.poll(() => page.getByText('Jo Linked').count()).toBe(1);
    await Promise.all([page.waitForURL(`${callbackUrl}?**`), page.click('#allow')]);

    const back = new URL(page.url());
    expect(back.searchParams.get('state')).toBe('state-from-the-bank');
    const profileId = Number(back.searchParams.get('profileId'));
    expect(Object.values(sim.core.state.profiles).find((p) => p.id === profileId)?.email).toBe('jo@wise.example');
    const code = back.searchParams.get('code')!;

    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect((await first.json()).refresh_token).toBeTruthy();
    const second = await exchange(code);
    expect(second.status).toBe(401);
    expect(await second.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials.' });
    expect(blocked).toEqual([]);
  }, 60_000);

  it('signs up a new person without a profile, and sends the bank an error when they decline', async () => {
    const page = await browser.newPage();
    await page.goto(`${sim.url}/oauth/authorize/?client_id=${client.id}&redirect_uri=${encodeURIComponent(callbackUrl)}&state=s2`);
    await page.fill('#signup-email', 'fresh@wise.example');
    await page.fill('#signup-password', 'fresh-password');
    await page.click('#signup');
    await expect.poll(() => page.locator('#no-profile').count()).toBe(1);
    await Promise.all([page.waitForURL(`${callbackUrl}?**`), page.click('#deny')]);
    const back = new URL(page.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s2');
    expect(back.searchParams.get('code')).toBeNull();
  }, 60_000);
});
