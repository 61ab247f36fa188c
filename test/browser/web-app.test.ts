/**
 * The reference bank web app (web/, served at /app) in Debian's Chromium on a phone-sized
 * screen, against the real gateway and its simulator: every flow a customer meets. Every
 * request that would leave the machine is blocked and must not happen. The screenshots in
 * docs/screenshots/ (shown by the README) are taken here.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppDistDir } from '../../src/http/web-app.js';
import { blockNonLoopback, hasChromium, launchBrowser } from '../support/browser.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { freePort } from '../support/ports.js';
import { simulatorOf } from '../support/wise.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = path.join(root, 'docs/screenshots');
/** Conditions on a busy machine: generous, never a fixed sleep. */
const WAIT = 60_000;

describe.skipIf(!hasChromium)('the reference bank web app in a real browser', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let appUrl: string;
  const opened: { context: BrowserContext; blocked: string[] }[] = [];

  beforeAll(async () => {
    // `npm install` builds it (the root package's prepare); a checkout that skipped scripts builds it here.
    if (!webAppDistDir()) execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}/app/`;
    gateway = await startTestGateway({ PORT: String(port), FRONTEND_URL: `${appUrl}onboarding/result` });
    browser = await launchBrowser();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    for (const { blocked } of opened) expect(blocked).toEqual([]);
    await browser?.close();
    await gateway?.stop();
  });

  /** A phone-sized browser signed in as a demo customer with the development sign-in. */
  async function signIn(customerId: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    opened.push({ context, blocked: await blockNonLoopback(context) });
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.locator(`button[data-customer="${customerId}"]`).click({ timeout: WAIT });
    await page.locator('section.onboarding[data-state]').waitFor({ timeout: WAIT });
    return { page, context };
  }

  const state = (page: Page) => page.locator('section.onboarding').getAttribute('data-state');
  const waitForState = async (page: Page, expected: string) => {
    await page.locator(`section.onboarding[data-state="${expected}"]`).waitFor({ timeout: WAIT });
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('partner KYC: opens the Wise account from the bank, then shows READY live when Wise verifies', async () => {
    const { page } = await signIn('cust-alice');
    expect(await state(page)).toBe('NOT_LINKED');
    await expect.poll(() => page.getByText('DEV TOKEN').count(), { timeout: WAIT }).toBe(1);
    await shoot(page, 'onboarding-start');
    await page.getByRole('button', { name: 'Open my Wise account' }).click();
    await waitForState(page, 'PENDING_VERIFICATION');
    await page.locator('.live-live').waitFor({ timeout: WAIT });
    await shoot(page, 'onboarding-waiting');

    const wise = simulatorOf(gateway);
    const alice = await wise.userByEmail('alice.new@bank.example');
    await wise.control(`/profiles/${alice.profiles[0].id}/verification`, { verified: true });
    // No reload: onboardingStatusChanged pushes the new state.
    await waitForState(page, 'READY');
    await shoot(page, 'onboarding-ready');
  }, 180_000);
});
