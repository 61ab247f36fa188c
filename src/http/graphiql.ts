import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Request, Response } from 'express';

const DEFAULT_QUERY = `# Welcome to the Wise Platform gateway.
# The Authorization header (see Headers below) identifies the bank customer.
query Viewer {
  viewer {
    id
    bankCustomerId
    email
    givenName
    familyName
    bankAccounts { currency availableBalance { amount currency } }
  }
}
`;

/**
 * GraphiQL as one self-contained page (scripts and workers inlined, nothing fetched from a
 * CDN), pointed at /graphql for queries and the WebSocket on the same path for subscriptions.
 */
export function graphiqlPage(authorization: string): string {
  // GraphiQL sends the header editor's headers with queries over HTTP, but a WebSocket only
  // carries what connection_init says: the same Authorization goes there too.
  const options = {
    connectionParams: { Authorization: authorization },
    title: 'Wise Platform gateway — GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    defaultQuery: DEFAULT_QUERY,
    headers: JSON.stringify({ Authorization: authorization }, null, 2),
    shouldPersistHeaders: false,
  };
  return renderGraphiQL(options as Parameters<typeof renderGraphiQL>[0]);
}

// Off the event loop: gzipping 9 MB takes a while, and health checks must not wait for it.
const gzipAsync = promisify(gzip);

/** How long one rendering (and, in development, the token inside it) is served. */
const PAGE_LIFETIME_SECONDS = 3600;

type RenderedPage = { html: Buffer; gzip: Buffer; etag: string; renderedAt: number };

/**
 * GET /graphiql. The page is ~9 MB of inlined JavaScript: it is rendered and gzipped once, and
 * answered with an ETag and Cache-Control so browsers keep it, a 304 when they ask again, and
 * ~2 MB on the wire. With a development token inside (mintToken), it is rendered again hourly
 * so the token in it (valid 12 h) never goes stale; without one, it never changes.
 */
export function graphiqlRoute(mintToken?: () => Promise<string | undefined>) {
  let page: Promise<RenderedPage> | undefined;
  const render = async (): Promise<RenderedPage> => {
    const token = await mintToken?.();
    const html = Buffer.from(graphiqlPage(token ? `Bearer ${token}` : 'Bearer <paste a bank customer token>'));
    return { html, gzip: await gzipAsync(html), etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`, renderedAt: Date.now() };
  };
  return async (req: Request, res: Response) => {
    let current = await (page ??= render());
    if (mintToken && Date.now() - current.renderedAt > PAGE_LIFETIME_SECONDS * 1000) current = await (page = render());
    res.set({
      ETag: current.etag,
      // private: a development page carries a token; only the browser that asked keeps it.
      'Cache-Control': `${mintToken ? 'private' : 'public'}, max-age=${mintToken ? 300 : PAGE_LIFETIME_SECONDS}`,
      Vary: 'Accept-Encoding',
    });
    if (req.headers['if-none-match'] === current.etag) return void res.status(304).end();
    res.type('html');
    if (req.acceptsEncodings('gzip') === 'gzip') return void res.set('Content-Encoding', 'gzip').send(current.gzip);
    res.send(current.html);
  };
}
