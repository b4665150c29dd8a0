import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actorWords,
  apiQuery,
  chainWords,
  denialWords,
  EMPTY_FILTER,
  filterFromSearch,
  newestPage,
  olderPage,
  partyNames,
  searchFromFilter,
  shortId,
} from './audit-view.ts';

describe('the audit filter', () => {
  it('goes to the query string and back', () => {
    const filter = { partner: 'steinhof', action: 'data', outcome: 'denied', before: 120, limit: 50 };
    expect(searchFromFilter(filter)).toBe('?partner=steinhof&action=data&outcome=denied&before=120&limit=50');
    expect(filterFromSearch(searchFromFilter(filter))).toEqual(filter);
    expect(searchFromFilter(EMPTY_FILTER)).toBe('');
    expect(filterFromSearch('')).toEqual(EMPTY_FILTER);
  });

  it('drops bad values rather than sending them', () => {
    expect(filterFromSearch('?before=-3&limit=7')).toEqual(EMPTY_FILTER);
    expect(apiQuery(EMPTY_FILTER)).toEqual({
      partner: undefined,
      action: undefined,
      outcome: undefined,
      before: undefined,
      limit: 100,
    });
  });

  it('round-trips any filter', () => {
    fc.assert(
      fc.property(
        fc.record({
          partner: fc.string({ maxLength: 30 }).map((text) => text.trim()),
          action: fc.string({ maxLength: 30 }).map((text) => text.trim()),
          outcome: fc.constantFrom('', 'granted', 'denied'),
          limit: fc.constantFrom(50, 100, 200),
        }),
        fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
        (base, before) => {
          const filter = before === undefined ? base : { ...base, before };
          expect(filterFromSearch(searchFromFilter(filter))).toEqual(filter);
        },
      ),
    );
  });

  it('pages back and to the newest', () => {
    const page = { entries: [], matched: 300, total: 900, nextBefore: 40, chain: 'intact' as const };
    expect(olderPage(EMPTY_FILTER, page)).toEqual({ ...EMPTY_FILTER, before: 40 });
    const { nextBefore: _next, ...last } = page;
    expect(olderPage(EMPTY_FILTER, last)).toBeUndefined();
    expect(newestPage({ ...EMPTY_FILTER, before: 40 })).toEqual(EMPTY_FILTER);
  });
});

describe('audit entries in words', () => {
  it('says where the chain breaks', () => {
    expect(chainWords('intact', 12)).toEqual({
      text: 'Hash chain intact: all 12 entries link to the one before, none changed or missing.',
      broken: false,
    });
    const broken = chainWords({ sequence: 7, reason: 'changed', message: 'entry 7 hash differs' }, 12);
    expect(broken.broken).toBe(true);
    expect(broken.text).toContain('entry 7: it was changed after it was written');
  });

  it('picks the failed constraint out of a denial', () => {
    expect(
      denialWords('permission[0]: DataUsageEndDate 2020-01-01T00:00:00Z has passed: use ended then.'),
    ).toEqual({
      constraint: 'DataUsageEndDate',
      why: 'permission[0]: DataUsageEndDate 2020-01-01T00:00:00Z has passed: use ended then.',
    });
    expect(denialWords('the agreement policy cannot be read')).toEqual({
      why: 'the agreement policy cannot be read',
    });
    expect(denialWords(undefined)).toEqual({ why: 'no reason recorded' });
    // What the evaluator wrote for an ended status consent (seen in the browser test).
    expect(
      denialWords(
        'the data may be used until 2020-01-01T00:00:00Z, and it is 2026-11-26T11:53:47.010Z: the period has ended.',
      ).constraint,
    ).toBe('DataUsageEndDate');
  });

  it('shortens ids', () => {
    expect(shortId('did:web:127.0.0.1%3A8081')).toBe('127.0.0.1:8081');
    expect(shortId('urn:keten:kempen:status:x')).toBe('kempen:status:x');
  });
});

describe('actors by name', () => {
  it('names a known partner by company, anything else by its short id', () => {
    const names = partyNames([{ company: 'kempen', did: 'did:web:127.0.0.1%3A8081', bpnl: 'BPNL0001' }]);
    expect(actorWords(names, 'did:web:127.0.0.1%3A8081')).toBe('kempen');
    expect(actorWords(names, 'BPNL0001')).toBe('kempen');
    expect(actorWords(names, 'did:web:127.0.0.1%3A9999')).toBe('127.0.0.1:9999');
    expect(actorWords(names, 'user:admin')).toBe('user:admin');
  });
});
