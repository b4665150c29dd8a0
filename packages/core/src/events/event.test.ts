import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventInputSchema } from './event.ts';

const valid = {
  type: 'order.created',
  key: 'po-1',
  at: '2027-01-04T08:00:00Z',
  source: 'oem',
  payload: { q: 1 },
};

describe('EventInputSchema', () => {
  it('accepts a well-formed event, with or without a time-zone offset', () => {
    expect(EventInputSchema.safeParse(valid).success).toBe(true);
    expect(EventInputSchema.safeParse({ ...valid, at: '2027-01-04T08:00:00+01:00' }).success).toBe(true);
  });

  it('names each broken field', () => {
    const result = EventInputSchema.safeParse({
      type: 'Order Created',
      key: '',
      at: '2027-01-04',
      source: 'x',
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['at', 'key', 'payload', 'type']);
  });

  it('rejects unknown fields and never throws on arbitrary input', () => {
    expect(EventInputSchema.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        EventInputSchema.safeParse(value);
      }),
    );
  });
});
