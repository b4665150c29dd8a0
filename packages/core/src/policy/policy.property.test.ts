import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './evaluate.ts';
import { policyToJson } from './json.ts';
import { matchesOffer } from './match.ts';
import { type Constraint, FORWARD_DEPTH, ODRL_OPERATORS, type Policy, type Rule } from './model.ts';
import { EVALUATED_OPERANDS } from './operands.ts';
import { parsePolicy } from './parse.ts';
import type { PolicyRequest } from './request.ts';

const BPNLS = ['BPNL000000000001', 'BPNL0000000000AB', 'BPNL0000000000CD'];
const PURPOSES = ['cx.dcm.base:1', 'cx.pcf.base:1', 'cx.puris.base:1'];
const DATES = ['2026-01-01T00:00:00Z', '2027-06-30T12:00:00+02:00', '2030-12-31T23:59:59Z', 'not a date'];

// Operands: every one keten evaluates, plus names it does not know.
const leftOperand = fc.constantFrom(...Object.keys(EVALUATED_OPERANDS), 'Mystery', 'purpose', 'spatial');
const rightOperand = fc.oneof(
  fc.constantFrom(
    ...BPNLS,
    ...PURPOSES,
    ...DATES,
    'active',
    'DataExchangeGovernance:1.0',
    'cx.thirdParty.forbidden:1',
  ),
  fc.integer({ min: -2, max: 5 }),
  fc.boolean(),
  fc.uniqueArray(
    fc.constantFrom(
      ...BPNLS,
      ...PURPOSES,
      'tier-1',
      'cx.thirdParty.forbidden:1',
      'cx.manipulation.forbidden:1',
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
);
const randomAtomic = fc.record({
  kind: fc.constant('atomic' as const),
  leftOperand,
  operator: fc.constantFrom(...ODRL_OPERATORS),
  rightOperand,
});
// Well-formed constraints, so that a fair share of random policies allow and the properties bite.
const sensibleAtomic = fc.oneof(
  fc.constant({
    kind: 'atomic' as const,
    leftOperand: 'Membership',
    operator: 'eq' as const,
    rightOperand: 'active',
  }),
  fc.record({
    kind: fc.constant('atomic' as const),
    leftOperand: fc.constant('BusinessPartnerNumber'),
    operator: fc.constantFrom('isAnyOf' as const, 'isNoneOf' as const),
    rightOperand: fc.uniqueArray(fc.constantFrom(...BPNLS), { minLength: 1 }),
  }),
  fc.record({
    kind: fc.constant('atomic' as const),
    leftOperand: fc.constant('UsagePurpose'),
    operator: fc.constant('isAnyOf' as const),
    rightOperand: fc.uniqueArray(fc.constantFrom(...PURPOSES), { minLength: 1 }),
  }),
  fc.record({
    kind: fc.constant('atomic' as const),
    leftOperand: fc.constant('DataUsageEndDate'),
    operator: fc.constant('eq' as const),
    rightOperand: fc.constantFrom(...DATES),
  }),
  fc.record({
    kind: fc.constant('atomic' as const),
    leftOperand: fc.constant(FORWARD_DEPTH),
    operator: fc.constant('lteq' as const),
    rightOperand: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0', '1', '2', '02', '-1')),
  }),
  fc.constant({
    kind: 'atomic' as const,
    leftOperand: 'Liability',
    operator: 'eq' as const,
    rightOperand: 'cx.grossNegligence:1',
  }),
);
const atomic = fc.oneof({ arbitrary: sensibleAtomic, weight: 4 }, { arbitrary: randomAtomic, weight: 1 });
const { constraint } = fc.letrec<{ constraint: Constraint }>((tie) => ({
  constraint: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomic,
    fc.record({
      kind: fc.constant('logical' as const),
      operator: fc.constantFrom('and' as const, 'or' as const, 'xone' as const, 'andSequence' as const),
      constraints: fc.array(tie('constraint'), { minLength: 1, maxLength: 3 }),
    }),
  ),
}));
const rule: fc.Arbitrary<Rule> = fc.record({
  action: fc.constantFrom('use', 'access', 'use', 'distribute'),
  constraints: fc.array(constraint, { maxLength: 4 }),
});
const policy: fc.Arbitrary<Policy> = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 8 }),
    type: fc.constantFrom('Offer' as const, 'Set' as const, 'Agreement' as const),
    target: fc.constantFrom('dataset-a', 'dataset-b'),
    assignee: fc.constantFrom(...BPNLS, 'did:web:partner'),
    permissions: fc.array(rule, { minLength: 1, maxLength: 2 }),
    prohibitions: fc.oneof(
      { arbitrary: fc.constant([]), weight: 2 },
      { arbitrary: fc.array(rule, { maxLength: 2 }), weight: 1 },
    ),
    obligations: fc.oneof(
      { arbitrary: fc.constant([]), weight: 2 },
      { arbitrary: fc.array(rule, { maxLength: 1 }), weight: 1 },
    ),
  })
  .map(({ assignee, ...rest }) =>
    rest.type === 'Agreement'
      ? { ...rest, assigner: 'BPNL000000000001', assignee, timestamp: '2027-01-01T00:00:00Z' }
      : rest,
  );
const request: fc.Arbitrary<PolicyRequest> = fc.record(
  {
    action: fc.constantFrom('access' as const, 'use' as const, 'forward' as const),
    requester: fc.record(
      {
        bpnl: fc.constantFrom(...BPNLS, 'not a bpn'),
        did: fc.constantFrom('did:web:partner', 'did:web:other'),
        membership: fc.constantFrom(
          { status: 'valid' as const },
          { status: 'valid' as const },
          { status: 'valid' as const },
          { status: 'missing' as const },
          { status: 'invalid' as const, reason: 'expired' },
        ),
        frameworkAgreements: fc.subarray(['DataExchangeGovernance:1.0']),
        groups: fc.subarray(['tier-1', 'tier-2']),
      },
      { requiredKeys: ['bpnl', 'membership'] },
    ),
    purpose: fc.constantFrom(...PURPOSES),
    at: fc.oneof(
      {
        arbitrary: fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2032-01-01T00:00:00Z') }),
        weight: 5,
      },
      { arbitrary: fc.constant(new Date(Number.NaN)), weight: 1 },
    ),
    tierDepth: fc.oneof(
      { arbitrary: fc.constant(0), weight: 4 },
      { arbitrary: fc.integer({ min: -1, max: 4 }), weight: 2 },
      { arbitrary: fc.constantFrom(Number.NaN, 1.5), weight: 1 },
    ),
    target: fc.constantFrom('dataset-a', 'dataset-b'),
  },
  { requiredKeys: ['action', 'requester', 'at', 'tierDepth'] },
);

describe('parsePolicy (property)', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), fc.string()), (value) => {
        const read = parsePolicy(value);
        if (!read.ok) expect(read.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on policy-shaped documents with random parts, and problems always name a path and a message', () => {
    const anyPart = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const document = fc.record({
      '@id': anyPart,
      '@type': fc.oneof(fc.constantFrom('Offer', 'Set', 'Agreement'), anyPart),
      permission: fc.oneof(
        fc.array(
          fc.record({
            action: fc.oneof(fc.constant('use'), anyPart),
            constraint: fc.oneof(fc.array(anyPart), anyPart),
          }),
        ),
        anyPart,
      ),
      prohibition: anyPart,
    });
    fc.assert(
      fc.property(document, (value) => {
        const read = parsePolicy(JSON.parse(JSON.stringify(value)));
        if (!read.ok) {
          for (const problem of read.error) expect(problem.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back exactly what policyToJson writes', () => {
    fc.assert(
      fc.property(policy, (written) => {
        const read = parsePolicy(JSON.parse(JSON.stringify(policyToJson(written))));
        expect(read).toEqual({ ok: true, value: written });
      }),
      { numRuns: 500 },
    );
  });
});

describe('evaluatePolicy (property)', () => {
  it('never throws, and an allow always means every constraint of the granting permission held', () => {
    let allowed = 0;
    fc.assert(
      fc.property(policy, request, (judged, asked) => {
        const decision = evaluatePolicy(judged, asked);
        if (decision.allowed) allowed++;
        if (!decision.allowed) {
          expect(decision.reasons.length).toBeGreaterThan(0);
          expect(decision.failed.length).toBeGreaterThan(0);
          return;
        }
        const granting = decision.checks.filter((check) => check.path.startsWith(`${decision.grantedBy}.`));
        // Every constraint that must hold did: the rule's own constraints and, through and/andSequence,
        // their parts (the parts of or and xone are checked by the next property).
        const byPath = new Map(granting.map((check) => [check.path, check]));
        const required = (path: string): boolean => {
          const parent = path.replace(/\.(and|andSequence|or|xone)\[\d+\]$/, '');
          if (parent === path) return true;
          return required(parent) && /^and/.test(byPath.get(parent)?.constraint ?? '');
        };
        for (const check of granting)
          if (required(check.path)) expect(check.outcome, check.reason).toBe('satisfied');
        const rule = judged.permissions[Number(decision.grantedBy.match(/\d+/)?.[0])];
        expect(rule?.constraints.length ?? -1).toBe(
          granting.filter((check) => /^permission\[\d+\]\.constraint\[\d+\]$/.test(check.path)).length,
        );
        // Nothing forbids it, nothing unknown stands in a rule that concerns it, the scope fits.
        expect(decision.rules.some((result) => result.result === 'forbids')).toBe(false);
        for (const check of decision.checks) {
          if (check.rule === 'policy') expect(check.outcome).toBe('satisfied');
          if (check.rule === 'obligation') expect(check.outcome).not.toBe('unknown');
        }
        // Passing on or using passed-on data needs a ForwardDepth in the granting permission.
        if (asked.action === 'forward' || (asked.action === 'use' && asked.tierDepth !== 0)) {
          expect(JSON.stringify(rule)).toContain(FORWARD_DEPTH);
        }
      }),
      { numRuns: 3000 },
    );
    // The property must have been tried on allows, not only on denials.
    expect(allowed).toBeGreaterThan(40);
  });

  it('keeps logical outcomes consistent with their parts', () => {
    fc.assert(
      fc.property(policy, request, (judged, asked) => {
        const { checks } = evaluatePolicy(judged, asked);
        for (const check of checks) {
          if (check.basis !== 'logic' || check.outcome !== 'satisfied') continue;
          const children = checks.filter((other) =>
            new RegExp(`^${escapeRegExp(check.path)}\\.\\w+\\[\\d+\\]$`).test(other.path),
          );
          const satisfied = children.filter((child) => child.outcome === 'satisfied').length;
          if (check.constraint.startsWith('and')) expect(satisfied).toBe(children.length);
          if (check.constraint.startsWith('or')) expect(satisfied).toBeGreaterThan(0);
          if (check.constraint.startsWith('xone')) expect(satisfied).toBe(1);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('denies once a constraint that fails is added to every permission', () => {
    fc.assert(
      fc.property(policy, request, (judged, asked) => {
        const bpnl = asked.requester.bpnl;
        const excluding: Constraint = {
          kind: 'atomic',
          leftOperand: 'BusinessPartnerNumber',
          operator: 'isNoneOf',
          rightOperand: [bpnl],
        };
        const stricter: Policy = {
          ...judged,
          permissions: judged.permissions.map((rule) => ({
            ...rule,
            constraints: [...rule.constraints, excluding],
          })),
        };
        expect(evaluatePolicy(stricter, asked).allowed).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

/** The same policy with rules, constraints and the parts of and/or/xone in another order (seeded). */
function shuffled(policy: Policy, seed: number): Policy {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32 (Marsaglia 2003): enough to permute test data deterministically.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const permute = <T>(list: readonly T[]): T[] => {
    const copy = [...list];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = Math.floor(next() * (index + 1));
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  };
  const constraint = (value: Constraint): Constraint =>
    value.kind === 'atomic'
      ? {
          ...value,
          // Lists are sets for the list operators only (as matchesOffer documents).
          rightOperand:
            Array.isArray(value.rightOperand) && ['isAnyOf', 'isNoneOf', 'isAllOf'].includes(value.operator)
              ? permute(value.rightOperand)
              : value.rightOperand,
        }
      : {
          ...value,
          constraints:
            value.operator === 'andSequence'
              ? value.constraints.map(constraint)
              : permute(value.constraints.map(constraint)),
        };
  const rules = (list: readonly Rule[]) =>
    permute(list.map((rule) => ({ ...rule, constraints: permute(rule.constraints.map(constraint)) })));
  return {
    ...policy,
    id: `${policy.id}-requested`,
    permissions: rules(policy.permissions),
    prohibitions: rules(policy.prohibitions),
    obligations: rules(policy.obligations),
  };
}

describe('matchesOffer (property)', () => {
  it('matches the offer in any order of rules, constraints and alternatives, and the order changes no decision', () => {
    fc.assert(
      fc.property(policy, fc.integer(), request, (offered, seed, asked) => {
        const requested = shuffled(offered, seed);
        expect(matchesOffer(requested, offered)).toEqual({ matches: true });
        expect(matchesOffer(offered, requested)).toEqual({ matches: true });
        expect(evaluatePolicy(requested, asked).allowed).toBe(evaluatePolicy(offered, asked).allowed);
      }),
      { numRuns: 500 },
    );
  });

  it('does not match when the request drops or adds a constraint, and names it', () => {
    const fresh: Constraint = { kind: 'atomic', leftOperand: 'FreshTerm', operator: 'eq', rightOperand: 'x' };
    fc.assert(
      fc.property(policy, fc.nat(), (offered, at) => {
        const index = at % offered.permissions.length;
        const rule = offered.permissions[index] as Rule;
        const stricter: Policy = {
          ...offered,
          permissions: offered.permissions.map((candidate, position) =>
            position === index ? { ...rule, constraints: [...rule.constraints, fresh] } : candidate,
          ),
        };
        for (const [requested, offer] of [
          [offered, stricter],
          [stricter, offered],
        ] as const) {
          const match = matchesOffer(requested, offer);
          expect(match.matches).toBe(false);
          if (!match.matches) expect(match.differences.join(' ')).toContain('FreshTerm');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('matches every policy with itself and with its own JSON read back', () => {
    fc.assert(
      fc.property(policy, (offered) => {
        expect(matchesOffer(offered, offered)).toEqual({ matches: true });
        const read = parsePolicy(policyToJson(offered));
        if (read.ok) expect(matchesOffer(read.value, offered)).toEqual({ matches: true });
      }),
      { numRuns: 300 },
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.[\]]/g, (character) => `\\${character}`);
}
