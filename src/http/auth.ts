/**
 * Bank customers authenticate with a bearer JWT from the bank's identity provider, verified
 * with a shared HS256 secret or the provider's JWKS. The subject is the bank customer id.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';

export type Viewer = { customerId: string };

/** Why a token was refused; the message is safe to show to a client. */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'malformed' | 'expired' | 'invalid',
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export type Authenticator = (authorizationHeader: string | undefined | null) => Promise<Viewer>;

export function createAuthenticator(auth: Config['auth']): Authenticator {
  const key: Uint8Array | JWTVerifyGetKey = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl))
    : new TextEncoder().encode(auth.jwtSecret);
  const algorithms = auth.jwksUrl ? ['RS256', 'PS256', 'ES256', 'EdDSA'] : ['HS256'];

  // A frontend sends the same token with every request: a verified token is remembered until
  // it expires (bounded, oldest forgotten first), so its signature is checked once.
  const verified = new Map<string, { viewer: Viewer; expiresAt: number }>();
  const remember = (token: string, viewer: Viewer, exp: number) => {
    if (verified.size >= 10_000) verified.delete(verified.keys().next().value!);
    verified.set(token, { viewer, expiresAt: exp * 1000 });
  };

  return async (header) => {
    if (!header) throw new AuthenticationError('Authentication required: send "Authorization: Bearer <token>"', 'missing');
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token>"', 'malformed');
    const known = verified.get(match[1]);
    if (known && known.expiresAt > Date.now()) return known.viewer;
    if (known) verified.delete(match[1]);
    try {
      const { payload } = await jwtVerify(match[1], key as Uint8Array, {
        algorithms,
        issuer: auth.issuer,
        audience: auth.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const viewer = { customerId: payload.sub! };
      remember(match[1], viewer, payload.exp!);
      return viewer;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AuthenticationError('The token has expired', 'expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw new AuthenticationError(`The token was refused: ${error.message}`, 'invalid');
      }
      throw new AuthenticationError('The token is not valid (bad signature or malformed)', 'invalid');
    }
  };
}

/** Mints an HS256 token for a bank customer: development tooling and tests only. */
export async function mintCustomerToken(
  secret: string,
  customerId: string,
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(customerId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
