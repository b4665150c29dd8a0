/**
 * @module policy/build
 * The policies a keten node writes for a dataset, in the form of the Catena-X profile (2025-9):
 * - an access policy (`Set`, action `access`): who may see the offer and negotiate — active members
 *   with one of the listed BPNLs (the profile allows `BusinessPartnerNumber` in access policies only);
 * - a usage offer (`Offer`, action `use`): the framework agreement, membership, usage purposes, the end
 *   of use, and keten's `ForwardDepth`; when the data may not be passed on at all, also the Catena-X
 *   prohibition `UsageRestriction isAllOf [cx.thirdParty.forbidden:1]`, so a connector that does not
 *   read keten's operand still sees it;
 * - the agreement derived from an accepted offer: the same rules, with assigner, assignee, target and
 *   the moment of conclusion.
 * Every constraint they hold validates against the profile's constraint schemas (a connector test
 * checks it); keten's operand validates against keten's own schema.
 */

import { err, ok, type Result } from '../result.ts';
import {
  type AtomicConstraint,
  BPNL_PATTERN,
  DATA_EXCHANGE_GOVERNANCE,
  FORWARD_DEPTH,
  type Policy,
  type Rule,
} from './model.ts';
import { THIRD_PARTY_FORBIDDEN } from './operands.ts';
import type { PolicyProblem } from './parse.ts';
import { formatInstant } from './time.ts';

/** What a node offers a dataset under. */
export interface DatasetPolicySpec {
  /** The policy's `@id` (the access policy gets `<id>:access`). */
  readonly id: string;
  /** The dataset, when the policy is for one dataset (DSP catalog offers leave it out). */
  readonly target?: string;
  /** The partners (BPNLs) who may see and negotiate the offer. */
  readonly partners: readonly string[];
  /** The usage purposes allowed, e.g. `cx.dcm.base:1`. */
  readonly purposes: readonly string[];
  /** How many tiers beyond the first recipient the data may travel; 0 forbids passing it on. */
  readonly forwardDepth: number;
  /** The end of use (Catena-X `DataUsageEndDate`); without it the framework agreement's default applies. */
  readonly expiresAt?: Date;
  /**
   * The framework agreement the consumer must have signed; `null` leaves the constraint out (for a
   * network whose credentials do not carry one). Default: `DataExchangeGovernance:1.0`.
   */
  readonly frameworkAgreement?: string | null;
}

/** What the node's access policy for a dataset holds: active membership and one of the partners. */
export function buildAccessPolicy(spec: DatasetPolicySpec): Result<Policy, PolicyProblem[]> {
  const problems = checkSpec(spec);
  if (problems.length > 0) return err(problems);
  const constraints: AtomicConstraint[] = [
    atomic('Membership', 'eq', 'active'),
    atomic('BusinessPartnerNumber', 'isAnyOf', [...new Set(spec.partners)]),
  ];
  return ok({
    id: `${spec.id}:access`,
    type: 'Set',
    permissions: [{ action: 'access', constraints: [{ kind: 'logical', operator: 'and', constraints }] }],
    prohibitions: [],
    obligations: [],
  });
}

/**
 * The usage offer for a dataset.
 *
 * @example
 * buildOffer({ id: 'forecast-offer', partners: ['BPNL000000000001'], purposes: ['cx.dcm.base:1'],
 *   forwardDepth: 1, expiresAt: new Date('2027-12-31T23:59:59Z') });
 */
export function buildOffer(spec: DatasetPolicySpec): Result<Policy, PolicyProblem[]> {
  const problems = checkSpec(spec);
  if (problems.length > 0) return err(problems);
  const constraints: AtomicConstraint[] = [];
  const framework =
    spec.frameworkAgreement === undefined ? DATA_EXCHANGE_GOVERNANCE : spec.frameworkAgreement;
  if (framework !== null) constraints.push(atomic('FrameworkAgreement', 'eq', framework));
  constraints.push(atomic('Membership', 'eq', 'active'));
  constraints.push(atomic('UsagePurpose', 'isAnyOf', [...new Set(spec.purposes)]));
  if (spec.expiresAt !== undefined)
    constraints.push(atomic('DataUsageEndDate', 'eq', formatInstant(spec.expiresAt)));
  // Text, not a JSON number: DSP 2025-1 right operands are text, objects or lists.
  constraints.push(atomic(FORWARD_DEPTH, 'lteq', String(spec.forwardDepth)));
  const prohibitions: Rule[] =
    spec.forwardDepth === 0
      ? [
          {
            action: 'use',
            constraints: [
              {
                kind: 'logical',
                operator: 'and',
                constraints: [atomic('UsageRestriction', 'isAllOf', [THIRD_PARTY_FORBIDDEN])],
              },
            ],
          },
        ]
      : [];
  const policy: Policy = {
    id: spec.id,
    type: 'Offer',
    permissions: [{ action: 'use', constraints: [{ kind: 'logical', operator: 'and', constraints }] }],
    prohibitions,
    obligations: [],
  };
  return ok(spec.target === undefined ? policy : { ...policy, target: spec.target });
}

/** Who concluded the agreement, on what, and when. */
export interface AgreementTerms {
  /** The agreement's `@id`. */
  readonly id: string;
  /** The provider (its BPNL or DID). */
  readonly assigner: string;
  /** The consumer (its BPNL or DID). */
  readonly assignee: string;
  /** The dataset; defaults to the offer's target. */
  readonly target?: string;
  /** The moment of conclusion (from the caller's clock). */
  readonly concludedAt: Date;
}

/** The agreement that an accepted offer becomes: the offer's rules, bound to its parties and dataset. */
export function deriveAgreement(offer: Policy, terms: AgreementTerms): Result<Policy, PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  if (offer.type === 'Agreement') {
    problems.push({
      path: '@type',
      code: 'invalid-value',
      message: 'this is already an agreement; derive agreements from offers.',
    });
  }
  const target = terms.target ?? offer.target;
  if (target === undefined || target === '') {
    problems.push({
      path: 'target',
      code: 'missing-field',
      message: 'the offer names no dataset: give the target the agreement is for.',
    });
  }
  for (const field of ['id', 'assigner', 'assignee'] as const) {
    if (terms[field] === '') {
      problems.push({
        path: field === 'id' ? '@id' : field,
        code: 'missing-field',
        message: `give the agreement's ${field}.`,
      });
    }
  }
  if (!writable(terms.concludedAt)) {
    problems.push({
      path: 'timestamp',
      code: 'invalid-value',
      message: 'the moment of conclusion is not a valid date between the years 0 and 9999.',
    });
  }
  if (problems.length > 0 || target === undefined) return err(problems);
  const agreement: Policy = {
    id: terms.id,
    type: 'Agreement',
    target,
    assigner: terms.assigner,
    assignee: terms.assignee,
    timestamp: formatInstant(terms.concludedAt),
    permissions: offer.permissions,
    prohibitions: offer.prohibitions,
    obligations: offer.obligations,
  };
  return ok(offer.profile === undefined ? agreement : { ...agreement, profile: offer.profile });
}

function atomic(
  leftOperand: string,
  operator: AtomicConstraint['operator'],
  rightOperand: AtomicConstraint['rightOperand'],
): AtomicConstraint {
  return { kind: 'atomic', leftOperand, operator, rightOperand };
}

/** A date the profile's `YYYY-MM-DDThh:mm:ssZ` pattern can hold. */
function writable(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isFinite(date.getTime()) && year >= 0 && year <= 9999;
}

function checkSpec(spec: DatasetPolicySpec): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if (spec.id === '')
    problems.push({ path: '@id', code: 'missing-field', message: 'give the policy an id.' });
  if (spec.partners.length === 0) {
    problems.push({
      path: 'partners',
      code: 'missing-field',
      message: 'name at least one partner BPNL who may see the offer.',
    });
  }
  spec.partners.forEach((partner, index) => {
    if (!BPNL_PATTERN.test(partner)) {
      problems.push({
        path: `partners[${index}]`,
        code: 'invalid-value',
        message: `"${partner}" is not a legal-entity BPN: write BPNL and 12 digits or capital letters, e.g. BPNL000000000001.`,
      });
    }
  });
  if (spec.purposes.length === 0 || spec.purposes.some((purpose) => purpose.trim() === '')) {
    problems.push({
      path: 'purposes',
      code: 'missing-field',
      message: 'name the usage purposes, e.g. cx.dcm.base:1.',
    });
  }
  if (!Number.isInteger(spec.forwardDepth) || spec.forwardDepth < 0) {
    problems.push({
      path: 'forwardDepth',
      code: 'invalid-value',
      message: `the forward depth is a whole number of tiers, 0 or more, not ${spec.forwardDepth}.`,
    });
  }
  if (spec.expiresAt !== undefined && !writable(spec.expiresAt)) {
    problems.push({
      path: 'expiresAt',
      code: 'invalid-value',
      message: 'the end of use is not a valid date between the years 0 and 9999.',
    });
  }
  if (spec.frameworkAgreement === '') {
    problems.push({
      path: 'frameworkAgreement',
      code: 'invalid-value',
      message: 'name the framework agreement, or pass null to leave it out.',
    });
  }
  return problems;
}
