import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Network } from '../model/schema.ts';
import { Uuid } from './aspects.ts';
import { contentUuid, Directory, nameUuid, siteBpna, siteBpns } from './identifiers.ts';
import { dateValue, isMonday, periodDate, periodOfDate, weekBuckets } from './weeks.ts';

const company = (bpn?: string, site: Record<string, string> = {}) =>
  ({
    id: 'c',
    name: 'C',
    ...(bpn ? { bpn } : {}),
    site: { country: 'NL', region: 'EU', ...site },
  }) as Network['companies'][number];

describe('nameUuid (RFC 9562 UUIDv8, name-based on SHA-256)', () => {
  it('is a version-8, RFC-variant UUID that fits the aspect models', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const id = nameUuid(name);
        return (
          /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id) &&
          Uuid.safeParse(id).success
        );
      }),
    );
  });

  it('is the same for the same name and differs for another', () => {
    expect(nameUuid('a')).toBe(nameUuid('a'));
    expect(nameUuid('a')).not.toBe(nameUuid('b'));
  });

  it("is SHA-256's first 128 bits with the version and variant bits set (checked against node:crypto)", () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const bytes = createHash('sha256').update(`keten:${name}`, 'utf8').digest().subarray(0, 16);
        bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
        bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 0b10
        const hex = bytes.toString('hex');
        const expected = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
        return nameUuid(name) === expected;
      }),
    );
  });

  it('contentUuid does not depend on the order of keys', () => {
    expect(contentUuid('x', { a: 1, b: [2, 3] })).toBe(contentUuid('x', { b: [2, 3], a: 1 }));
    expect(contentUuid('x', { a: 1 })).not.toBe(contentUuid('y', { a: 1 }));
  });
});

describe('site numbers', () => {
  it('are derived from the BPNL unless the site gives them', () => {
    expect([siteBpns(company('BPNL0000AB8FGKOG')), siteBpna(company('BPNL0000AB8FGKOG'))]).toEqual([
      'BPNS0000AB8FGKOG',
      'BPNA0000AB8FGKOG',
    ]);
    const own = company('BPNL0000AB8FGKOG', { bpns: 'BPNS000000000001', bpna: 'BPNA000000000002' });
    expect([siteBpns(own), siteBpna(own)]).toEqual(['BPNS000000000001', 'BPNA000000000002']);
    expect(siteBpns(company())).toBe(undefined);
  });
});

describe('material numbers', () => {
  const network = {
    companies: [company('BPNL000000000001'), { ...company('BPNL000000000002'), id: 's' }],
    items: [{ id: 'bolt', name: 'Bolt', unit: 'pcs' }],
    production: [{ company: 's', item: 'bolt', leadTime: 1, capacity: 1, partNumber: 'S-BOLT' }],
    sourcing: [{ buyer: 'c', item: 'bolt', suppliers: [{ supplier: 's', share: 1, leadTime: 1 }] }],
  } as unknown as Network;

  it("default to the item id for the customer and to the supplier's part number", () => {
    const directory = new Directory(network);
    expect(directory.customerMaterialNumber('c', 'bolt')).toBe('bolt');
    expect(directory.supplierMaterialNumber('c', 'bolt', 's')).toBe('S-BOLT');
    expect(directory.itemOf('c', 's', { supplier: 'S-BOLT' })).toBe('bolt');
    expect(directory.itemOf('c', 's', { customer: 'bolt' })).toBe('bolt');
    expect(directory.itemOf('c', 's', { customer: 'nut', supplier: 'S-NUT' })).toBe(undefined);
  });

  it("take the rule's buyerPartNumber and the line's supplierPartNumber first", () => {
    const named = structuredClone(network) as unknown as { sourcing: Record<string, unknown>[] };
    named.sourcing[0]!.buyerPartNumber = 'C-77';
    (named.sourcing[0]!.suppliers as Record<string, unknown>[])[0]!.supplierPartNumber = 'S-BOLT-EU';
    const directory = new Directory(named as unknown as Network);
    expect(directory.customerMaterialNumber('c', 'bolt')).toBe('C-77');
    expect(directory.supplierMaterialNumber('c', 'bolt', 's')).toBe('S-BOLT-EU');
    expect(directory.itemOf('c', 's', { customer: 'C-77' })).toBe('bolt');
    expect(directory.itemOf('c', 's', { supplier: 'S-BOLT-EU' })).toBe('bolt');
  });
});

describe('weeks', () => {
  it('week buckets of a week network that starts on a Thursday are the Mondays before each period', () => {
    const buckets = weekBuckets({ period: 'week', start: '2026-12-31' }, 3);
    expect(buckets).toEqual([
      { monday: '2026-12-28', periods: [0] },
      { monday: '2027-01-04', periods: [1] },
      { monday: '2027-01-11', periods: [2] },
    ]);
  });

  it('every bucket starts on a Monday and the buckets cover the horizon once, in order', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.constantFrom('day' as const, 'week' as const),
        fc.integer({ min: 1, max: 400 }),
        (date, period, horizon) => {
          const network = { period, start: date.toISOString().slice(0, 10) };
          const buckets = weekBuckets(network, horizon);
          const periods = buckets.flatMap((bucket) => bucket.periods);
          return (
            buckets.every((bucket) => isMonday(bucket.monday)) &&
            periods.length === horizon &&
            periods.every((p, index) => p === index) &&
            buckets.every((bucket) =>
              bucket.periods.every((p) => periodOfDate(network, periodDate(network, p)) === p),
            )
          );
        },
      ),
    );
  });

  it('rejects impossible dates', () => {
    expect(dateValue('2027-02-29')).toBeNaN();
    expect(dateValue('2028-02-29')).not.toBeNaN();
    expect(periodOfDate({ period: 'day', start: '2027-01-04' }, 'tomorrow')).toBe(undefined);
  });
});
