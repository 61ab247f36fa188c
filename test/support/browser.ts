/**
 * Headless Debian Chromium driven by playwright-core, for tests of real pages. On a machine
 * without /usr/bin/chromium the browser tests are skipped, not failed (.ci/run installs it).
 */
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Without the background-networking flags Chromium keeps dialling Google services.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Blocks every request that leaves the machine and records it, so a test can assert that a
 * page needed nothing from outside (no CDN). blob: and data: URLs never reach the router.
 * Given a context, it covers every page of it, popups included.
 */
export async function blockNonLoopback(target: Page | BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await target.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && !LOOPBACK.has(url.hostname)) {
      blocked.push(url.toString());
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return blocked;
}
