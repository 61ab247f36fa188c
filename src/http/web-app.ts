/**
 * /app: the reference bank web app (web/, built into web/dist by `npm install`), served by the
 * gateway outside production so `npm start` shows every customer flow on one port.
 *
 *   GET /app/…                      the single-page app (any unknown path gets index.html)
 *   GET /app/demo/customers         the demo customers the sign-in page offers (development only)
 *   POST /app/demo/customers/:id/token   a DEVELOPMENT token for one of them (development only)
 *
 * A bank serves its own build from its own web servers and signs customers in with its own
 * identity provider; the demo sign-in exists so the app works out of the box, and only for the
 * seeded demo customers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import helmet from 'helmet';

export type DemoSignIn = {
  customers: { id: string; name: string; story: string }[];
  /** A development token for a demo customer. */
  mint(customerId: string): Promise<string>;
};

/** web/dist, from src/http (tests, `npm run dev`) or dist/src/http (`npm start`). */
export function webAppDistDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../../web/dist'), path.resolve(here, '../../../web/dist')].find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

/** The app's own policy: its scripts and styles are files from /app; it talks to /graphql (HTTP and WebSocket). */
function webAppSecurityHeaders() {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
  });
}

export function mountWebApp(app: Express, options: { distDir?: string; demoSignIn?: DemoSignIn }): void {
  const { distDir, demoSignIn } = options;
  const router = express.Router();
  router.use(webAppSecurityHeaders(), (_req, res, next) => {
    // The Wise popup comes back to /app/onboarding/result and reports to the page that opened
    // it through window.opener; helmet's COOP same-origin would cut that link on the way back.
    res.set('Cross-Origin-Opener-Policy', 'unsafe-none');
    next();
  });

  router.get('/demo/customers', (_req, res) => {
    if (!demoSignIn) return void res.status(404).json({ error: 'demo_sign_in_disabled' });
    res.set('Cache-Control', 'no-store').json({ development: true, customers: demoSignIn.customers });
  });
  router.post('/demo/customers/:id/token', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!demoSignIn || !demoSignIn.customers.some((c) => c.id === id)) return void res.status(404).json({ error: 'not_a_demo_customer' });
    res.set('Cache-Control', 'no-store').json({ development: true, customerId: id, token: await demoSignIn.mint(id) });
  });

  if (!distDir) {
    router.use((_req, res) => {
      res.status(503).type('text').send('The web app is not built: run `npm run build -w web` (npm install does it).');
    });
    app.use('/app', router);
    return;
  }
  // Vite fingerprints everything under assets/: cache it for a year; index.html never.
  router.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  const indexHtml = path.join(distDir, 'index.html');
  router.get(/.*/, (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(indexHtml);
  });
  app.use('/app', router);
}
