import { describe, expect, it } from 'vitest';
import { buildAccessPolicy, buildOffer, deriveAgreement } from './build.ts';
import { evaluatePolicy, formatDecision } from './evaluate.ts';
import { FORWARD_DEPTH, type Policy } from './model.ts';
import { parsePolicy } from './parse.ts';
import type { PolicyRequest } from './request.ts';

const OWNER = 'BPNL000000000001';
const PARTNER = 'BPNL0000000000AB';
const STRANGER = 'BPNL00000000XXXX';

function policy(json: unknown): Policy {
  const read = parsePolicy(json);
  if (!read.ok) throw new Error(JSON.stringify(read.error));
  return read.value;
}

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    action: 'use',
    requester: {
      bpnl: PARTNER,
      did: 'did:web:partner.example',
      membership: { status: 'valid' },
      frameworkAgreements: ['DataExchangeGovernance:1.0'],
    },
    purpose: 'cx.dcm.base:1',
    at: new Date('2027-06-01T00:00:00Z'),
    tierDepth: 0,
    ...overrides,
  };
}

const spec = {
  id: 'forecast',
  target: 'urn:keten:dataset:forecast',
  partners: [PARTNER],
  purposes: ['cx.dcm.base:1'],
  forwardDepth: 1,
  expiresAt: new Date('2027-12-31T23:59:59Z'),
};

function agreement(overrides: Partial<typeof spec> = {}): Policy {
  const offer = buildOffer({ ...spec, ...overrides });
  if (!offer.ok) throw new Error('offer');
  const agreed = deriveAgreement(offer.value, {
    id: 'agreement-1',
    assigner: OWNER,
    assignee: PARTNER,
    concludedAt: new Date('2027-01-01T10:00:00Z'),
  });
  if (!agreed.ok) throw new Error('agreement');
  return agreed.value;
}

describe('evaluatePolicy on a BusinessPartnerNumber access policy', () => {
  const access = policy({
    '@id': 'access',
    '@type': 'Set',
    permission: [
      {
        action: 'access',
        constraint: [
          {
            and: [
              { leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' },
              { leftOperand: 'BusinessPartnerNumber', operator: 'isAnyOf', rightOperand: [OWNER] },
            ],
          },
        ],
      },
    ],
  });

  it('denies another partner and says which constraint failed and why', () => {
    const decision = evaluatePolicy(access, request({ action: 'access' }));
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.reasons).toEqual([
      `BusinessPartnerNumber must be one of ${OWNER} but the requester is ${PARTNER}.`,
    ]);
    expect(decision.failed.map((check) => check.path)).toEqual(['permission[0].constraint[0].and[1]']);
  });

  it('lists every constraint with its outcome', () => {
    const decision = evaluatePolicy(access, request({ action: 'access' }));
    expect(decision.checks.map((check) => [check.path, check.outcome])).toEqual([
      ['permission[0].constraint[0]', 'failed'],
      ['permission[0].constraint[0].and[0]', 'satisfied'],
      ['permission[0].constraint[0].and[1]', 'failed'],
    ]);
  });

  it('allows the listed partner, and only for access', () => {
    const owner = request({ action: 'access', requester: { bpnl: OWNER, membership: { status: 'valid' } } });
    expect(evaluatePolicy(access, owner)).toMatchObject({ allowed: true, grantedBy: 'permission[0]' });
    const use = evaluatePolicy(access, { ...owner, action: 'use' });
    expect(use.allowed).toBe(false);
    if (!use.allowed) expect(use.reasons[0]).toContain('no permission covers use of the data');
  });

  it('denies without a valid membership credential, saying why', () => {
    const decision = evaluatePolicy(
      access,
      request({
        action: 'access',
        requester: {
          bpnl: OWNER,
          membership: { status: 'invalid', reason: 'the signature does not verify' },
        },
      }),
    );
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reasons).toEqual([
        "Membership must be active but the requester's membership credential is invalid: the signature does not verify",
      ]);
    }
  });

  it('reads isNoneOf and the older eq form', () => {
    const none = policy({
      '@id': 'p',
      '@type': 'Set',
      permission: [
        {
          action: 'access',
          constraint: [
            { leftOperand: 'BusinessPartnerNumber', operator: 'isNoneOf', rightOperand: [STRANGER] },
          ],
        },
      ],
    });
    expect(evaluatePolicy(none, request({ action: 'access' })).allowed).toBe(true);
    const stranger = request({
      action: 'access',
      requester: { bpnl: STRANGER, membership: { status: 'valid' } },
    });
    const denied = evaluatePolicy(none, stranger);
    expect(denied.allowed).toBe(false);
    if (!denied.allowed)
      expect(denied.reasons[0]).toBe(
        `BusinessPartnerNumber must not be one of ${STRANGER} but the requester is ${STRANGER}.`,
      );
    const eq = policy({
      '@id': 'p',
      '@type': 'Set',
      permission: [
        {
          action: 'access',
          constraint: [{ leftOperand: 'BusinessPartnerNumber', operator: 'eq', rightOperand: PARTNER }],
        },
      ],
    });
    expect(evaluatePolicy(eq, request({ action: 'access' })).allowed).toBe(true);
  });
});

describe('evaluatePolicy on keten agreements', () => {
  it('allows the assignee to use the data for an allowed purpose before the end date', () => {
    const decision = evaluatePolicy(agreement(), request());
    expect(decision.allowed, formatDecision(decision)).toBe(true);
    expect(decision.checks.every((check) => check.outcome === 'satisfied')).toBe(true);
  });

  it('denies another partner: the agreement binds its assignee only', () => {
    const decision = evaluatePolicy(
      agreement(),
      request({
        requester: {
          bpnl: STRANGER,
          membership: { status: 'valid' },
          frameworkAgreements: ['DataExchangeGovernance:1.0'],
        },
      }),
    );
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons[0]).toBe(
        `this agreement was concluded with ${PARTNER}, not with the requester (${STRANGER}).`,
      );
  });

  it('accepts the assignee by its DID as well', () => {
    const offer = buildOffer(spec);
    if (!offer.ok) throw new Error('offer');
    const byDid = deriveAgreement(offer.value, {
      id: 'a',
      assigner: OWNER,
      assignee: 'did:web:partner.example',
      concludedAt: new Date('2027-01-01T00:00:00Z'),
    });
    if (!byDid.ok) throw new Error('agreement');
    expect(evaluatePolicy(byDid.value, request()).allowed).toBe(true);
  });

  it('denies after the end of use', () => {
    const decision = evaluatePolicy(agreement(), request({ at: new Date('2028-01-01T00:00:00Z') }));
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reasons).toEqual([
        'the data may be used until 2027-12-31T23:59:59Z, and it is 2028-01-01T00:00:00.000Z: the period has ended.',
      ]);
    }
    expect(evaluatePolicy(agreement(), request({ at: new Date('2027-12-31T23:59:59Z') })).allowed).toBe(true);
  });

  it('denies another purpose, and a missing one', () => {
    const other = evaluatePolicy(agreement(), request({ purpose: 'cx.pcf.base:1' }));
    expect(other.allowed).toBe(false);
    if (!other.allowed)
      expect(other.reasons).toEqual([
        'UsagePurpose must be one of cx.dcm.base:1 but the requester claims cx.pcf.base:1.',
      ]);
    const { purpose: _, ...withoutPurpose } = request();
    const none = evaluatePolicy(agreement(), withoutPurpose);
    if (!none.allowed)
      expect(none.reasons).toEqual([
        'UsagePurpose must be one of cx.dcm.base:1 but the requester claimed no purpose.',
      ]);
    expect(none.allowed).toBe(false);
  });

  it('denies a requester without the framework agreement', () => {
    const decision = evaluatePolicy(
      agreement(),
      request({ requester: { bpnl: PARTNER, membership: { status: 'valid' } } }),
    );
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reasons).toEqual([
        'FrameworkAgreement must be DataExchangeGovernance:1.0 but the requester showed no framework agreement.',
      ]);
    }
  });

  it('lets the data travel as many tiers as the forward depth allows, and no further', () => {
    const depthOne = agreement({ forwardDepth: 1 });
    expect(evaluatePolicy(depthOne, request({ action: 'forward', tierDepth: 0 })).allowed).toBe(true);
    expect(evaluatePolicy(depthOne, request({ action: 'use', tierDepth: 1 })).allowed).toBe(true);
    const further = evaluatePolicy(depthOne, request({ action: 'forward', tierDepth: 1 }));
    expect(further.allowed).toBe(false);
    if (!further.allowed) {
      expect(further.reasons).toEqual([
        'ForwardDepth allows the data to travel at most 1 tier beyond its first recipient; the requester holds it 1 tier beyond, so passing it on would make 2 tiers.',
      ]);
    }
    expect(evaluatePolicy(depthOne, request({ action: 'use', tierDepth: 2 })).allowed).toBe(false);
  });

  it('forbids passing on at depth 0 twice over: keten operand and the Catena-X third-party prohibition', () => {
    const decision = evaluatePolicy(agreement({ forwardDepth: 0 }), request({ action: 'forward' }));
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.reasons).toHaveLength(2);
    expect(decision.reasons[0]).toContain(
      'prohibition[0] forbids passing the data on: cx.thirdParty.forbidden:1',
    );
    expect(decision.reasons[1]).toContain('ForwardDepth allows the data to travel at most 0 tiers');
    expect(evaluatePolicy(agreement({ forwardDepth: 0 }), request()).allowed).toBe(true);
  });

  it('allows no passing on when the permission has no ForwardDepth', () => {
    const plain = policy({
      '@id': 'p',
      '@type': 'Offer',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' }],
        },
      ],
    });
    expect(evaluatePolicy(plain, request()).allowed).toBe(true);
    const forward = evaluatePolicy(plain, request({ action: 'forward' }));
    expect(forward.allowed).toBe(false);
    if (!forward.allowed)
      expect(forward.reasons[0]).toContain(
        `it has no ${FORWARD_DEPTH} constraint), so it may not be passed on`,
      );
    expect(evaluatePolicy(plain, request({ tierDepth: 1 })).allowed).toBe(false);
  });

  it('denies the wrong dataset', () => {
    const decision = evaluatePolicy(agreement(), request({ target: 'urn:keten:dataset:stock' }));
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons[0]).toBe(
        'this policy covers dataset urn:keten:dataset:forecast, not urn:keten:dataset:stock.',
      );
  });

  it('gives every reason at once', () => {
    const decision = evaluatePolicy(
      agreement(),
      request({
        requester: { bpnl: STRANGER, membership: { status: 'missing' } },
        purpose: 'x',
        at: new Date('2030-01-01T00:00:00Z'),
      }),
    );
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reasons).toHaveLength(5);
  });
});

describe('evaluatePolicy on what keten cannot judge', () => {
  const withConstraint = (constraint: unknown, rule = 'permission') =>
    policy({
      '@id': 'p',
      '@type': 'Offer',
      permission: [{ action: 'use', constraint: rule === 'permission' ? [constraint] : [] }],
      ...(rule === 'permission' ? {} : { [rule]: [{ action: 'use', constraint: [constraint] }] }),
    });

  it('denies an unknown left operand, naming it', () => {
    const decision = evaluatePolicy(
      withConstraint({ leftOperand: 'SpatialCoverage', operator: 'eq', rightOperand: 'EU' }),
      request(),
    );
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reasons[0]).toContain('keten does not know the left operand "SpatialCoverage"');
      expect(decision.failed[0]?.outcome).toBe('unknown');
    }
  });

  it('denies an operator the operand does not take', () => {
    const decision = evaluatePolicy(
      withConstraint({ leftOperand: 'UsagePurpose', operator: 'gt', rightOperand: 'x' }),
      request(),
    );
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons[0]).toBe(
        'UsagePurpose takes isAnyOf, not gt; keten cannot tell what that would mean.',
      );
  });

  it('denies when a prohibition or an obligation has something unknown', () => {
    const unknownOperand = { leftOperand: 'Mystery', operator: 'eq', rightOperand: 'x' };
    expect(evaluatePolicy(withConstraint(unknownOperand, 'prohibition'), request()).allowed).toBe(false);
    expect(evaluatePolicy(withConstraint(unknownOperand, 'obligation'), request()).allowed).toBe(false);
    const strangeAction = policy({
      '@id': 'p',
      '@type': 'Offer',
      permission: [{ action: 'use' }],
      prohibition: [{ action: 'anonymize' }],
    });
    const decision = evaluatePolicy(strangeAction, request());
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons[0]).toContain('"anonymize", an action keten does not know');
  });

  it('treats contract terms as agreed in permissions and as not matching a single access in prohibitions', () => {
    const terms = policy({
      '@id': 'p',
      '@type': 'Set',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'Liability', operator: 'eq', rightOperand: 'cx.grossNegligence:1' }],
        },
      ],
      prohibition: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'AffiliatesRegion', operator: 'isAnyOf', rightOperand: ['cx.region.asia:1'] },
          ],
        },
      ],
    });
    const decision = evaluatePolicy(terms, request());
    expect(decision.allowed).toBe(true);
    expect(decision.checks.map((check) => [check.outcome, check.basis])).toEqual([
      ['satisfied', 'contract'],
      ['not-applicable', 'contract'],
    ]);
  });
});

describe('evaluatePolicy with or and xone', () => {
  const either = policy({
    '@id': 'p',
    '@type': 'Set',
    permission: [
      {
        action: 'access',
        constraint: [
          {
            or: [
              { leftOperand: 'BusinessPartnerNumber', operator: 'isAnyOf', rightOperand: [OWNER] },
              { leftOperand: 'BusinessPartnerGroup', operator: 'isAnyOf', rightOperand: ['tier-1'] },
            ],
          },
        ],
      },
    ],
  });

  it('allows when one alternative holds and explains all when none does', () => {
    const inGroup = request({
      action: 'access',
      requester: { bpnl: PARTNER, membership: { status: 'valid' }, groups: ['tier-1'] },
    });
    expect(evaluatePolicy(either, inGroup).allowed).toBe(true);
    const decision = evaluatePolicy(either, request({ action: 'access' }));
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.reasons).toEqual([
        `none of the alternatives holds: (1) BusinessPartnerNumber must be one of ${OWNER} but the requester is ${PARTNER}. (2) BusinessPartnerGroup must be one of tier-1 but the requester is in no group.`,
      ]);
    }
  });

  it('denies xone when both alternatives hold', () => {
    const exactlyOne = policy({
      '@id': 'p',
      '@type': 'Set',
      permission: [
        {
          action: 'access',
          constraint: [
            {
              xone: [
                { leftOperand: 'BusinessPartnerNumber', operator: 'isAnyOf', rightOperand: [PARTNER] },
                { leftOperand: 'BusinessPartnerGroup', operator: 'isAnyOf', rightOperand: ['tier-1'] },
              ],
            },
          ],
        },
      ],
    });
    const both = request({
      action: 'access',
      requester: { bpnl: PARTNER, membership: { status: 'valid' }, groups: ['tier-1'] },
    });
    const decision = evaluatePolicy(exactlyOne, both);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons[0]).toContain('exactly one of the alternatives must hold, but 2 do');
    expect(evaluatePolicy(exactlyOne, request({ action: 'access' })).allowed).toBe(true);
  });
});

describe('evaluatePolicy on times and durations', () => {
  it('counts DataUsageEndDurationDays from the agreement timestamp', () => {
    const agreed = policy({
      '@id': 'a',
      '@type': 'Agreement',
      target: 't',
      assigner: OWNER,
      assignee: PARTNER,
      timestamp: '2027-01-01T00:00:00Z',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'DataUsageEndDurationDays', operator: 'eq', rightOperand: 30 }],
        },
      ],
    });
    expect(evaluatePolicy(agreed, request({ at: new Date('2027-01-31T00:00:00Z') })).allowed).toBe(true);
    expect(evaluatePolicy(agreed, request({ at: new Date('2027-01-31T00:00:01Z') })).allowed).toBe(false);
  });

  it('reads the ODRL dateTime operand of the DSP examples', () => {
    const dsp = policy({
      '@id': 'o',
      '@type': 'Offer',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2023-12-31T06:00Z' }],
        },
      ],
    });
    expect(evaluatePolicy(dsp, request({ at: new Date('2023-12-31T06:00:00Z') })).allowed).toBe(true);
    expect(evaluatePolicy(dsp, request({ at: new Date('2023-12-31T06:00:01Z') })).allowed).toBe(false);
  });

  it('denies time-bound constraints when the request has no valid time', () => {
    const decision = evaluatePolicy(agreement(), request({ at: new Date(Number.NaN) }));
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reasons).toEqual([
        'DataUsageEndDate depends on the time, but the request carries no valid time.',
      ]);
  });

  it('reports obligations with their state', () => {
    const withObligation = policy({
      '@id': 'o',
      '@type': 'Offer',
      permission: [{ action: 'use' }],
      obligation: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'DataProvisioningEndDate', operator: 'eq', rightOperand: '2027-12-15T12:00:00Z' },
          ],
        },
      ],
    });
    const before = evaluatePolicy(withObligation, request());
    expect(before.allowed).toBe(true);
    expect(before.obligations).toEqual([
      'obligation[0] (use: DataProvisioningEndDate eq 2027-12-15T12:00:00Z): in force',
    ]);
    const after = evaluatePolicy(withObligation, request({ at: new Date('2028-01-01T00:00:00Z') }));
    expect(after.allowed).toBe(true);
    expect(after.obligations[0]).toContain('no longer in force');
  });
});

describe('buildAccessPolicy', () => {
  it('lets the listed partners with an active membership access the offer', () => {
    const access = buildAccessPolicy(spec);
    if (!access.ok) throw new Error('access');
    expect(evaluatePolicy(access.value, request({ action: 'access' })).allowed).toBe(true);
    expect(
      evaluatePolicy(
        access.value,
        request({ action: 'access', requester: { bpnl: STRANGER, membership: { status: 'valid' } } }),
      ).allowed,
    ).toBe(false);
  });
});
