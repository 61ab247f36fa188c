/**
 * Domain and Wise failures → GraphQL errors with a stable `extensions.code`, in one place. It
 * lives beside the resolvers because it knows the services' error types; the codes themselves
 * and the UserError convention are the schema's (src/schema/errors.ts).
 */
import { ConcurrentOnboardingError } from '../services/onboarding.js';
import { QuoteInputError } from '../services/quotes.js';
import { RecipientNotFoundError } from '../services/recipients.js';
import { NotOfferedError } from '../services/rollout.js';
import { TransferInputError, TransferNotFoundError } from '../services/transfers.js';
import { NotLinkedError, RelinkRequiredError } from '../services/wise-tokens.js';
import { ErrorCode, notFound, type FieldError } from '../schema/errors.js';
import { WiseBudgetExceededError } from '../wise/budget.js';
import { WiseError, type WiseErrorCode, type WiseFieldError } from '../wise/errors.js';

/**
 * Runs a service call whose "not found" (or "not this customer's") must come out as NOT_FOUND
 * naming the argument, exactly like a malformed id (resolvers/ids.ts) does.
 */
export async function notFoundAs<T>(field: (serviceField: string | null) => string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TransferNotFoundError || error instanceof RecipientNotFoundError) throw notFound(field(null));
    if (error instanceof TransferInputError && (error.field === 'quoteId' || error.field === 'recipientId') && error.message.startsWith('No such')) throw notFound(field(error.field));
    throw error;
  }
}

export function toFieldErrors(errors: WiseFieldError[]): FieldError[] {
  return errors.map((e) => ({ path: e.path, code: e.code, message: e.message }));
}

/**
 * The one place domain and Wise failures become GraphQL errors with a stable code. Everything
 * a frontend must handle as part of the flow is a typed result instead; these are the rest.
 */
export function mapDomainError(error: unknown): { message: string; extensions: Record<string, unknown> } | undefined {
  if (error instanceof RelinkRequiredError) {
    return { message: error.message, extensions: { code: ErrorCode.RELINK_REQUIRED, relinkReason: error.reason } };
  }
  if (error instanceof NotLinkedError) return { message: error.message, extensions: { code: ErrorCode.NOT_LINKED } };
  if (error instanceof ConcurrentOnboardingError) return { message: error.message, extensions: { code: ErrorCode.CONFLICT } };
  if (error instanceof QuoteInputError) return { message: error.message, extensions: { code: ErrorCode.BAD_USER_INPUT, field: error.field } };
  // Not found and not yours are one answer, whatever the operation.
  if (error instanceof RecipientNotFoundError || error instanceof TransferNotFoundError) return { message: 'Not found', extensions: { code: ErrorCode.NOT_FOUND } };
  if (error instanceof TransferInputError && (error.field === 'quoteId' || error.field === 'recipientId') && error.message.startsWith('No such')) {
    return { message: 'Not found', extensions: { code: ErrorCode.NOT_FOUND, field: `input.${error.field}` } };
  }
  if (error instanceof TransferInputError) return { message: error.message, extensions: { code: ErrorCode.BAD_USER_INPUT, field: `input.${error.field}` } };
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
