/**
 * The contract's one error convention (ARCHITECTURE.md, "Errors"):
 *
 * - A failure the customer can act on is a member of the mutation's result union and implements
 *   `UserError` (code, message, field). Frontends switch on `__typename` or `code`.
 * - Anything else is a GraphQL error with a stable `extensions.code` (`ErrorCode` below).
 * - Not found and not yours are the same: `null` when an object is read by id (`node`,
 *   `transfer`, `quote`, `verification`), `NOT_FOUND` when an operation names one in its input.
 *
 * Which domain failure becomes which code is mapped once, beside the resolvers
 * (src/resolvers/errors.ts): the schema knows no service.
 */
import { GraphQLError } from 'graphql';
import { Field, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  /** Not found, or not this customer's: never distinguishable. */
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  /** The operation needs a working Wise link; onboardingStatus says what to do. */
  NOT_LINKED: 'NOT_LINKED',
  /** The link died (extensions.relinkReason); onboardingStatus says RELINK_REQUIRED. */
  RELINK_REQUIRED: 'RELINK_REQUIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A document over a depth, alias, token, cost or directive limit (http/document-limits.ts). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A request body over HTTP_BODY_LIMIT_BYTES. */
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  /** The bank's rollout does not offer Wise to this customer, or this route, yet. */
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

/** The one answer for an id that is unknown, malformed, of another type or another customer's. */
export function notFound(field: string): GraphQLError {
  return gatewayError(ErrorCode.NOT_FOUND, 'Not found', { field });
}

export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  VERIFICATION_REQUIRED = 'VERIFICATION_REQUIRED',
  QUOTE_NOT_USABLE = 'QUOTE_NOT_USABLE',
  INSUFFICIENT_FUNDS = 'INSUFFICIENT_FUNDS',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  SCA_REQUIRED = 'SCA_REQUIRED',
  FUNDING_REJECTED = 'FUNDING_REJECTED',
  TRANSFER_NOT_CANCELLABLE = 'TRANSFER_NOT_CANCELLABLE',
  LINK_REQUIRED = 'LINK_REQUIRED',
  LINK_REJECTED = 'LINK_REJECTED',
  PROFILE_REJECTED = 'PROFILE_REJECTED',
  NOT_LINKED = 'NOT_LINKED',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'What kind of failure the customer can act on; each is one type implementing UserError.',
});

@InterfaceType('UserError', {
  description: "A failure the customer can act on, returned as a member of the mutation's result union. Everything else is a GraphQL error with extensions.code.",
})
export abstract class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field(() => String, { description: 'What to tell the customer, in plain words.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input field at fault (e.g. input.sourceAmount), when one is.' })
  field!: string | null;
}

@ObjectType('FieldError', { simpleResolvers: true, description: 'A field the customer must correct; `path` uses the keys of the form or input it came from.' })
export class FieldError {
  @Field(() => String, { nullable: true })
  path!: string | null;

  @Field(() => String, { description: "Wise's or the gateway's code, e.g. NOT_VALID, REQUIRED." })
  code!: string;

  @Field(() => String)
  message!: string;
}

/** Builds a UserError member: `code`, `message` and `field` plus the member's own fields. */
export function userError<T extends UserError>(type: new () => T, values: Omit<T, 'code' | 'field'> & { field?: string | null }, code: UserErrorCode): T {
  return Object.assign(new type(), { field: null, ...values, code });
}
