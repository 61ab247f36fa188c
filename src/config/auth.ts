/** How bank-customer tokens are verified: an HS256 shared secret or the bank's JWKS. */
import type { SectionInput } from './variables.js';

export type AuthConfig = {
  /** HS256 shared secret, or a JWKS URL — exactly one. */
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** True when the secret is the built-in development one (never allowed in production). */
  usingDevelopmentSecret: boolean;
};

/** A development-only signing key for bank-customer tokens; refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production-0123456789';

export function authConfig({ v, env, production, problem }: SectionInput): AuthConfig {
  let jwtSecret = v.AUTH_JWT_SECRET;
  const jwksUrl = v.AUTH_JWKS_URL;
  let usingDevelopmentSecret = false;
  if (jwtSecret && jwksUrl) {
    problem('AUTH_JWT_SECRET and AUTH_JWKS_URL are mutually exclusive: set the shared HS256 secret or the JWKS URL of the bank identity provider, not both');
  }
  if (!env.AUTH_JWT_SECRET?.trim() && !env.AUTH_JWKS_URL?.trim()) {
    if (production) {
      problem('AUTH_JWT_SECRET or AUTH_JWKS_URL is required when NODE_ENV=production (how bank-customer tokens are verified)');
    } else {
      jwtSecret = DEVELOPMENT_JWT_SECRET;
      usingDevelopmentSecret = true;
    }
  }
  if (production && jwtSecret === DEVELOPMENT_JWT_SECRET) {
    problem('AUTH_JWT_SECRET must not be the development secret when NODE_ENV=production');
  }
  return { jwtSecret, jwksUrl, issuer: v.AUTH_JWT_ISSUER, audience: v.AUTH_JWT_AUDIENCE, usingDevelopmentSecret };
}
