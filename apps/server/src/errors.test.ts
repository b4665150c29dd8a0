import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from './errors.ts';

describe('toApiError', () => {
  it('keeps an ApiError', () => {
    const error = new ApiError('conflict', 'taken');
    expect(toApiError(error)).toBe(error);
    expect(error.statusCode).toBe(409);
    expect(error.toBody()).toEqual({ error: { code: 'conflict', message: 'taken' } });
  });

  it('maps Fastify errors by code, with messages of our own', () => {
    const cases: [string, string][] = [
      ['FST_ERR_CTP_BODY_TOO_LARGE', 'payload-too-large'],
      ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'unsupported-media-type'],
      ['FST_ERR_CTP_INVALID_JSON_BODY', 'invalid-request'],
      ['FST_ERR_CTP_EMPTY_JSON_BODY', 'invalid-request'],
      ['FST_ERR_BAD_URL', 'invalid-request'],
    ];
    for (const [code, expected] of cases) {
      const mapped = toApiError(Object.assign(new Error('internal wording'), { code, statusCode: 400 }));
      expect(mapped?.code, code).toBe(expected);
      expect(mapped?.message).not.toBe('internal wording');
    }
  });

  it('names the refused content-type only when it looks like one', () => {
    const error = Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(toApiError(error, { contentType: 'text/csv; charset=utf-8' })?.message).toBe(
      "content-type 'text/csv' is not supported here",
    );
    expect(toApiError(error, { contentType: '<script>' })?.message).toBe(
      'the content-type is not supported here',
    );
  });

  it('maps schema validation to invalid-request with where and what', () => {
    const error = Object.assign(new Error('x'), {
      validation: [{ instancePath: '/limit', message: 'too big' }],
      validationContext: 'querystring',
    });
    expect(toApiError(error)?.toBody()).toEqual({
      error: {
        code: 'invalid-request',
        message: 'the querystring is not valid',
        details: [{ path: '/limit', message: 'too big' }],
      },
    });
  });

  it('maps other client errors by status, and leaves bugs to the caller', () => {
    expect(toApiError(Object.assign(new Error('x'), { statusCode: 404 }))?.code).toBe('not-found');
    expect(toApiError(Object.assign(new Error('x'), { statusCode: 418 }))?.code).toBe('invalid-request');
    expect(toApiError(new TypeError('bug'))).toBeUndefined();
    expect(toApiError(Object.assign(new Error('x'), { statusCode: 500 }))).toBeUndefined();
    expect(toApiError('a string')).toBeUndefined();
  });
});

describe('store errors', () => {
  it('maps a store that is down to unavailable and a conflict to conflict; the rest are bugs', async () => {
    const { StoreError } = await import('@keten/store');
    expect(toApiError(new StoreError('unavailable', 'connection refused at 10.0.0.5'))?.toBody()).toEqual({
      error: { code: 'unavailable', message: 'the store is not available; try again later' },
    });
    expect(toApiError(new StoreError('closed', 'closed'))?.code).toBe('unavailable');
    expect(toApiError(new StoreError('conflict', 'no user named ada'))?.code).toBe('conflict');
    expect(toApiError(new StoreError('corrupt', 'bad page'))).toBeUndefined();
    expect(toApiError(new StoreError('invalid-input', 'NUL in name'))).toBeUndefined();
  });
});
