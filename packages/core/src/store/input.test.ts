import { describe, expect, it } from 'vitest';
import { eventReadLimit, normalizeTimestamp, prepareEvents } from './input.ts';

describe('normalizeTimestamp', () => {
  it('normalizes ISO 8601 dates and zoned times to UTC with milliseconds', () => {
    expect(normalizeTimestamp('2025-03-03')).toBe('2025-03-03T00:00:00.000Z');
    expect(normalizeTimestamp('2025-03-03T10:00:00+02:00')).toBe('2025-03-03T08:00:00.000Z');
    expect(normalizeTimestamp('2025-03-03T10:00Z')).toBe('2025-03-03T10:00:00.000Z');
    expect(normalizeTimestamp('2025-03-03T10:00:00.123456Z')).toBe('2025-03-03T10:00:00.123Z');
  });

  it('refuses times without a zone, impossible dates and other text', () => {
    for (const text of [
      '2025-03-03T10:00:00',
      '2025-02-29',
      '2024-13-01',
      '2025-03-03T24:00:00Z',
      'yesterday',
      '',
    ]) {
      expect(normalizeTimestamp(text)).toBeUndefined();
    }
    expect(normalizeTimestamp('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });
});

describe('prepareEvents', () => {
  const event = { type: 'order', key: 'k1', at: '2025-03-03', source: 'oem', payload: { quantity: 1 } };

  it('keeps the first of repeated keys and lists the repeats', () => {
    const batch = prepareEvents([event, { ...event, payload: 2 }, { ...event, key: 'k2' }, event]);
    expect(batch.ok && batch.value.events.map((prepared) => prepared.key)).toEqual(['k1', 'k2']);
    expect(batch.ok && batch.value.repeated).toEqual(['k1', 'k1']);
    expect(batch.ok && batch.value.events[0]?.payloadJson).toBe('{"quantity":1}');
  });

  it('refuses the whole batch at the first bad event', () => {
    const batch = prepareEvents([event, { ...event, key: '' }]);
    expect(batch.ok ? undefined : batch.error.reason).toBe('key');
    const late = prepareEvents([{ ...event, at: '2025-03-03T10:00' }]);
    expect(late.ok ? undefined : late.error.reason).toBe('time');
  });
});

describe('eventReadLimit', () => {
  it('defaults to 1000 and stays within 0 and 10,000', () => {
    expect(eventReadLimit({})).toBe(1000);
    expect(eventReadLimit({ limit: 50_000 })).toBe(10_000);
    expect(eventReadLimit({ limit: -3 })).toBe(0);
  });
});
