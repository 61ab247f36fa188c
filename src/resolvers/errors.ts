/**
 * Domain and Wise failures → GraphQL errors with a stable `extensions.code`, in one place. It
 * lives beside the resolvers because it knows the services' error types; the codes themselves
 * and the UserError convention are the schema's (src/schema/errors.ts).
 */
import { GATEWAY_ERRORS, GatewayError, isGatewayError, type GatewayErrorCode } from '../domain/errors.js';
import { ErrorCode, notFound, type FieldError } from '../schema/errors.js';
import { WiseError, type WiseErrorCode, type WiseFieldError } from '../wise/errors.js';

/**
 * Runs a service call whose "not found" (or "not this customer's") must come out as NOT_FOUND
 * naming the argument, exactly like a malformed id (resolvers/ids.ts) does.
 */
export async function notFoundAs<T>(field: (serviceField: string | null) => string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isGatewayError(error, 'NOT_FOUND')) throw notFound(field(error.details.field ?? null));
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
  if (error instanceof GatewayError) return fromGatewayError(error);
  if (error instanceof WiseError) {
    return {
      message: error.code === 'UNAVAILABLE' || error.code === 'RATE_LIMITED' ? 'Wise is not available right now; try again shortly.' : error.message,
      extensions: {
        code: WISE_ERROR_CODES[error.code],
        wiseCode: error.code,
        ...(error.retryAfterSeconds !== null ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        ...(error.fieldErrors.length ? { fieldErrors: error.fieldErrors.map(({ path, code, message }) => ({ path, code, message })) } : {}),
        ...(error.traceId ? { wiseTraceId: error.traceId } : {}),
      },
    };
  }
  return undefined;
}

/** Wise's taxonomy (src/wise/errors.ts) → GraphQL codes. */
const WISE_ERROR_CODES: Record<WiseErrorCode, ErrorCode> = {
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

/** The extensions each code adds beside `code`, from the error's details. */
const EXTENSIONS: Partial<Record<GatewayErrorCode, (e: GatewayError) => Record<string, unknown>>> = {
  // Not found and not yours are one answer, whatever the operation.
  NOT_FOUND: (e) => (e.details.field ? { field: `input.${e.details.field}` } : {}),
  INVALID_INPUT: (e) => ({ field: `input.${e.details.field}` }),
  PROFILE_NOT_SUPPORTED: (e) => ({ field: e.details.field }),
  RELINK_REQUIRED: (e) => ({ relinkReason: e.details.relinkReason }),
  NOT_OFFERED: (e) => ({ reason: e.details.reason, routes: e.details.routes }),
  WISE_BUDGET_EXCEEDED: (e) => ({
    limit: e.details.limit,
    ...(e.details.retryAfterSeconds !== null && e.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.details.retryAfterSeconds } : {}),
  }),
};

/** A GatewayError through the code table; a code with no GraphQL code is the server's failure. */
function fromGatewayError(error: GatewayError): { message: string; extensions: Record<string, unknown> } | undefined {
  const graphql = GATEWAY_ERRORS[error.code].graphql;
  if (graphql === null) return undefined;
  const message = error.code === 'NOT_FOUND' ? 'Not found' : error.message;
  return { message, extensions: { code: ErrorCode[graphql], ...EXTENSIONS[error.code]?.(error) } };
}
