/**
 * Wise's token endpoint through openid-client, for all four grants. Wise publishes no
 * discovery document, so the server metadata is given by hand. Client authentication is HTTP
 * Basic (openid-client form-encodes id and secret as RFC 6749 §2.3.1 asks).
 */
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { countWiseCall } from '../observability.js';
import { errorFromResponse, WiseError } from './errors.js';
import type { AuditSink } from './http.js';

export type TokenSet = {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
};

export type WiseOAuthOptions = {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** The redirect URI registered with Wise (the gateway's /oauth/callback). */
  redirectUri: () => string;
  timeoutMs: number;
  maxRetries: number;
  audit: AuditSink;
  fetch?: typeof fetch;
};

export class WiseOAuth {
  private readonly config: client.Configuration;

  constructor(private readonly options: WiseOAuthOptions) {
    const tokenEndpoint = new URL('/oauth/token', options.apiUrl).toString();
    this.config = new client.Configuration(
      { issuer: new URL(options.apiUrl).origin, token_endpoint: tokenEndpoint },
      options.clientId,
      undefined,
      client.ClientSecretBasic(options.clientSecret),
    );
    this.config.timeout = Math.ceil(options.timeoutMs / 1000);
    if (tokenEndpoint.startsWith('http:')) client.allowInsecureRequests(this.config);
    const baseFetch = options.fetch ?? fetch;
    // Every token call is audited like any other Wise call (never its body: it carries secrets).
    this.config[client.customFetch] = async (url, init) => {
      const started = performance.now();
      const form = init.body instanceof URLSearchParams ? init.body : new URLSearchParams(typeof init.body === 'string' ? init.body : '');
      const grant = form.get('grant_type') ?? 'unknown';
      countWiseCall();
      const record = (status: number | null, error: string | null) =>
        options.audit.record({
          correlationId: randomUUID(),
          method: 'POST',
          path: `/oauth/token (${grant})`,
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          attempt: 1,
          error,
          customerId: null,
        });
      try {
        const response = await baseFetch(url, init as RequestInit);
        record(response.status, null);
        return response;
      } catch (error) {
        record(null, (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message);
        throw error;
      }
    };
  }

  clientCredentials(): Promise<TokenSet> {
    return this.withRetries(() => client.clientCredentialsGrant(this.config));
  }

  registrationCode(email: string, registrationCode: string): Promise<TokenSet> {
    return this.withRetries(() =>
      client.genericGrantRequest(this.config, 'registration_code', { client_id: this.options.clientId, email, registration_code: registrationCode }),
    );
  }

  /** Never retried: a code is single-use, and a replay would revoke what the first minted. */
  authorizationCode(code: string): Promise<TokenSet> {
    return this.exchange(() =>
      client.genericGrantRequest(this.config, 'authorization_code', {
        client_id: this.options.clientId,
        code,
        redirect_uri: this.options.redirectUri(),
      }),
    );
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.withRetries(() => client.refreshTokenGrant(this.config, refreshToken));
  }

  private async withRetries(grant: () => Promise<client.TokenEndpointResponse>): Promise<TokenSet> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exchange(grant);
      } catch (error) {
        if (!(error instanceof WiseError) || !error.transient || attempt > this.options.maxRetries) throw error;
        const wait = error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : Math.random() * 200 * 2 ** attempt;
        await new Promise((r) => setTimeout(r, Math.min(wait, 10_000)));
      }
    }
  }

  private async exchange(grant: () => Promise<client.TokenEndpointResponse>): Promise<TokenSet> {
    try {
      return toTokenSet(await grant());
    } catch (error) {
      throw toWiseError(error);
    }
  }
}

function toTokenSet(response: client.TokenEndpointResponse): TokenSet {
  const now = Date.now();
  const extra = response as client.TokenEndpointResponse & { expires_at?: string; refresh_token_expires_in?: number; refresh_token_expires_at?: string };
  const accessExpiry = extra.expires_at ? new Date(extra.expires_at) : new Date(now + (response.expires_in ?? 43199) * 1000);
  const refreshExpiry = extra.refresh_token_expires_at
    ? new Date(extra.refresh_token_expires_at)
    : extra.refresh_token_expires_in
      ? new Date(now + extra.refresh_token_expires_in * 1000)
      : null;
  return {
    accessToken: response.access_token,
    accessTokenExpiresAt: accessExpiry,
    refreshToken: response.refresh_token ?? null,
    refreshTokenExpiresAt: response.refresh_token ? refreshExpiry : null,
  };
}

/** openid-client's failures, mapped to the one taxonomy. */
function toWiseError(error: unknown): WiseError {
  if (error instanceof WiseError) return error;
  if (error instanceof client.ResponseBodyError) {
    return errorFromResponse(error.status, error.cause, error.response?.headers ?? new Headers());
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Response) {
    // A refusal without an OAuth body (Wise answers an email change this way).
    return errorFromResponse(cause.status, null, cause.headers);
  }
  const name = (error as Error).name;
  const message = name === 'TimeoutError' || name === 'AbortError' ? 'no answer in time' : (error as Error).message;
  return new WiseError('UNAVAILABLE', `Wise's token endpoint did not answer: ${message}`, { cause: error });
}
