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

  /** Wise's authorization page (the simulator's): log in and allow. */
  async function allowAtWise(page: Page, email: string, password: string) {
    await page.locator('#email').fill(email, { timeout: WAIT });
    await page.locator('#password').fill(password);
    await page.locator('#login').click();
    await page.locator('#allow').click({ timeout: WAIT });
  }

  it('Wise KYC by redirect: an email Wise knows is linked at Wise, and the app shows where it came back', async () => {
    const { page } = await signIn('cust-bob');
    await page.getByRole('button', { name: 'Open my Wise account' }).click();
    // Wise already has this email: the customer is told why, and goes to Wise.
    await waitForState(page, 'NOT_LINKED');
    await expect.poll(() => page.getByText('Your email address already has a Wise account').count(), { timeout: WAIT }).toBe(1);
    await shoot(page, 'onboarding-link-at-wise');
    await page.getByRole('button', { name: 'Connect at Wise' }).click();
    await page.waitForURL(`${gateway.simulator!.url}/oauth/authorize/**`, { timeout: WAIT });
    await allowAtWise(page, 'bob.existing@bank.example', 'wise-demo-password');
    // Wise → GET /oauth/callback → back in the app.
    await page.waitForURL(`${appUrl}**`, { timeout: WAIT });
    await waitForState(page, 'READY');
    await expect.poll(() => page.locator('#link-outcome').getAttribute('data-outcome'), { timeout: WAIT }).toBe('linked');
  }, 180_000);

  it('re-link: after the person changes their email at Wise, a banner says why and a popup reconnects', async () => {
    const { page, context } = await signIn('cust-bob');
    await waitForState(page, 'READY');
    const wise = simulatorOf(gateway);
    const bob = await wise.userByEmail('bob.existing@bank.example');
    await wise.control(`/users/${bob.id}/change-email`, { email: 'bob.moved@wise.example' });

    // The app asks for a fresh status on arrival; on every other screen a banner says it.
    await page.reload();
    await waitForState(page, 'RELINK_REQUIRED');
    await page.getByRole('link', { name: 'History' }).click();
    const banner = page.locator('#relink-banner');
    await banner.waitFor({ timeout: WAIT });
    expect(await banner.getAttribute('data-reason')).toBe('EMAIL_CHANGED');
    expect(await banner.textContent()).toContain('You changed the email address of your Wise account');
    await shoot(page, 'relink-banner');

    const [popup] = await Promise.all([context.waitForEvent('page', { timeout: WAIT }), banner.getByRole('button', { name: 'Reconnect in a new window' }).click()]);
    await popup.waitForURL(`${gateway.simulator!.url}/oauth/authorize/**`, { timeout: WAIT });
    await allowAtWise(popup, 'bob.moved@wise.example', 'wise-demo-password');
    // The popup comes back to the app, reports to the page that opened it, and closes.
    await popup.waitForEvent('close', { timeout: WAIT });
    await banner.waitFor({ state: 'detached', timeout: WAIT });
    await page.getByRole('link', { name: 'Home' }).click();
    await waitForState(page, 'READY');
  }, 180_000);
});
