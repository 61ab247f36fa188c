/**
 * One error taxonomy for everything that can go wrong talking to Wise, mapped once, here, from
 * the HTTP status and Wise's error-body families (shared/wise-api/errors-and-limits.md §2).
 * Callers switch on `code`, never on message text (Wise's messages are display text).
 */

export type WiseErrorCode =
  | 'RATE_LIMITED' // 429: retry after `retryAfterSeconds`
  | 'UNAUTHORIZED' // 401: token missing, expired or revoked
  | 'INVALID_GRANT' // token endpoint refused a code, refresh token or registration code
  | 'FORBIDDEN' // 403: not this user's resource, or access withdrawn
  | 'SCA_REQUIRED' // 403 with a one-time token to approve
  | 'NOT_FOUND' // 404
  | 'VALIDATION' // 400/422 with field errors
  | 'CONFLICT' // 409
  | 'UNAVAILABLE'; // 5xx, timeouts, network errors: Wise could not answer

export type WiseFieldError = { code: string; message: string; path: string | null; arguments: string[] };

export class WiseError extends Error {
  readonly code: WiseErrorCode;
  readonly status: number | null;
  readonly fieldErrors: WiseFieldError[];
  readonly retryAfterSeconds: number | null;
  /** Wise's x-trace-id, for support tickets. */
  readonly traceId: string | null;
  /** OAuth `error` value, when the body had one. */
  readonly oauthError: string | null;
  /** SCA one-time token (x-2fa-approval) when code is SCA_REQUIRED. */
  readonly oneTimeToken: string | null;
  /** Earlier attempts of the same call that got no answer and may have done its work (WiseResponse). */
  unansweredAttempts = 0;

  constructor(
    code: WiseErrorCode,
    message: string,
    details: {
      status?: number | null;
      fieldErrors?: WiseFieldError[];
      retryAfterSeconds?: number | null;
      traceId?: string | null;
      oauthError?: string | null;
      oneTimeToken?: string | null;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'WiseError';
    this.code = code;
    this.status = details.status ?? null;
    this.fieldErrors = details.fieldErrors ?? [];
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
    this.traceId = details.traceId ?? null;
    this.oauthError = details.oauthError ?? null;
    this.oneTimeToken = details.oneTimeToken ?? null;
  }

  /** Worth repeating a call that is safe to repeat. */
  get transient(): boolean {
    return this.code === 'UNAVAILABLE' || this.code === 'RATE_LIMITED';
  }
}

/** The boundary: a Wise HTTP response that is not a success becomes a WiseError. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): WiseError {
  const traceId = headers.get('x-trace-id');
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, any>;
  const fieldErrors: WiseFieldError[] = Array.isArray(b.errors)
    ? b.errors.map((e: any) => ({
        code: String(e?.code ?? 'UNKNOWN'),
        message: String(e?.message ?? ''),
        path: typeof e?.path === 'string' && e.path !== '' ? e.path : null,
        arguments: Array.isArray(e?.arguments) ? e.arguments.map(String) : [],
      }))
    : [];
  const message =
    fieldErrors.map((e) => e.message).filter(Boolean).join('; ') ||
    (typeof b.error_description === 'string' && b.error_description) ||
    (typeof b.message === 'string' && b.message) ||
    (typeof b.detail === 'string' && b.detail) ||
    (typeof b.description === 'string' && b.description) ||
    `Wise answered HTTP ${status}`;
  const oauthError = typeof b.error === 'string' ? b.error : null;
  const common = { status, traceId, fieldErrors, oauthError };

  if (status === 429) {
    const retryAfter = Number(headers.get('retry-after'));
    return new WiseError('RATE_LIMITED', 'Wise is rate limiting these calls', { ...common, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : null });
  }
  if (status === 401) return new WiseError(oauthError === 'invalid_grant' ? 'INVALID_GRANT' : 'UNAUTHORIZED', message, common);
  if (status === 403) {
    const ott = headers.get('x-2fa-approval');
    if (ott) return new WiseError('SCA_REQUIRED', 'Wise asks for strong customer authentication', { ...common, oneTimeToken: ott });
    return new WiseError('FORBIDDEN', message, common);
  }
  if (status === 404) return new WiseError('NOT_FOUND', message, common);
  if (status === 409) return new WiseError('CONFLICT', message, common);
  if (status === 400 && oauthError === 'invalid_grant') return new WiseError('INVALID_GRANT', message, common);
  if (status >= 400 && status < 500) return new WiseError('VALIDATION', message, common);
  return new WiseError('UNAVAILABLE', `Wise is unavailable (HTTP ${status})`, common);
}
