import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockNonLoopback, hasChromium, launchBrowser } from '../support/browser.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

describe.skipIf(!hasChromium)('GraphiQL in a real browser', () => {
  let gateway: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    // A development-style gateway: GraphiQL comes with a token for the first demo customer.
    gateway = await startTestGateway({ NODE_ENV: 'development', AUTH_JWT_SECRET: '' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('loads with nothing from outside the machine and runs { viewer { bankCustomerId } }', async () => {
    const page = await browser.newPage();
    const blocked = await blockNonLoopback(page);
    await page.goto(`${gateway.url}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });

    // Replace the default query with the one from the issue and run it.
    await page.locator('.graphiql-query-editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ viewer { bankCustomerId } }');
    // GraphiQL re-derives the operation name from the editor after a short debounce.
    await page.waitForTimeout(1000);
    await page.locator('.graphiql-execute-button').click();

    await expect
      // Monaco renders spaces as no-break spaces; compare the text with spacing removed.
      .poll(async () => (await page.locator('.graphiql-response').innerText()).replace(/[\s\u00a0]+/g, ''), {
        timeout: 20_000,
      })
      .toContain('{"data":{"viewer":{"bankCustomerId":"cust-alice"}}}');
    expect(blocked).toEqual([]);
  }, 60_000);

  it('runs a subscription over WebSocket, authenticated with the header GraphiQL shows', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    await page.locator('.graphiql-query-editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('subscription { onboardingStatusChanged { state }');
    await page.waitForTimeout(1000);
    await page.locator('.graphiql-execute-button').click();
    await page.waitForTimeout(1000);
    // Something happens to the demo customer GraphiQL is signed in as.
    await gateway.events.record({ type: 'onboarding.changed', customerId: 'cust-alice' });
    await expect
      .poll(async () => (await page.locator('.graphiql-response').innerText()).replace(/[\s\u00a0]+/g, ''), { timeout: 20_000 })
      .toContain('{"data":{"onboardingStatusChanged":{"state":"NOT_LINKED"}}}');
  }, 60_000);

});
