/**
 * The gateway's one error type (openid-client's habit): a `GatewayError` with a stable `code`,
 * and one table saying, per code, what it means — the GraphQL `extensions.code` it becomes at
 * the edge (src/resolvers/errors.ts, the one mapping), its category, whether trying again
 * later can succeed, and its default message. Callers switch on `code`, never on the class or
 * the message. Wise's own failures keep their taxonomy (`WiseError`, src/wise/errors.ts), mapped
 * at the same edge.
 */
export type ErrorCategory = 'input' | 'not_found' | 'link' | 'conflict' | 'limit' | 'rollout' | 'transient';

type ErrorSpec = {
  /** The GraphQL error's `extensions.code` (src/schema/errors.ts ErrorCode); null: not a client error. */
  graphql: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'NOT_LINKED' | 'RELINK_REQUIRED' | 'CONFLICT' | 'RATE_LIMITED' | 'NOT_OFFERED' | null;
  category: ErrorCategory;
  /** The same call may succeed later without anything changing on the caller's side. */
  retryable: boolean;
  message: string;
};

const ERRORS = {
  /** Input the frontend sent that the service refuses (`details.field` names it). */
  INVALID_INPUT: { graphql: 'BAD_USER_INPUT', category: 'input', retryable: false, message: 'The input is not valid' },
  /** Not found, or not this customer's: never distinguishable (`details.field` when an input named it). */
  NOT_FOUND: { graphql: 'NOT_FOUND', category: 'not_found', retryable: false, message: 'Not found' },
  /** The bank's record of the customer cannot make a Wise profile (`details.field`). */
  PROFILE_NOT_SUPPORTED: { graphql: 'BAD_USER_INPUT', category: 'input', retryable: false, message: 'Wise profiles cannot be created for this customer' },
  NOT_LINKED: { graphql: 'NOT_LINKED', category: 'link', retryable: false, message: 'No Wise account is linked to this customer' },
  /** The link died (`details.relinkReason`). */
  RELINK_REQUIRED: { graphql: 'RELINK_REQUIRED', category: 'link', retryable: false, message: 'The Wise account must be linked again' },
  ONBOARDING_IN_PROGRESS: { graphql: 'CONFLICT', category: 'conflict', retryable: true, message: 'Another onboarding attempt for this customer is in progress' },
  TRANSFER_BUSY: { graphql: 'CONFLICT', category: 'conflict', retryable: true, message: 'Another operation on this transfer is still running; try again shortly.' },
  /** The rollout does not offer Wise to this customer or route (`details.reason`, `details.routes`). */
  NOT_OFFERED: { graphql: 'NOT_OFFERED', category: 'rollout', retryable: false, message: 'Wise transfers are not offered to this customer yet.' },
  /** A budget of calls to Wise ran out (`details.limit`, `details.retryAfterSeconds`). */
  WISE_BUDGET_EXCEEDED: { graphql: 'RATE_LIMITED', category: 'limit', retryable: true, message: 'Too many calls to Wise' },
  /** Something this work depends on is not there yet (a webhook before its transfer's creation committed): a job tries again. */
  RETRY_LATER: { graphql: null, category: 'transient', retryable: true, message: 'Not ready yet; try again later' },
} as const satisfies Record<string, ErrorSpec>;

export type GatewayErrorCode = keyof typeof ERRORS;

export type GatewayErrorDetails = {
  /** The input at fault, as the service names it (`quoteId`, `sourceAmount`, `address.country`). */
  field?: string;
  relinkReason?: string;
  reason?: string;
  routes?: unknown;
  /** Which budget: `wiseCallsPerRequest` or `wiseCallsPerCustomer`. */
  limit?: string;
  retryAfterSeconds?: number | null;
  cause?: unknown;
};

export class GatewayError extends Error {
  readonly details: Omit<GatewayErrorDetails, 'cause'>;

  constructor(
    readonly code: GatewayErrorCode,
    message: string = ERRORS[code].message,
    { cause, ...details }: GatewayErrorDetails = {},
  ) {
    super(message, { cause });
    this.name = 'GatewayError';
    this.details = details;
  }

  get spec(): ErrorSpec {
    return ERRORS[this.code];
  }

  get retryable(): boolean {
    return ERRORS[this.code].retryable;
  }
}

export function isGatewayError(error: unknown, ...codes: GatewayErrorCode[]): error is GatewayError {
  return error instanceof GatewayError && (codes.length === 0 || codes.includes(error.code));
}

/** Every code and its spec, for the edge's mapping and its test. */
export const GATEWAY_ERRORS: Readonly<Record<GatewayErrorCode, ErrorSpec>> = ERRORS;
