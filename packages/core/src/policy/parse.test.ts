import { describe, expect, it } from 'vitest';
import { policyToJson } from './json.ts';
import { FORWARD_DEPTH } from './model.ts';
import { parsePolicy } from './parse.ts';

const offer = {
  '@context': [
    'https://w3id.org/catenax/2025/9/policy/odrl.jsonld',
    'https://w3id.org/catenax/2025/9/policy/context.jsonld',
  ],
  '@id': 'offer-1',
  '@type': 'Offer',
  permission: [
    {
      action: 'use',
      constraint: [
        {
          and: [
            { leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' },
            { leftOperand: 'UsagePurpose', operator: 'isAnyOf', rightOperand: ['cx.dcm.base:1'] },
            { leftOperand: FORWARD_DEPTH, operator: 'lteq', rightOperand: 1 },
          ],
        },
      ],
    },
  ],
  prohibition: [
    {
      action: 'use',
      constraint: [
        { leftOperand: 'UsageRestriction', operator: 'isAllOf', rightOperand: ['cx.thirdParty.forbidden:1'] },
      ],
    },
  ],
  obligation: [
    {
      action: 'use',
      constraint: [
        { leftOperand: 'DataProvisioningEndDate', operator: 'eq', rightOperand: '2027-12-15T12:00:00Z' },
      ],
    },
  ],
};

describe('parsePolicy', () => {
  it('reads an offer with permissions, prohibitions, obligations and nested constraints', () => {
    const read = parsePolicy(offer);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const policy = read.value;
    expect(policy).toMatchObject({ id: 'offer-1', type: 'Offer' });
    expect(policy.permissions).toHaveLength(1);
    expect(policy.permissions[0]?.constraints[0]).toEqual({
      kind: 'logical',
      operator: 'and',
      constraints: [
        { kind: 'atomic', leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' },
        { kind: 'atomic', leftOperand: 'UsagePurpose', operator: 'isAnyOf', rightOperand: ['cx.dcm.base:1'] },
        { kind: 'atomic', leftOperand: FORWARD_DEPTH, operator: 'lteq', rightOperand: 1 },
      ],
    });
    expect(policy.prohibitions[0]?.action).toBe('use');
    expect(policy.obligations[0]?.constraints).toHaveLength(1);
  });

  it('writes back what it read (policyToJson)', () => {
    const read = parsePolicy(offer);
    if (!read.ok) throw new Error('expected the offer to parse');
    expect(policyToJson(read.value)).toEqual(offer);
  });

  it('reads JSON text, and says so when the text is not JSON', () => {
    expect(parsePolicy(JSON.stringify(offer)).ok).toBe(true);
    const read = parsePolicy('{"@id": ');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error[0]).toMatchObject({ path: '', code: 'syntax' });
  });

  it('reads prefixed and expanded spellings as the compact terms', () => {
    const read = parsePolicy({
      '@id': 'p',
      '@type': 'odrl:Agreement',
      'odrl:target': { '@id': 'urn:uuid:dataset' },
      'odrl:assigner': 'BPNL000000000001',
      'http://www.w3.org/ns/odrl/2/assignee': 'BPNL0000000000AB',
      'odrl:permission': {
        'odrl:action': { '@id': 'odrl:use' },
        'odrl:constraint': {
          'odrl:leftOperand': { '@id': 'cx-policy:BusinessPartnerNumber' },
          'odrl:operator': { '@id': 'odrl:isAnyOf' },
          'odrl:rightOperand': [{ '@value': 'BPNL0000000000AB' }],
        },
      },
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value).toMatchObject({
      type: 'Agreement',
      target: 'urn:uuid:dataset',
      assignee: 'BPNL0000000000AB',
    });
    expect(read.value.permissions[0]).toEqual({
      action: 'use',
      constraints: [
        {
          kind: 'atomic',
          leftOperand: 'BusinessPartnerNumber',
          operator: 'isAnyOf',
          rightOperand: ['BPNL0000000000AB'],
        },
      ],
    });
  });

  it('reports every problem with its path and what to do', () => {
    const read = parsePolicy({
      '@type': 'Contract',
      permission: [
        { constraint: [{ leftOperand: 'UsagePurpose', operator: 'isOneOf', rightOperand: ['x'] }] },
        { action: 'use', duty: [{ action: 'delete' }] },
        { action: 'use', constraint: [{ and: [], or: [] }] },
        { action: 'use', constraint: [{ and: [] }] },
        { action: 'use', constraint: [{ leftOperand: 'X', operator: 'eq', rightOperand: { nested: 1 } }] },
      ],
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const byPath = Object.fromEntries(read.error.map((problem) => [problem.path, problem]));
    expect(byPath['@id']?.code).toBe('missing-field');
    expect(byPath['@type']?.message).toContain('"Offer", "Set" or "Agreement"');
    expect(byPath['permission[0].action']?.code).toBe('missing-field');
    expect(byPath['permission[0].constraint[0].operator']?.message).toContain('isAnyOf');
    expect(byPath['permission[1].duty']?.message).toContain('obligation');
    expect(byPath['permission[2].constraint[0]']?.message).toContain('exactly one of "and"');
    expect(byPath['permission[3].constraint[0].and']?.message).toContain('empty list');
    expect(byPath['permission[4].constraint[0].rightOperand']?.code).toBe('wrong-type');
  });

  it('requires an agreement to name its target, assigner and assignee, and checks its timestamp', () => {
    const read = parsePolicy({
      '@id': 'a',
      '@type': 'Agreement',
      timestamp: '2026-02-30T00:00:00Z',
      permission: [{ action: 'use' }],
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.map((problem) => problem.path).sort()).toEqual([
      'assignee',
      'assigner',
      'target',
      'timestamp',
    ]);
  });

  it('refuses a policy without rules, and logical constraints nested too deep', () => {
    expect(parsePolicy({ '@id': 'p', '@type': 'Set' }).ok).toBe(false);
    let constraint: unknown = { leftOperand: 'Membership', operator: 'eq', rightOperand: 'active' };
    for (let level = 0; level < 40; level++) constraint = { and: [constraint] };
    const read = parsePolicy({
      '@id': 'p',
      '@type': 'Set',
      permission: [{ action: 'use', constraint: [constraint] }],
    });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error[0]?.code).toBe('too-deep');
  });

  it('refuses what is not a policy at all', () => {
    for (const value of [null, 42, [], 'true', { '@id': 'p', '@type': 'Set', permission: 'use' }]) {
      expect(parsePolicy(value).ok).toBe(false);
    }
  });
});
