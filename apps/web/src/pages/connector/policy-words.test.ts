import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expiryWords, forwardDepthWords, policySentence, policyWords } from './policy-words.ts';

/** What `buildOffer` writes (packages/core/src/policy/build.ts), forward depth 0 with its prohibition. */
const OFFER = {
  '@id': 'urn:keten:kempen:demand-and-capacity:steinhof-optics:offer',
  '@type': 'Offer',
  target: 'urn:keten:kempen:demand-and-capacity:steinhof-optics',
  permission: [
    {
      action: 'use',
      constraint: [
        {
          and: [
            { leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' },
            { leftOperand: 'BusinessPartnerNumber', operator: 'isAnyOf', rightOperand: ['BPNL000000000002'] },
            { leftOperand: 'UsagePurpose', operator: 'isAnyOf', rightOperand: ['cx.dcm.base:1'] },
            { leftOperand: 'DataUsageEndDate', operator: 'eq', rightOperand: '2027-01-01T00:00:00Z' },
            {
              leftOperand: 'https://w3id.org/keten/policy/ForwardDepth',
              operator: 'lteq',
              rightOperand: '0',
            },
          ],
        },
      ],
    },
  ],
  prohibition: [
    {
      action: 'use',
      constraint: [
        {
          and: [
            {
              leftOperand: 'UsageRestriction',
              operator: 'isAllOf',
              rightOperand: ['cx.thirdParty.forbidden:1'],
            },
          ],
        },
      ],
    },
  ],
};
const NOW = Date.parse('2026-12-30T00:00:00Z');

describe('a policy in words', () => {
  it('names partner, purpose, expiry and forward depth of an offer keten builds', () => {
    const words = policyWords(OFFER);
    expect(words).toEqual({
      actions: ['use'],
      partners: ['BPNL000000000002'],
      purposes: ['demand and capacity management (Catena-X DCM)'],
      expiresAt: '2027-01-01T00:00:00Z',
      forwardDepth: 0,
      thirdPartyForbidden: true,
      other: [],
    });
    expect(policySentence(words, NOW)).toBe(
      'BPNL000000000002 may use it for demand and capacity management (Catena-X DCM), until 2027-01-01 (in 2 days); passed on at most 0 tiers: the partner only, passed on to no one; third parties are forbidden.',
    );
  });

  it('keeps constraints it does not know, as written', () => {
    const words = policyWords({
      permission: {
        action: 'use',
        constraint: { leftOperand: 'Region', operator: 'eq', rightOperand: 'EU' },
      },
    });
    expect(words.other).toEqual(['Region eq EU']);
    expect(policySentence(words, NOW)).toContain('also: Region eq EU');
  });

  it('says expired, and so many tiers', () => {
    expect(expiryWords('2020-01-01T00:00:00Z', NOW)).toBe('2020-01-01 (expired)');
    expect(expiryWords(undefined, NOW)).toContain('no end date');
    expect(forwardDepthWords(2)).toBe('2 tiers beyond the partner');
    expect(forwardDepthWords(1)).toBe('1 tier beyond the partner');
  });

  it('never throws on any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const words = policyWords(value);
        expect(typeof policySentence(words, NOW)).toBe('string');
      }),
    );
  });
});
