/**
 * Security headers on every answer (helmet): no sniffing, no framing, HSTS, no referrer leaks,
 * and a Content-Security-Policy that lets a JSON API load nothing at all. GraphiQL is an
 * inline-scripted page and gets its own policy (see graphiqlSecurityHeaders).
 */
import helmet from 'helmet';

export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    // The API is called from the bank's apps on other origins (see cors.ts).
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}

/** GraphiQL's page inlines its scripts and styles and runs Monaco's workers from blob: URLs. */
export function graphiqlSecurityHeaders() {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'", "'unsafe-eval'", 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      workerSrc: ["'self'", 'blob:'],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      frameAncestors: ["'none'"],
    },
  });
}
