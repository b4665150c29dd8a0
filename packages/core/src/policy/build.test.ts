import { describe, expect, it } from 'vitest';
import { buildOffer, deriveAgreement } from './build.ts';
import { policyToJson } from './json.ts';
import { matchesOffer } from './match.ts';
import { FORWARD_DEPTH, type Policy } from './model.ts';
import { parsePolicy } from './parse.ts';

const spec = {
  id: 'forecast',
  partners: ['BPNL0000000000AB', 'BPNL0000000000CD'],
  purposes: ['cx.dcm.base:1'],
  forwardDepth: 2,
  expiresAt: new Date('2027-12-31T23:59:59.750Z'),
};

function offer(overrides: Partial<typeof spec> & { frameworkAgreement?: string | null } = {}): Policy {
  const built = buildOffer({ ...spec, ...overrides });
  if (!built.ok) throw new Error(JSON.stringify(built.error));
  return built.value;
}

function reread(policy: Policy): Policy {
  const read = parsePolicy(JSON.parse(JSON.stringify(policyToJson(policy))));
  if (!read.ok) throw new Error(JSON.stringify(read.error));
  return read.value;
}

describe('buildOffer', () => {
  it('writes the Catena-X usage policy form with keten forward depth', () => {
    expect(policyToJson(offer())).toEqual({
      '@id': 'forecast',
      '@type': 'Offer',
      permission: [
        {
          action: 'use',
          constraint: [
            {
              and: [
                {
                  leftOperand: 'FrameworkAgreement',
                  operator: 'eq',
                  rightOperand: 'DataExchangeGovernance:1.0',
                },
                { leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' },
                { leftOperand: 'UsagePurpose', operator: 'isAnyOf', rightOperand: ['cx.dcm.base:1'] },
                { leftOperand: 'DataUsageEndDate', operator: 'eq', rightOperand: '2027-12-31T23:59:59Z' },
                { leftOperand: FORWARD_DEPTH, operator: 'lteq', rightOperand: '2' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('adds the third-party prohibition when the data may not be passed on, and can leave out the framework agreement', () => {
    const json = policyToJson(offer({ forwardDepth: 0, frameworkAgreement: null }));
    expect(json.prohibition).toEqual([
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
    ]);
    expect(JSON.stringify(json)).not.toContain('FrameworkAgreement');
  });

  it('refuses bad input with the field and what to do', () => {
    const built = buildOffer({
      id: '',
      partners: ['BPNL123', 'BPNL0000000000AB'],
      purposes: [],
      forwardDepth: -1,
      expiresAt: new Date('x'),
    });
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.error.map((problem) => problem.path)).toEqual([
      '@id',
      'partners[0]',
      'purposes',
      'forwardDepth',
      'expiresAt',
    ]);
    expect(built.error[1]?.message).toContain('"BPNL123" is not a legal-entity BPN');
  });
});

describe('deriveAgreement', () => {
  it('binds the offer to its parties, dataset and moment of conclusion', () => {
    const agreed = deriveAgreement(offer(), {
      id: 'agreement-1',
      assigner: 'BPNL000000000001',
      assignee: 'BPNL0000000000AB',
      target: 'urn:keten:dataset:forecast',
      concludedAt: new Date('2027-01-01T10:00:00.123Z'),
    });
    expect(agreed.ok).toBe(true);
    if (!agreed.ok) return;
    expect(agreed.value).toMatchObject({
      id: 'agreement-1',
      type: 'Agreement',
      target: 'urn:keten:dataset:forecast',
      timestamp: '2027-01-01T10:00:00Z',
    });
    expect(agreed.value.permissions).toEqual(offer().permissions);
    expect(reread(agreed.value)).toEqual(agreed.value);
  });

  it('needs a target and refuses to derive from an agreement', () => {
    const noTarget = deriveAgreement(offer(), {
      id: 'a',
      assigner: 'x',
      assignee: 'y',
      concludedAt: new Date(),
    });
    expect(noTarget.ok).toBe(false);
    const agreed = deriveAgreement(offer(), {
      id: 'a',
      assigner: 'x',
      assignee: 'y',
      target: 't',
      concludedAt: new Date(),
    });
    if (!agreed.ok) throw new Error('agreement');
    expect(
      deriveAgreement(agreed.value, { id: 'b', assigner: 'x', assignee: 'y', concludedAt: new Date() }).ok,
    ).toBe(false);
  });
});

describe('matchesOffer', () => {
  it('matches the offer itself, whatever the order and spelling of the same rules', () => {
    expect(matchesOffer(offer(), offer())).toEqual({ matches: true });
    const json = policyToJson(offer());
    const shuffled = {
      '@id': 'another-id',
      '@type': 'Offer',
      'odrl:permission': [
        {
          action: { '@id': 'odrl:use' },
          constraint: [
            { leftOperand: FORWARD_DEPTH, operator: 'lteq', rightOperand: '2' },
            {
              leftOperand: 'cx-policy:UsagePurpose',
              operator: 'isAnyOf',
              rightOperand: ['cx.dcm.base:1', 'cx.dcm.base:1'],
            },
            {
              and: [
                { leftOperand: 'DataUsageEndDate', operator: 'eq', rightOperand: '2027-12-31T23:59:59Z' },
                { leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' },
              ],
            },
            { leftOperand: 'FrameworkAgreement', operator: 'eq', rightOperand: 'DataExchangeGovernance:1.0' },
          ],
        },
      ],
    };
    expect(json['@id']).not.toBe(shuffled['@id']);
    const read = parsePolicy(shuffled);
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(matchesOffer(read.value, offer())).toEqual({ matches: true });
  });

  it('names each constraint the request changed, dropped or added', () => {
    const result = matchesOffer(offer({ purposes: ['cx.pcf.base:1'], forwardDepth: 5 }), offer());
    expect(result).toEqual({
      matches: false,
      differences: [
        'permission (use): the offer requires UsagePurpose isAnyOf [cx.dcm.base:1], the request leaves it out.',
        `permission (use): the offer requires ${FORWARD_DEPTH} lteq 2, the request leaves it out.`,
        'permission (use): the request has UsagePurpose isAnyOf [cx.pcf.base:1], which the offer does not.',
        `permission (use): the request has ${FORWARD_DEPTH} lteq 5, which the offer does not.`,
      ],
    });
  });

  it('notices a dropped prohibition and a different dataset', () => {
    const strict = { ...offer({ forwardDepth: 0 }), target: 'a' };
    const loose = { ...strict, target: 'b', prohibitions: [] };
    const result = matchesOffer(loose, strict);
    expect(result.matches).toBe(false);
    if (result.matches) return;
    expect(result.differences[0]).toBe('the request is for dataset b, the offer for a.');
    expect(result.differences[1]).toContain(
      "the offer's prohibition (use: UsageRestriction isAllOf [cx.thirdParty.forbidden:1]) is missing",
    );
  });

  it('keeps the order of andSequence and the difference between and and or', () => {
    const a = { kind: 'atomic', leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' } as const;
    const b = {
      kind: 'atomic',
      leftOperand: 'UsagePurpose',
      operator: 'isAnyOf',
      rightOperand: ['x'],
    } as const;
    const with_ = (constraint: Policy['permissions'][number]['constraints'][number]): Policy => ({
      id: 'p',
      type: 'Offer',
      permissions: [{ action: 'use', constraints: [constraint] }],
      prohibitions: [],
      obligations: [],
    });
    const sequence = with_({ kind: 'logical', operator: 'andSequence', constraints: [a, b] });
    const reversed = with_({ kind: 'logical', operator: 'andSequence', constraints: [b, a] });
    expect(matchesOffer(sequence, reversed).matches).toBe(false);
    const or = with_({ kind: 'logical', operator: 'or', constraints: [a, b] });
    const orReversed = with_({ kind: 'logical', operator: 'or', constraints: [b, a] });
    expect(matchesOffer(or, orReversed).matches).toBe(true);
    expect(matchesOffer(or, with_({ kind: 'logical', operator: 'and', constraints: [a, b] })).matches).toBe(
      false,
    );
  });
});
