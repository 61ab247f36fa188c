/**
 * The reference bank web app (web/, served at /app) in Debian's Chromium on a phone-sized
 * screen, against the real gateway and its simulator: every flow a customer meets. Every
 * request that would leave the machine is blocked and must not happen. The screenshots in
 * docs/screenshots/ (shown by the README) are taken here.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import express from 'express';
import { mountWebApp, webAppDistDir } from '../../src/http/web-app.js';
import { blockNonLoopback, hasChromium, launchBrowser } from '../support/browser.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { freePort } from '../support/ports.js';
import { CREATE_TRANSFER, quote } from '../support/journey.js';
import { simulatorOf } from '../support/wise.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** No build, or a source (web/src, web/index.html, the contract) newer than it. */
function webAppBuildIsStale(): boolean {
  const dist = webAppDistDir();
  if (!dist) return true;
  const built = fs.statSync(path.join(dist, 'index.html')).mtimeMs;
  const newest = (file: string): number => {
    const stat = fs.statSync(file);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...fs.readdirSync(file).filter((name) => name !== 'generated.ts').map((name) => newest(path.join(file, name))));
  };
  return ['web/src', 'web/index.html', 'schema.graphql'].some((source) => newest(path.join(root, source)) > built);
}
// The README's pictures are refreshed on demand (UPDATE_SCREENSHOTS=1): an ordinary run still
// takes every screenshot, but into a scratch directory, so it leaves the working tree as it was.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(root, 'docs/screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'wpg-screenshots-'));
/** Conditions on a busy machine: generous, never a fixed sleep. */
const WAIT = 60_000;

describe('/app, the web app route', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    mountWebApp(app, {
      distDir: webAppDistDir() ?? fileURLToPath(new URL('../../web', import.meta.url)),
      demoSignIn: { customers: [{ id: 'cust-alice', name: 'Alice', story: 'new to Wise' }], mint: async (id) => `development-token-for-${id}` },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/app`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('serves the app (any path inside it) with a policy that loads nothing from elsewhere', async () => {
    for (const path of ['/', '/transfers/abc', '/onboarding/result?outcome=linked']) {
      const page = await fetch(`${base}${path}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('cross-origin-opener-policy')).toBe('unsafe-none');
    }
  });

  it('hands out development tokens for the demo customers only', async () => {
    expect(await (await fetch(`${base}/demo/customers`)).json()).toMatchObject({ development: true, customers: [{ id: 'cust-alice' }] });
    expect(await (await fetch(`${base}/demo/customers/cust-alice/token`, { method: 'POST' })).json()).toEqual({ development: true, customerId: 'cust-alice', token: 'development-token-for-cust-alice' });
    expect((await fetch(`${base}/demo/customers/cust-mallory/token`, { method: 'POST' })).status).toBe(404);
  });

  it('offers no demo sign-in without one (JWKS, no demo data)', async () => {
    const app = express();
    mountWebApp(app, { distDir: undefined });
    const bare = app.listen(0, '127.0.0.1');
    await new Promise((r) => bare.once('listening', r));
    const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/app`;
    expect((await fetch(`${url}/demo/customers`)).status).toBe(404);
    // Not built: says how to build it.
    expect(await (await fetch(`${url}/`)).text()).toContain('npm run build -w web');
    await new Promise((r) => bare.close(r));
  });
});

describe.skipIf(!hasChromium)('the reference bank web app in a real browser', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let appUrl: string;
  const opened: { context: BrowserContext; blocked: string[] }[] = [];

  beforeAll(async () => {
    // `npm install` builds it (the root package's prepare); a checkout that skipped scripts, or
    // sources changed since the last build, builds it here (a few seconds).
    if (webAppBuildIsStale()) execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
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

  /**
   * A phone-sized browser signed in as a demo customer with the development sign-in. Closed when
   * the test ends (a customer may hold only a few live connections at once).
   */
  async function signIn(customerId: string, prepare?: (context: BrowserContext) => Promise<void>, options: { keepOpen?: boolean; app?: string } = {}): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    opened.push({ context, blocked: await blockNonLoopback(context) });
    await prepare?.(context);
    if (!options.keepOpen) onTestFinished(() => context.close());
    const page = await context.newPage();
    await page.goto(options.app ?? appUrl);
    await page.locator(`button[data-customer="${customerId}"]`).click({ timeout: WAIT });
    await page.locator('section.onboarding[data-state]').waitFor({ timeout: WAIT });
    return { page, context };
  }

  const state = (page: Page) => page.locator('section.onboarding').getAttribute('data-state');
  const waitForState = async (page: Page, expected: string) => {
    await page.locator(`section.onboarding[data-state="${expected}"]`).waitFor({ timeout: WAIT });
  };
  const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
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

  describe('recipients through the one generic form', () => {
    let page: Page;
    const control = (key: string) => page.locator(`#recipient-${key.replace(/[^\w-]/g, '_')}`);
    const errorOf = (key: string) => page.locator(`#recipient-${key.replace(/[^\w-]/g, '_')}-error`);
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    const submit = () => page.getByRole('button', { name: 'Add recipient' }).click();

    async function startRecipient(currency: string) {
      await nav(page, 'Recipients');
      await page.getByRole('button', { name: 'Add a recipient' }).click({ timeout: WAIT });
      await page.locator('#recipient-currency').selectOption(currency);
      await control('accountHolderName').waitFor({ timeout: WAIT });
    }
    async function created(name: string) {
      await expect.poll(() => page.locator('#recipient-created').textContent({ timeout: WAIT }), { timeout: WAIT }).toContain(name);
    }

    let context: BrowserContext;
    beforeAll(async () => {
      ({ page, context } = await signIn('cust-alice', undefined, { keepOpen: true }));
      await waitForState(page, 'READY');
    }, 120_000);
    afterAll(() => context?.close());

    it('USD: choosing a country refreshes the form with a state, keeps what was typed, and places client and server errors on their fields', async () => {
      await startRecipient('USD');
      await control('legalType').selectOption('PRIVATE');
      await control('accountHolderName').fill('Jane Doe');
      await control('abartn').fill('12345678');
      await control('accountNumber').fill('12345678');
      await page.getByRole('radio', { name: 'Checking' }).check();
      await control('address.country').selectOption('US');
      // The refresh brings the state; what was typed stays.
      await control('address.state').waitFor({ timeout: WAIT });
      expect(await control('abartn').inputValue()).toBe('12345678');
      await control('address.state').selectOption('NY');
      await control('address.city').fill('New York');
      await control('address.firstLine').fill('1 Liberty Street');
      await control('address.postCode').fill('10005');
      await submit();
      // The form's own rule, checked in the browser: focus goes to the field in error.
      await expect.poll(() => errorOf('abartn').textContent(), { timeout: WAIT }).toContain('at least 9 characters');
      expect(await focusedId()).toBe('recipient-abartn');
      expect(await control('abartn').getAttribute('aria-invalid')).toBe('true');
      await shoot(page, 'recipient-usd-error');
      // Nine digits but no bank: only Wise knows, and its error lands on the same field.
      await control('abartn').fill('123456789');
      await submit();
      await expect.poll(() => errorOf('abartn').textContent(), { timeout: WAIT }).toContain('Unknown routing number');
      expect(await focusedId()).toBe('recipient-abartn');
      await control('abartn').fill('011000015');
      await submit();
      await created('Jane Doe');
    }, 180_000);

    it('CAD: institution, transit and account number are one group; a wrong transit number is corrected', async () => {
      await startRecipient('CAD');
      const group = page.locator('fieldset.field-group', { has: page.locator('legend', { hasText: 'Bank account' }) });
      await expect.poll(() => group.locator('input').count(), { timeout: WAIT }).toBe(3);
      await control('legalType').selectOption('PRIVATE');
      await control('accountHolderName').fill('Marie Tremblay');
      await control('institutionNumber').fill('006');
      await control('transitNumber').fill('0484');
      await control('accountNumber').fill('1234567');
      await page.getByRole('radio', { name: 'Savings' }).check();
      await submit();
      await expect.poll(() => errorOf('transitNumber').textContent(), { timeout: WAIT }).toContain('at least 5 characters');
      expect(await focusedId()).toBe('recipient-transitNumber');
      await shoot(page, 'recipient-cad-group');
      await control('transitNumber').fill('04841');
      await submit();
      await created('Marie Tremblay');
    }, 180_000);

    it('JPY: choosing the bank refreshes the branch list; a too-long account number is corrected', async () => {
      await startRecipient('JPY');
      await control('legalType').selectOption('PRIVATE');
      await control('accountHolderName').fill('Taro Yamada');
      await control('bankCode').selectOption('0001');
      // The branches of that bank arrive with the refresh.
      await expect.poll(() => control('branchCode').locator('option', { hasText: 'Shinjuku' }).count(), { timeout: WAIT }).toBe(1);
      expect(await control('accountHolderName').inputValue()).toBe('Taro Yamada');
      await control('branchCode').selectOption('110');
      await control('accountType').selectOption('SAVINGS');
      await control('accountNumber').fill('12345678');
      await submit();
      await expect.poll(() => errorOf('accountNumber').textContent(), { timeout: WAIT }).toContain('at most 7 characters');
      await shoot(page, 'recipient-jpy-branches');
      await control('accountNumber').fill('1234567');
      await submit();
      await created('Taro Yamada');
    }, 180_000);

    it('KRW: a date of birth is a date control; a missing one and one in the future are corrected', async () => {
      await startRecipient('KRW');
      expect(await control('dateOfBirth').getAttribute('type')).toBe('date');
      await control('email').fill('minji@example.kr');
      await control('legalType').selectOption('PRIVATE');
      await control('accountHolderName').fill('Minji Kim');
      await control('bankCode').selectOption({ index: 1 });
      await control('accountNumber').fill('1254693521232');
      await submit();
      await expect.poll(() => errorOf('dateOfBirth').textContent(), { timeout: WAIT }).toContain('required');
      expect(await focusedId()).toBe('recipient-dateOfBirth');
      await control('dateOfBirth').fill('2999-01-01');
      await submit();
      await expect.poll(() => errorOf('dateOfBirth').textContent(), { timeout: WAIT }).toContain('cannot be in the future');
      await shoot(page, 'recipient-krw-date');
      await control('dateOfBirth').fill('1992-03-14');
      await submit();
      await created('Minji Kim');
      const list = page.getByRole('list', { name: 'Your recipients' });
      for (const name of ['Jane Doe', 'Marie Tremblay', 'Taro Yamada', 'Minji Kim']) await expect.poll(() => list.getByText(name).count(), { timeout: WAIT }).toBe(1);
    }, 180_000);
  });

  const gbpBalance = (page: Page) => page.locator('.balance[data-currency="GBP"] .amount').textContent();

  it('quote calculator: send or receive amount, fee, rate, delivery, a ticking expiry, and a requote once it expires', async () => {
    const { page, context } = await signIn('cust-alice', (c) => c.clock.install());
    await waitForState(page, 'READY');
    await nav(page, 'Send money');
    await page.locator('#target-currency').selectOption('EUR');
    await page.locator('#source-amount').fill('250');
    await expect.poll(() => page.locator('#quote-fee').textContent(), { timeout: WAIT }).toContain('GBP');
    expect(await page.locator('#quote-rate').textContent()).toMatch(/^1 GBP = [\d.]+ EUR$/);
    expect(await page.locator('#quote-delivery').textContent()).toBe('by tomorrow');
    expect(await page.locator('#quote-expiry').textContent()).toMatch(/^(29|30):\d\d$/);
    await expect.poll(() => page.locator('#target-amount').inputValue(), { timeout: WAIT }).not.toBe('');
    // The other way round: what the recipient gets is fixed, what it costs follows.
    const firstQuote = await page.locator('.quote').getAttribute('data-quote-id');
    await page.locator('#target-amount').fill('500');
    await expect.poll(() => page.locator('.quote').getAttribute('data-quote-id'), { timeout: WAIT }).not.toBe(firstQuote);
    await expect.poll(() => page.locator('#source-amount').inputValue(), { timeout: WAIT }).not.toBe('250');
    await shoot(page, 'quote');

    await context.clock.fastForward('30:05');
    await page.getByText('This rate has expired.').waitFor({ timeout: WAIT });
    const expiredQuote = await page.locator('.quote').getAttribute('data-quote-id');
    await page.getByRole('button', { name: 'Get a new rate' }).click();
    await expect.poll(() => page.locator('.quote').getAttribute('data-quote-id'), { timeout: WAIT }).not.toBe(expiredQuote);
    await expect.poll(() => page.locator('#quote-expiry').textContent(), { timeout: WAIT }).toMatch(/^(29|30):\d\d$/);
  }, 180_000);

  it('a transfer: review, one confirmation however often clicked, SCA approval, and a live timeline that survives a dropped connection', async () => {
    // Every WebSocket of the page goes through here, so the test can drop it and read what the app sends.
    const frames: { direction: 'sent' | 'received'; message: any }[] = [];
    let offline = false;
    const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    const { page } = await signIn('cust-alice', (context) =>
      context.routeWebSocket(/\/graphql$/, (ws) => {
        if (offline) return void ws.close({ code: 1012, reason: 'the test keeps the network down' });
        const server = ws.connectToServer();
        ws.onMessage((m) => {
          frames.push({ direction: 'sent', message: JSON.parse(String(m)) });
          server.send(m);
        });
        server.onMessage((m) => {
          frames.push({ direction: 'received', message: JSON.parse(String(m)) });
          ws.send(m);
        });
        sockets.push({ page: ws, server });
      }),
    );
    await waitForState(page, 'READY');
    expect(await gbpBalance(page)).toBe('5,000.00 GBP');

    await nav(page, 'Send money');
    await page.locator('#target-currency').selectOption('USD');
    await page.locator('#source-amount').fill('100');
    await expect.poll(() => page.locator('#quote-fee').textContent(), { timeout: WAIT }).toContain('GBP');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: /Jane Doe/ }).click({ timeout: WAIT });

    // What Wise needs about the transfer: the same form component.
    await page.locator('#transfer-reference').fill('Rent for May 2026', { timeout: WAIT });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('#transfer-reference-error').textContent(), { timeout: WAIT }).toContain('at most 10 characters');
    await page.locator('#transfer-reference').fill('Rent May');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#review-source').waitFor({ timeout: WAIT });
    await shoot(page, 'review');

    const wise = simulatorOf(gateway);
    const alice = await wise.userByEmail('alice.new@bank.example');
    await wise.control(`/profiles/${alice.profiles[0].id}/sca`, { required: true });
    // A double click is one confirmation: one idempotency key, one transfer.
    await page.locator('#confirm').dblclick();
    await page.locator('#pay').click({ timeout: WAIT });
    await page.locator('#sca').waitFor({ timeout: WAIT });
    await shoot(page, 'sca-approval');
    expect(await gbpBalance(page)).toBe('5,000.00 GBP');
    await page.getByRole('button', { name: 'Approve' }).click();

    await page.waitForURL(`${appUrl}transfers/**`, { timeout: WAIT });
    await page.locator('#timeline li[data-status="PROCESSING"]').waitFor({ timeout: WAIT });
    await expect.poll(() => gbpBalance(page), { timeout: WAIT }).toBe('4,900.00 GBP');
    const transfers = (await gateway.graphql('{ transfers(first: 10) { edges { node { id wiseTransferId status } } } }', { customerId: 'cust-alice' })).body.data.transfers.edges;
    expect(transfers).toHaveLength(1);
    const wiseTransferId = transfers[0].node.wiseTransferId;

    const subscribes = () => frames.filter((f) => f.direction === 'sent' && f.message.type === 'subscribe' && f.message.payload.query.includes('transferStatusChanged'));
    await expect.poll(() => subscribes().length, { timeout: WAIT }).toBeGreaterThan(0);
    // A push while connected…
    await wise.control(`/transfers/${wiseTransferId}/state`, { state: 'funds_converted' });
    await page.locator('#timeline li[data-status="FUNDS_CONVERTED"]').waitFor({ timeout: WAIT });
    const subscriptionId = subscribes().at(-1)!.message.id;
    const lastSeen = frames.filter((f) => f.direction === 'received' && f.message.id === subscriptionId && f.message.type === 'next').at(-1)!.message.payload.data.transferStatusChanged.sequence;

    // …then the connection drops, and the transfer moves on while the app is away.
    offline = true;
    const before = subscribes().length;
    for (const socket of sockets.splice(0)) {
      void socket.page.close({ code: 1012, reason: 'dropped by the test' });
      void socket.server.close();
    }
    await page.getByText('Reconnecting…').waitFor({ timeout: WAIT });
    await wise.control(`/transfers/${wiseTransferId}/state`, { state: 'outgoing_payment_sent' });
    await expect
      .poll(async () => (await gateway.graphql('{ transfers(first: 1) { edges { node { status } } } }', { customerId: 'cust-alice' })).body.data.transfers.edges[0].node.status, { timeout: WAIT })
      .toBe('OUTGOING_PAYMENT_SENT');
    offline = false;

    // Back online: the app subscribes again after the last event it saw, and gets what it missed.
    await page.locator('#timeline li[data-status="OUTGOING_PAYMENT_SENT"]').waitFor({ timeout: WAIT });
    const resubscribe = subscribes().slice(before).find((f) => f.message.payload.variables.transferId === transfers[0].node.id);
    expect(resubscribe?.message.payload.variables.after).toBe(lastSeen);
    const shown = await page.locator('#timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-status')));
    expect(shown).toEqual(['INCOMING_PAYMENT_WAITING', 'PROCESSING', 'FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT']);
    await shoot(page, 'transfer-timeline');
  }, 240_000);

  it('history: pages through the transfers and filters them by status and by date', async () => {
    // Eleven more transfers (not paid for), made through the API as another screen would.
    const recipientId = (await gateway.graphql('{ recipients(first: 1, currency: "USD") { edges { node { id } } } }', { customerId: 'cust-alice' })).body.data.recipients.edges[0].node.id;
    for (let i = 0; i < 11; i++) {
      const q = await quote(gateway, 'cust-alice', '10', 'USD');
      const made = await gateway.graphql(CREATE_TRANSFER, { customerId: 'cust-alice', variables: { quoteId: q.id, recipientId, key: `history-${i}` } });
      expect(made.body.data.createTransfer.__typename).toBe('TransferCreated');
    }
    const { page } = await signIn('cust-alice');
    await nav(page, 'History');
    const rows = page.locator('#history li');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(10);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(12);
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    await shoot(page, 'history');

    await page.locator('#filter-status').selectOption('OUTGOING_PAYMENT_SENT');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(1);
    expect(await rows.first().getAttribute('data-status')).toBe('OUTGOING_PAYMENT_SENT');
    // Back to every status: the pages already read are still there.
    await page.locator('#filter-status').selectOption('');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(12);

    const day = (offset: number) => page.evaluate((o) => {
      const d = new Date(Date.now() + o * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, offset);
    await page.locator('#filter-from').fill(await day(1));
    await page.getByText('No transfers match.').waitFor({ timeout: WAIT });
    await page.locator('#filter-from').fill(await day(0));
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(10);
    await page.locator('#filter-to').fill(await day(-1));
    await page.getByText('No transfers match.').waitFor({ timeout: WAIT });

    // A row opens the transfer with its timeline.
    await page.locator('#filter-from').fill('');
    await page.locator('#filter-to').fill('');
    await page.locator('#filter-status').selectOption('OUTGOING_PAYMENT_SENT');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(1);
    await rows.first().getByRole('link').click();
    await page.locator('#timeline li[data-status="OUTGOING_PAYMENT_SENT"]').waitFor({ timeout: WAIT });
  }, 240_000);

  it("explains a refused link: the Wise account's date of birth is not the bank's", async () => {
    // Someone else's Wise account holds Carol's email, with another date of birth.
    const wise = simulatorOf(gateway);
    await wise.control('/users', {
      email: 'carol.us@bank.example',
      password: 'not-carol-password',
      verified: true,
      profile: { firstName: 'Carol', lastName: 'Stateside', dateOfBirth: '1980-02-02', country: 'US', city: 'Phoenix', firstLine: '45 Sunflower Ave', postCode: '85001' },
    });
    const { page } = await signIn('cust-carol');
    await page.getByRole('button', { name: 'Open my Wise account' }).click();
    await page.getByRole('button', { name: 'Connect at Wise' }).click({ timeout: WAIT });
    await page.waitForURL(`${gateway.simulator!.url}/oauth/authorize/**`, { timeout: WAIT });
    await allowAtWise(page, 'carol.us@bank.example', 'not-carol-password');
    await page.waitForURL(`${appUrl}**`, { timeout: WAIT });
    const outcome = page.locator('#link-outcome');
    await expect.poll(() => outcome.getAttribute('data-reason'), { timeout: WAIT }).toBe('IDENTITY_MISMATCH');
    expect(await outcome.textContent()).toContain('different date of birth');
    expect(await state(page)).not.toBe('READY');
    await shoot(page, 'link-rejected-date-of-birth');
  }, 180_000);

  /** Wise's authorization page (the simulator's): log in and allow. */
  async function allowAtWise(page: Page, email: string, password: string) {
    await page.locator('#email').fill(email, { timeout: WAIT });
    await page.locator('#password').fill(password);
    await page.locator('#login').click();
    await page.locator('#allow').click({ timeout: WAIT });
  }

  it('partner KYC meets an email Wise knows: the customer links it at Wise by redirect and comes back to the app', async () => {
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
    await nav(page, 'History');
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
    await nav(page, 'Home');
    await waitForState(page, 'READY');
  }, 180_000);
  describe('with Wise KYC (ONBOARDING_MODEL=wise_kyc)', () => {
    let kyc: TestGateway;
    let kycApp: string;
    beforeAll(async () => {
      const port = await freePort();
      kycApp = `http://127.0.0.1:${port}/app/`;
      kyc = await startTestGateway({ PORT: String(port), FRONTEND_URL: `${kycApp}onboarding/result`, ONBOARDING_MODEL: 'wise_kyc' });
    }, 240_000);
    afterAll(() => kyc?.stop());

    it('links by redirect to Wise; an account without a profile is refused and explained, then the customer links one that has it', async () => {
      const { page } = await signIn('cust-alice', undefined, { app: kycApp });
      await waitForState(page, 'NOT_LINKED');
      // A new person at Wise, signed up without a profile: Wise lets them allow, the bank refuses.
      await page.getByRole('button', { name: 'Connect at Wise' }).click();
      await page.waitForURL(`${kyc.simulator!.url}/oauth/authorize/**`, { timeout: WAIT });
      await page.locator('#signup-email').fill('alice.fresh@wise.example');
      await page.locator('#signup-password').fill('alice-fresh-password');
      await page.locator('#signup').click();
      await page.locator('#no-profile').waitFor({ timeout: WAIT });
      await page.locator('#allow').click();
      await page.waitForURL(`${kycApp}**`, { timeout: WAIT });
      const outcome = page.locator('#link-outcome');
      await expect.poll(() => outcome.getAttribute('data-reason'), { timeout: WAIT }).toBe('NO_PROFILE');
      expect(await outcome.textContent()).toContain('has no personal profile yet');
      await shoot(page, 'link-rejected-no-profile');

      // Her own Wise account, with her profile: linked by redirect, and ready.
      await simulatorOf(kyc).control('/users', {
        email: 'alice.at.wise@wise.example',
        password: 'alice-wise-password',
        verified: true,
        profile: { firstName: 'Alice', lastName: 'Newcomer', dateOfBirth: '1990-04-12', country: 'GB', city: 'London', firstLine: '1 High Street', postCode: 'N1 1AA' },
      });
      await page.getByRole('button', { name: 'Connect at Wise' }).click();
      await page.waitForURL(`${kyc.simulator!.url}/oauth/authorize/**`, { timeout: WAIT });
      await allowAtWise(page, 'alice.at.wise@wise.example', 'alice-wise-password');
      await page.waitForURL(`${kycApp}**`, { timeout: WAIT });
      await waitForState(page, 'READY');
      expect(await page.locator('#link-outcome').getAttribute('data-outcome')).toBe('linked');
    }, 180_000);
  });
  describe('with pre-filled accounts (ONBOARDING_MODEL=wise_kyc_prefilled)', () => {
    let prefilled: TestGateway;
    let prefilledApp: string;
    beforeAll(async () => {
      const port = await freePort();
      prefilledApp = `http://127.0.0.1:${port}/app/`;
      prefilled = await startTestGateway({ PORT: String(port), FRONTEND_URL: `${prefilledApp}onboarding/result`, ONBOARDING_MODEL: 'wise_kyc_prefilled' });
    }, 240_000);
    afterAll(() => prefilled?.stop());

    it('the customer claims the account the bank pre-filled at Wise and comes back linked', async () => {
      const { page } = await signIn('cust-alice', undefined, { app: prefilledApp });
      await waitForState(page, 'NOT_LINKED');
      await page.getByRole('button', { name: /at Wise$/ }).click();
      await page.waitForURL(`${prefilled.simulator!.url}/oauth/authorize/**`, { timeout: WAIT });
      expect(await page.locator('#claim-email').textContent()).toBe('alice.new@bank.example');
      await page.locator('#claim-password').fill('alice-claims-it');
      await page.locator('#claim').click();
      await page.locator('#allow').click({ timeout: WAIT });
      await page.waitForURL(`${prefilledApp}**`, { timeout: WAIT });
      await expect.poll(() => page.locator('#link-outcome').getAttribute('data-outcome'), { timeout: WAIT }).toBe('linked');
      // Linked: Wise verifies the profile next (the live step is the partner KYC test's).
      await expect.poll(() => state(page), { timeout: WAIT }).toMatch(/^(PENDING_VERIFICATION|READY)$/);
    }, 180_000);
  });
});
