// Errors are retryable exactly when trying again can help: 429, 5xx, timeouts, broken connections.
import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { classifyApiError } from '../../../functions/adapters/kubernetes/api-errors';

const status = (code: number, reason: string, extra: object = {}) =>
  new ApiException(code, 'x', JSON.stringify({ kind: 'Status', code, reason, message: `${reason} happened`, ...extra }), {});

describe('classifyApiError', () => {
  it.each([
    [400, 'BadRequest', false],
    [403, 'Forbidden', false],
    [404, 'NotFound', false],
    [409, 'Conflict', false],
    [422, 'Invalid', false],
    [429, 'TooManyRequests', true],
    [500, 'InternalError', true],
    [503, 'ServiceUnavailable', true],
    [504, 'Timeout', true],
  ])('classifies HTTP %i %s as retryable=%s', (code, reason, retryable) => {
    expect(classifyApiError(status(code, reason))).toMatchObject({ code, statusReason: reason, message: `${reason} happened`, retryable });
  });

  it('takes Retry-After from the header, else from the Status details', () => {
    expect(classifyApiError(new ApiException(429, 'x', '{}', { 'retry-after': '9' })).retryAfterSeconds).toBe(9);
    expect(classifyApiError(status(429, 'TooManyRequests', { details: { retryAfterSeconds: 3 } })).retryAfterSeconds).toBe(3);
  });

  it('treats timeouts and connection errors as retryable, anything else as permanent', () => {
    expect(classifyApiError(new DOMException('timed out', 'TimeoutError')).retryable).toBe(true);
    expect(classifyApiError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })).retryable).toBe(true);
    expect(classifyApiError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).retryable).toBe(true);
    expect(classifyApiError(new Error('cannot deserialize V1Pod')).retryable).toBe(false);
  });
});
