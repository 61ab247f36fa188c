/**
 * GraphQL errors with a stable `extensions.code`, for everything a frontend is not expected
 * to handle as a typed result. Typed results (form errors, link required, SCA…) live in the
 * schema types of their area.
 */
import { GraphQLError } from 'graphql';
import { ConcurrentOnboardingError } from '../services/onboarding.js';
import { QuoteInputError } from '../services/quotes.js';
import { RecipientNotFoundError } from '../services/recipients.js';
import { NotOfferedError } from '../services/rollout.js';
import { TransferInputError, TransferNotFoundError } from '../services/transfers.js';
import { NotLinkedError, RelinkRequiredError } from '../services/wise-tokens.js';
import { WiseBudgetExceededError } from '../wise/budget.js';
import { WiseError, type WiseErrorCode } from '../wise/errors.js';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RELINK_REQUIRED: 'RELINK_REQUIRED',
  NOT_LINKED: 'NOT_LINKED',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A document over a depth, alias, token, cost or directive limit (http/document-limits.ts). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A request body over HTTP_BODY_LIMIT_BYTES. */
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  /** The bank's rollout does not offer Wise to this customer, or this route, yet (services/rollout.ts). */
  NOT_OFFERED: 'NOT_OFFERED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** A subscription's `after` older than the event log keeps (EVENT_LOG_RETENTION_DAYS): read afresh. */
  RESUME_POINT_EXPIRED: 'RESUME_POINT_EXPIRED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function gatewayError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * The one place domain and Wise failures become GraphQL errors with a stable code. Everything
 * a frontend must handle as part of the flow is a typed result instead; these are the rest.
 */
export function mapDomainError(error: unknown): { message: string; extensions: Record<string, unknown> } | undefined {
  if (error instanceof RelinkRequiredError) {
    return { message: error.message, extensions: { code: 'RELINK_REQUIRED', relinkReason: error.reason } };
  }
  if (error instanceof NotLinkedError) return { message: error.message, extensions: { code: 'NOT_LINKED' } };
  if (error instanceof ConcurrentOnboardingError) return { message: error.message, extensions: { code: ErrorCode.CONFLICT } };
  if (error instanceof QuoteInputError) return { message: error.message, extensions: { code: ErrorCode.BAD_USER_INPUT, field: error.field } };
  if (error instanceof RecipientNotFoundError || error instanceof TransferNotFoundError) return { message: error.message, extensions: { code: ErrorCode.NOT_FOUND } };
  if (error instanceof TransferInputError) return { message: error.message, extensions: { code: ErrorCode.BAD_USER_INPUT, field: error.field } };
  if (error instanceof NotOfferedError) return { message: error.message, extensions: { code: ErrorCode.NOT_OFFERED, reason: error.reason, routes: error.routes } };
  if (error instanceof WiseBudgetExceededError) {
    return {
      message: error.message,
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        limit: error.scope === 'request' ? 'wiseCallsPerRequest' : 'wiseCallsPerCustomer',
        ...(error.retryAfterSeconds !== null ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
      },
    };
  }
  if (error instanceof WiseError) {
    const byCode: Record<WiseErrorCode, ErrorCode> = {
      RATE_LIMITED: ErrorCode.RATE_LIMITED,
      UNAVAILABLE: ErrorCode.UPSTREAM_UNAVAILABLE,
      UNAUTHORIZED: ErrorCode.UPSTREAM_UNAVAILABLE,
      INVALID_GRANT: ErrorCode.UPSTREAM_UNAVAILABLE,
      FORBIDDEN: ErrorCode.FORBIDDEN,
      SCA_REQUIRED: ErrorCode.FORBIDDEN,
      NOT_FOUND: ErrorCode.NOT_FOUND,
      VALIDATION: ErrorCode.BAD_USER_INPUT,
      CONFLICT: ErrorCode.CONFLICT,
    };
    return {
      message: error.code === 'UNAVAILABLE' || error.code === 'RATE_LIMITED' ? 'Wise is not available right now; try again shortly.' : error.message,
      extensions: {
        code: byCode[error.code],
        wiseCode: error.code,
        ...(error.retryAfterSeconds !== null ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        ...(error.fieldErrors.length ? { fieldErrors: error.fieldErrors.map(({ path, code, message }) => ({ path, code, message })) } : {}),
        ...(error.traceId ? { wiseTraceId: error.traceId } : {}),
      },
    };
  }
  return undefined;
}
