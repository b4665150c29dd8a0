import { buildOffer, policyToJson } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { agreementTiming, offerEnd, offerStep, renewalDue, usageEndOf } from './renewal.ts';

const DAY = 24 * 3600 * 1000;

describe('agreement timing', () => {
  it('defaults to a year, renewed 30 days before the end, looked at every minute', () => {
    expect(agreementTiming({})).toEqual({ term: 365 * DAY, renewBefore: 30 * DAY, checkEvery: 60_000 });
    expect(agreementTiming({ agreementDays: 10 })).toMatchObject({ term: 10 * DAY, renewBefore: DAY });
    // Short terms (tests): a renewal never due more than three quarters of the term before the end.
    expect(agreementTiming({ agreementTermMs: 8000, renewBeforeMs: 9000 })).toEqual({
      term: 8000,
      renewBefore: 6000,
      checkEvery: 1500,
    });
  });

  it('moves the offers on by the day, or by a quarter of a short term, so a renewal ends later', () => {
    const now = Date.UTC(2027, 0, 4, 15, 30);
    expect(offerEnd(now, 365 * DAY).toISOString()).toBe('2028-01-04T00:00:00.000Z');
    expect(offerEnd(now + 8 * 3600 * 1000, 365 * DAY)).toEqual(offerEnd(now, 365 * DAY));
    expect(offerEnd(now + DAY, 365 * DAY).getTime()).toBe(offerEnd(now, 365 * DAY).getTime() + DAY);
    expect(offerStep(8000)).toBe(2000);
    expect(offerStep(2 * DAY)).toBe(12 * 3600 * 1000);
    expect(offerEnd(now + 1999, 8000).getTime()).toBe(now + 8000);
  });

  it("reads an offer's or agreement's DataUsageEndDate", () => {
    const offer = buildOffer({
      id: 'urn:offer:1',
      target: 'urn:keten:a:demand-and-capacity:b',
      partners: ['BPNL000000000001'],
      purposes: ['cx.dcm.base:1'],
      forwardDepth: 1,
      expiresAt: new Date('2027-12-31T23:59:59Z'),
      frameworkAgreement: null,
    });
    if (!offer.ok) throw new Error(JSON.stringify(offer.error));
    expect(usageEndOf(policyToJson(offer.value))).toBe(Date.parse('2027-12-31T23:59:59Z'));
    expect(
      usageEndOf({
        permission: [
          {
            action: 'use',
            constraint: [
              {
                leftOperand: { '@id': 'cx-policy:DataUsageEndDate' },
                rightOperand: { '@value': '2027-06-30T00:00:00Z' },
              },
            ],
          },
        ],
      }),
    ).toBe(Date.parse('2027-06-30T00:00:00Z'));
    expect(usageEndOf({ permission: [{ action: 'use' }] })).toBeUndefined();
    expect(usageEndOf(null)).toBeUndefined();
  });
});

describe('when a consumer negotiates again', () => {
  const timing = agreementTiming({ agreementTermMs: 40_000, renewBeforeMs: 10_000 });
  const end = 1_000_000;
  const state = {
    negotiating: false,
    agreement: { id: 'urn:uuid:a1', end },
    pushed: true,
    transferRunning: true,
  };

  it('renews within the margin, after the end, and when the provider ended the transfer', () => {
    expect(renewalDue(state, end - 10_001, timing)).toEqual({ renew: false });
    expect(renewalDue(state, end - 10_000, timing)).toMatchObject({
      renew: true,
      why: 'ending',
      reason: `agreement urn:uuid:a1 ends at ${new Date(end).toISOString()}, within 10 s`,
    });
    expect(
      renewalDue({ ...state, agreement: { id: 'a', end: 40 * DAY } }, 20 * DAY, agreementTiming({})),
    ).toMatchObject({ reason: `agreement a ends at ${new Date(40 * DAY).toISOString()}, within 30 days` });
    expect(renewalDue(state, end + 1, timing)).toMatchObject({
      renew: true,
      why: 'ended',
      reason: `agreement urn:uuid:a1 ended at ${new Date(end).toISOString()}`,
    });
    expect(renewalDue({ ...state, transferRunning: false }, end - 20_000, timing)).toEqual({
      renew: true,
      why: 'refused',
      reason: 'the provider ended the transfer under agreement urn:uuid:a1',
    });
  });

  it('leaves alone a negotiation under way, a dataset never agreed, and a consent without transfer', () => {
    expect(renewalDue({ ...state, negotiating: true }, end + 1, timing)).toEqual({ renew: false });
    const { agreement: _agreement, ...none } = state;
    expect(renewalDue(none, end + 1, timing)).toEqual({ renew: false });
    expect(renewalDue({ ...state, pushed: false, transferRunning: false }, end - 20_000, timing)).toEqual({
      renew: false,
    });
    // An agreement without an end date is renewed only when refused.
    expect(renewalDue({ ...state, agreement: { id: 'urn:uuid:a2' } }, end * 10, timing)).toEqual({
      renew: false,
    });
  });
});
