import { describe, expect, it } from 'vitest';
import {
  messageOf,
  progressOf,
  progressText,
  retryAfterMs,
  WAIT_LIMITS,
  waitBeforeAsking,
} from './not-ready.ts';

describe('a not-ready answer', () => {
  const now = Date.parse('2027-01-05T10:00:00Z');

  it('reads Retry-After as seconds or as a date, and nothing else', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Tue, 05 Jan 2027 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Tue, 05 Jan 2027 09:00:00 GMT', now)).toBe(0);
    for (const header of [null, undefined, '', 'soon', '-1', '1.5'])
      expect(retryAfterMs(header, now)).toBeUndefined();
  });

  it('waits what the node says, within limits, or 2 s when it says nothing', () => {
    expect(waitBeforeAsking(3000)).toBe(3000);
    expect(waitBeforeAsking(0)).toBe(WAIT_LIMITS.minimum);
    expect(waitBeforeAsking(3_600_000)).toBe(WAIT_LIMITS.maximum);
    expect(waitBeforeAsking(undefined)).toBe(2000);
  });

  it('finds the progress where the node puts it, as counts or as a share', () => {
    expect(progressOf({ progress: { done: 9, total: 20, unit: 'companies' } })).toEqual({
      done: 9,
      total: 20,
      unit: 'companies',
    });
    expect(progressOf({ job: { progress: { done: 3, total: 0, unit: 'step' } } })).toEqual({
      done: 3,
      total: undefined,
      unit: 'step',
    });
    expect(progressOf({ error: { code: 'not-ready', message: 'm', details: { progress: 0.456 } } })).toEqual({
      done: 46,
      total: 100,
      unit: '%',
    });
    for (const body of [
      undefined,
      null,
      'text',
      {},
      { progress: 'half' },
      { progress: 1.5 },
      { progress: { total: 3 } },
    ])
      expect(progressOf(body)).toBeUndefined();
  });

  it('says the progress with its unit', () => {
    expect(progressText({ done: 9, total: 20, unit: 'companies' })).toBe('45 % (9 of 20 companies)');
    expect(progressText({ done: 46, total: 100, unit: '%' })).toBe('46 %');
    expect(progressText({ done: 1200, total: undefined, unit: 'companies' })).toBe('1,200 companies done');
    expect(progressText({ done: 30, total: 20, unit: undefined })).toBe('100 % (30 of 20)');
  });

  it("takes the node's words from the body or its error", () => {
    expect(messageOf({ message: 'planning v3' })).toBe('planning v3');
    expect(messageOf({ error: { code: 'unavailable', message: 'the plan is being made' } })).toBe(
      'the plan is being made',
    );
    expect(messageOf({ message: '' })).toBeUndefined();
    expect(messageOf(undefined)).toBeUndefined();
  });
});
