import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockNonLoopback, hasChromium, launchBrowser } from '../support/browser.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { LINK_ACCOUNT, ONBOARDING_STATUS } from '../support/wise.js';

describe.skipIf(!hasChromium)('linking a Wise account in a real browser', () => {
  let gateway: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    gateway = await startTestGateway({ ONBOARDING_MODEL: 'wise_kyc' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("goes from linkAccount through Wise's page and the gateway's callback to READY", async () => {
    const { body } = await gateway.graphql(LINK_ACCOUNT, { customerId: 'cust-bob' });
    const page = await browser.newPage();
    const blocked = await blockNonLoopback(page);
    await page.goto(body.data.linkAccount.authorizationUrl);
    await page.fill('#email', 'bob.existing@bank.example');
    await page.fill('#password', 'wise-demo-password');
    await page.click('#login');
    await page.locator('#allow').waitFor();
    await Promise.all([page.waitForURL(/\/onboarding\/result\?/), page.click('#allow')]);

    const outcome = page.locator('#outcome');
    expect(await outcome.getAttribute('data-outcome')).toBe('linked');
    expect(await outcome.textContent()).toBe('Your Wise account is connected.');
    expect(page.url()).not.toContain('code=');
    const status = (await gateway.graphql(ONBOARDING_STATUS, { customerId: 'cust-bob' })).body.data.onboardingStatus;
    expect(status).toMatchObject({ state: 'READY', model: 'WISE_KYC' });
    expect(blocked).toEqual([]);
  }, 60_000);
});
