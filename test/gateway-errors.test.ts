/** One gateway error type: a code table mapped to GraphQL once, at the edge. */
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS, GatewayError, isGatewayError, type GatewayErrorCode } from '../src/domain/errors.js';
import { mapDomainError } from '../src/resolvers/errors.js';
import { ErrorCode } from '../src/schema/errors.js';

describe('GatewayError', () => {
  it('maps every code to a GraphQL code the contract has, or to none', () => {
    for (const [code, spec] of Object.entries(GATEWAY_ERRORS)) {
      if (spec.graphql === null) continue;
      expect(Object.values(ErrorCode), code).toContain(spec.graphql);
      expect(mapDomainError(new GatewayError(code as GatewayErrorCode))?.extensions.code, code).toBe(spec.graphql);
    }
  });

  it('says not found the same way whatever was not found, naming the input when one named it', () => {
    expect(mapDomainError(new GatewayError('NOT_FOUND', 'No such transfer for this customer'))).toEqual({ message: 'Not found', extensions: { code: 'NOT_FOUND' } });
    expect(mapDomainError(new GatewayError('NOT_FOUND', 'No such quote for this customer', { field: 'quoteId' }))).toEqual({
      message: 'Not found',
      extensions: { code: 'NOT_FOUND', field: 'input.quoteId' },
    });
  });

  it('carries its details into the extensions', () => {
    expect(mapDomainError(new GatewayError('RELINK_REQUIRED', 'again', { relinkReason: 'ACCESS_REVOKED' }))?.extensions).toEqual({ code: 'RELINK_REQUIRED', relinkReason: 'ACCESS_REVOKED' });
    expect(mapDomainError(new GatewayError('WISE_BUDGET_EXCEEDED', 'slow down', { limit: 'wiseCallsPerCustomer', retryAfterSeconds: 12 }))?.extensions).toEqual({
      code: 'RATE_LIMITED',
      limit: 'wiseCallsPerCustomer',
      retryAfterSeconds: 12,
    });
  });

  it('keeps a retry-later inside the server: it is no client error', () => {
    const error = new GatewayError('RETRY_LATER');
    expect(error.retryable).toBe(true);
    expect(mapDomainError(error)).toBeUndefined();
  });

  it('is switched on by code', () => {
    const error = new GatewayError('NOT_LINKED');
    expect(isGatewayError(error, 'NOT_LINKED')).toBe(true);
    expect(isGatewayError(error, 'NOT_FOUND')).toBe(false);
    expect(isGatewayError(new Error('x'))).toBe(false);
    expect(error.message).toBe('No Wise account is linked to this customer');
  });
});
