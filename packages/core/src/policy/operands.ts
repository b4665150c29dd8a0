/**
 * @module policy/operands
 * The left operands keten evaluates, each with the operators it takes and how it is judged. The
 * operators are the ones the Catena-X ODRL profile's constraint schemas allow
 * (`cx-odrl-profile/schema/constraint/*-constraint-schema.json`, 2025-9; a connector test compares this
 * table with those files), plus ODRL's own `dateTime` and keten's `ForwardDepth`.
 *
 * Three kinds of operand:
 * - checked against the request: partner, membership, framework agreement, purpose, time, forward depth;
 * - contract terms (warranty, liability, jurisdiction, affiliates, …): they bind the parties once the
 *   agreement is concluded and say nothing about a single access, so they hold in a permission and do
 *   not make a prohibition apply;
 * - anything else is unknown: keten cannot tell whether it holds, so the request is denied.
 */

import { formatRightOperand } from './json.ts';
import { type AtomicConstraint, FORWARD_DEPTH, type Operator, type Policy, type RuleKind } from './model.ts';
import type { PolicyRequest } from './request.ts';
import { parseInstant } from './time.ts';

/**
 * How one constraint fared: it `holds` or `fails` on this request, binds as a `contract` term, or is
 * `unknown` to keten (an operand or operator it cannot judge).
 */
export interface OperandVerdict {
  readonly verdict: 'holds' | 'fails' | 'contract' | 'unknown';
  /** Why, in plain words. */
  readonly reason: string;
}

/** What an operand's judgement may look at. */
export interface OperandContext {
  readonly request: PolicyRequest;
  readonly policy: Policy;
  readonly rule: RuleKind;
}

interface OperandSpec {
  readonly operators: readonly Operator[];
  readonly judge: (constraint: AtomicConstraint, context: OperandContext) => OperandVerdict;
}

const MS_PER_DAY = 86_400_000;

/** The Catena-X usage restriction that forbids giving the data to third parties. */
export const THIRD_PARTY_FORBIDDEN = 'cx.thirdParty.forbidden:1';
const USAGE_RESTRICTIONS = [
  THIRD_PARTY_FORBIDDEN,
  'cx.manipulation.forbidden:1',
  'cx.derivations.forbidden:1',
  'cx.extraordinaryAnalytics.forbidden:1',
  'cx.dataProviderRemoval.forbidden:1',
];
/** The Catena-X value for a usage period without end (data-usage-end-definition schema). */
export const DATA_USAGE_UNLIMITED = 'cx.dataUsageEnd.unlimited:1';

const holds = (reason: string): OperandVerdict => ({ verdict: 'holds', reason });
const fails = (reason: string): OperandVerdict => ({ verdict: 'fails', reason });
const unknown = (reason: string): OperandVerdict => ({ verdict: 'unknown', reason });

/** The right operand as a list of text, or `undefined` when it is anything else. */
function textList(constraint: AtomicConstraint): readonly string[] | undefined {
  const value = constraint.rightOperand;
  const list = Array.isArray(value) ? value : [value];
  return list.length > 0 && list.every((entry) => typeof entry === 'string') ? (list as string[]) : undefined;
}

/** `one of A, B` for the list operators, the value itself for `eq` / `neq`. */
function described(values: readonly string[], operator: AtomicConstraint['operator']): string {
  return operator === 'isAnyOf' || operator === 'isNoneOf' || values.length > 1
    ? `one of ${values.join(', ')}`
    : (values[0] as string);
}

/**
 * `isAnyOf` / `eq`: the requester's value must be among the listed; `isNoneOf` / `neq`: it must not be.
 * `what` names the requester's value in the reason ("the requester is BPNL…").
 */
function membershipOf(
  constraint: AtomicConstraint,
  actual: readonly string[],
  describeActual: string,
): OperandVerdict {
  const listed = textList(constraint);
  const name = constraint.leftOperand;
  if (listed === undefined) {
    return unknown(
      `${name} needs text values to compare with, not ${formatRightOperand(constraint.rightOperand)}.`,
    );
  }
  const found = actual.some((value) => listed.includes(value));
  const positive = constraint.operator === 'isAnyOf' || constraint.operator === 'eq';
  if (positive) {
    return found
      ? holds(`${name} must be ${described(listed, constraint.operator)} and ${describeActual}.`)
      : fails(`${name} must be ${described(listed, constraint.operator)} but ${describeActual}.`);
  }
  return found
    ? fails(`${name} must not be ${described(listed, constraint.operator)} but ${describeActual}.`)
    : holds(`${name} must not be ${described(listed, constraint.operator)} and ${describeActual}.`);
}

function requestTime(context: OperandContext): number | undefined {
  const time = context.request.at.getTime();
  return Number.isFinite(time) ? time : undefined;
}

const noTime = (name: string): OperandVerdict =>
  fails(`${name} depends on the time, but the request carries no valid time.`);

/** `DataUsageEndDate eq D`: the data may be used until D (profile: data-usage-end-date schema). */
function endDate(name: string, what: string) {
  return (constraint: AtomicConstraint, context: OperandContext): OperandVerdict => {
    const end =
      typeof constraint.rightOperand === 'string' ? parseInstant(constraint.rightOperand) : undefined;
    if (end === undefined) {
      return unknown(
        `${name} needs a date-time with a zone such as 2027-12-31T23:59:59Z, not ${formatRightOperand(constraint.rightOperand)}.`,
      );
    }
    const now = requestTime(context);
    if (now === undefined) return noTime(name);
    const at = new Date(now).toISOString();
    return now <= end
      ? holds(`${what} until ${constraint.rightOperand}, and it is ${at}.`)
      : fails(`${what} until ${constraint.rightOperand}, and it is ${at}: the period has ended.`);
  };
}

/**
 * `DataUsageEndDurationDays eq N`: N days from the moment the agreement was concluded (its
 * timestamp; profile: data-usage-end-duration-days schema). On an offer the period has not started.
 */
function endDuration(name: string, what: string) {
  return (constraint: AtomicConstraint, context: OperandContext): OperandVerdict => {
    const days = wholeNumber(constraint.rightOperand);
    if (days === undefined) {
      return unknown(
        `${name} needs a whole number of days, not ${formatRightOperand(constraint.rightOperand)}.`,
      );
    }
    const { policy } = context;
    if (policy.type !== 'Agreement') {
      return holds(
        `${what} for ${days} days from the conclusion of the agreement; on an offer it has not started.`,
      );
    }
    const start = policy.timestamp === undefined ? undefined : parseInstant(policy.timestamp);
    if (start === undefined) {
      return fails(
        `${what} for ${days} days from the conclusion of the agreement, but the agreement has no timestamp.`,
      );
    }
    const now = requestTime(context);
    if (now === undefined) return noTime(name);
    const end = new Date(start + days * MS_PER_DAY).toISOString();
    return now <= start + days * MS_PER_DAY
      ? holds(`${what} for ${days} days from ${policy.timestamp}, that is until ${end}.`)
      : fails(
          `${what} for ${days} days from ${policy.timestamp}, that is until ${end}: the period has ended.`,
        );
  };
}

/** ODRL `dateTime`: the request's time compared with a date-time (ODRL 2.2 Vocabulary §2.3.1). */
function dateTime(constraint: AtomicConstraint, context: OperandContext): OperandVerdict {
  const bound =
    typeof constraint.rightOperand === 'string' ? parseInstant(constraint.rightOperand) : undefined;
  if (bound === undefined) {
    return unknown(
      `dateTime needs a date-time with a zone, not ${formatRightOperand(constraint.rightOperand)}.`,
    );
  }
  const now = requestTime(context);
  if (now === undefined) return noTime('dateTime');
  const compare: Partial<Record<Operator, [boolean, string]>> = {
    lt: [now < bound, 'before'],
    lteq: [now <= bound, 'at or before'],
    gt: [now > bound, 'after'],
    gteq: [now >= bound, 'at or after'],
    eq: [now === bound, 'exactly'],
  };
  const [result, words] = compare[constraint.operator] ?? [false, constraint.operator];
  const text = `the time must be ${words} ${constraint.rightOperand}, and it is ${new Date(now).toISOString()}.`;
  return result ? holds(text) : fails(text);
}

/**
 * A whole number ≥ 0, written as a JSON number or as digits in text. keten writes text: the DSP 2025-1
 * `RightOperand` is text, an object or a list (contract-schema.json), so a JSON number breaks DSP.
 */
function wholeNumber(value: AtomicConstraint['rightOperand']): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,14})$/.test(value)) return Number(value);
  return undefined;
}

function forwardDepth(constraint: AtomicConstraint, context: OperandContext): OperandVerdict {
  const limit = wholeNumber(constraint.rightOperand);
  if (limit === undefined) {
    return unknown(
      `ForwardDepth needs a whole number of tiers, 0 or more, not ${formatRightOperand(constraint.rightOperand)}.`,
    );
  }
  const { action, tierDepth } = context.request;
  if (!Number.isInteger(tierDepth) || tierDepth < 0) {
    return fails(`the request's tier depth (${tierDepth}) is not a whole number of tiers, 0 or more.`);
  }
  const allowed = `ForwardDepth allows the data to travel at most ${tiers(limit)} beyond its first recipient`;
  if (action === 'access') return holds(`${allowed}; that does not restrict access to the offer.`);
  if (action === 'use') {
    return tierDepth <= limit
      ? holds(`${allowed}, and it reached the requester ${tiers(tierDepth)} beyond.`)
      : fails(`${allowed}, but it reached the requester ${tiers(tierDepth)} beyond.`);
  }
  return tierDepth + 1 <= limit
    ? holds(`${allowed}; passing it on from ${tiers(tierDepth)} beyond makes ${tiers(tierDepth + 1)}.`)
    : fails(
        `${allowed}; the requester holds it ${tiers(tierDepth)} beyond, so passing it on would make ${tiers(tierDepth + 1)}.`,
      );
}

function tiers(count: number): string {
  return count === 1 ? '1 tier' : `${count} tiers`;
}

function contract(what: string) {
  return (constraint: AtomicConstraint): OperandVerdict => ({
    verdict: 'contract',
    reason: `${constraint.leftOperand} (${what}) is a contract term: it binds the parties once the agreement is concluded and is not checked per access.`,
  });
}

function usageRestriction(constraint: AtomicConstraint, context: OperandContext): OperandVerdict {
  const values = textList(constraint);
  const strange = values === undefined ? [] : values.filter((value) => !USAGE_RESTRICTIONS.includes(value));
  if (values === undefined || strange.length > 0) {
    return unknown(
      `UsageRestriction knows ${USAGE_RESTRICTIONS.join(', ')}; keten cannot tell what ${values === undefined ? formatRightOperand(constraint.rightOperand) : strange.join(', ')} forbids.`,
    );
  }
  if (context.request.action === 'forward' && values.includes(THIRD_PARTY_FORBIDDEN)) {
    const text = `${THIRD_PARTY_FORBIDDEN} forbids giving the data to third parties, and passing it on does that.`;
    return context.rule === 'permission' ? fails(text) : holds(text);
  }
  return {
    verdict: 'contract',
    reason: `UsageRestriction ${values.join(', ')} restricts what the consumer does with the data; it is a contract term, not checked per access.`,
  };
}

/** Every left operand keten evaluates, by compact name (or, for keten's own, its IRI). */
const OPERANDS: Readonly<Record<string, OperandSpec>> = {
  BusinessPartnerNumber: {
    // `eq`/`neq` with one BPNL: the Catena-X policy form before the 2025-9 profile, still sent by
    // older connectors. keten writes `isAnyOf`, and the profile check rejects `eq`.
    operators: ['isAnyOf', 'isNoneOf', 'eq', 'neq'],
    judge: (constraint, { request }) =>
      membershipOf(constraint, [request.requester.bpnl], `the requester is ${request.requester.bpnl}`),
  },
  BusinessPartnerGroup: {
    operators: ['isAnyOf', 'isNoneOf'],
    judge: (constraint, { request }) => {
      const groups = request.requester.groups ?? [];
      return membershipOf(
        constraint,
        groups,
        groups.length === 0 ? 'the requester is in no group' : `the requester is in ${groups.join(', ')}`,
      );
    },
  },
  Membership: {
    operators: ['eq'],
    judge: (constraint, { request }) => {
      if (constraint.rightOperand !== 'active') {
        return unknown(
          `Membership is compared with "active" only, not ${formatRightOperand(constraint.rightOperand)}.`,
        );
      }
      const membership = request.requester.membership;
      if (membership.status === 'valid')
        return holds("Membership must be active and the requester's credential is valid.");
      return fails(
        membership.status === 'missing'
          ? 'Membership must be active but the requester presented no membership credential.'
          : `Membership must be active but the requester's membership credential is invalid: ${membership.reason}`,
      );
    },
  },
  FrameworkAgreement: {
    operators: ['eq'],
    judge: (constraint, { request }) => {
      const signed = request.requester.frameworkAgreements ?? [];
      return membershipOf(
        constraint,
        signed,
        signed.length === 0
          ? 'the requester showed no framework agreement'
          : `the requester signed ${signed.join(', ')}`,
      );
    },
  },
  UsagePurpose: {
    operators: ['isAnyOf'],
    judge: (constraint, { request }) =>
      membershipOf(
        constraint,
        request.purpose === undefined ? [] : [request.purpose],
        request.purpose === undefined
          ? 'the requester claimed no purpose'
          : `the requester claims ${request.purpose}`,
      ),
  },
  DataUsageEndDate: { operators: ['eq'], judge: endDate('DataUsageEndDate', 'the data may be used') },
  DataUsageEndDurationDays: {
    operators: ['eq'],
    judge: endDuration('DataUsageEndDurationDays', 'the data may be used'),
  },
  DataUsageEndDefinition: {
    operators: ['eq'],
    judge: (constraint) =>
      constraint.rightOperand === DATA_USAGE_UNLIMITED
        ? holds(`DataUsageEndDefinition ${DATA_USAGE_UNLIMITED}: the data may be used without end.`)
        : unknown(
            `DataUsageEndDefinition knows only ${DATA_USAGE_UNLIMITED}, not ${formatRightOperand(constraint.rightOperand)}.`,
          ),
  },
  DataProvisioningEndDate: {
    operators: ['eq'],
    judge: endDate('DataProvisioningEndDate', 'the provider makes the data available'),
  },
  DataProvisioningEndDurationDays: {
    operators: ['eq'],
    judge: endDuration('DataProvisioningEndDurationDays', 'the provider makes the data available'),
  },
  dateTime: { operators: ['eq', 'lt', 'lteq', 'gt', 'gteq'], judge: dateTime },
  [FORWARD_DEPTH]: { operators: ['lteq'], judge: forwardDepth },
  UsageRestriction: { operators: ['isAllOf'], judge: usageRestriction },
  ContractReference: { operators: ['isAllOf'], judge: contract('individual contracts referenced') },
  Precedence: { operators: ['eq'], judge: contract('which contract prevails') },
  VersionChanges: { operators: ['eq'], judge: contract('which API version changes the agreement covers') },
  DataFrequency: { operators: ['eq'], judge: contract('one or repeated exchanges') },
  ExclusiveUsage: { operators: ['eq'], judge: contract('exclusive use') },
  Warranty: { operators: ['eq'], judge: contract('warranty') },
  WarrantyDurationMonths: { operators: ['eq'], judge: contract('warranty period') },
  WarrantyDefinition: { operators: ['eq'], judge: contract('warranty until the contract ends') },
  Liability: { operators: ['eq'], judge: contract('liability') },
  ConfidentialInformationMeasures: { operators: ['eq'], judge: contract('confidentiality measures') },
  ConfidentialInformationSharing: {
    operators: ['isAnyOf'],
    judge: contract('sharing confidential information'),
  },
  JurisdictionLocation: { operators: ['eq'], judge: contract('place of jurisdiction') },
  JurisdictionLocationReference: { operators: ['eq'], judge: contract('place of jurisdiction') },
  ContractTermination: { operators: ['eq'], judge: contract('what happens to the data at the end') },
  AffiliatesRegion: { operators: ['isAnyOf'], judge: contract('use by affiliates in regions') },
  AffiliatesBpnl: { operators: ['isAnyOf'], judge: contract('use by named affiliates') },
  ManagedLegalEntityRegion: {
    operators: ['isAnyOf'],
    judge: contract('use by managed legal entities in regions'),
  },
  ManagedLegalEntityBpnl: { operators: ['isAnyOf'], judge: contract('use by named managed legal entities') },
};

/** The left operands keten evaluates, each with the operators it accepts. */
export const EVALUATED_OPERANDS: Readonly<Record<string, readonly Operator[]>> = Object.fromEntries(
  Object.entries(OPERANDS).map(([name, spec]) => [name, spec.operators]),
);

/** Judges one atomic constraint on one request. Never throws. */
export function judgeConstraint(constraint: AtomicConstraint, context: OperandContext): OperandVerdict {
  const spec = Object.hasOwn(OPERANDS, constraint.leftOperand) ? OPERANDS[constraint.leftOperand] : undefined;
  if (spec === undefined) {
    return unknown(
      `keten does not know the left operand "${constraint.leftOperand}", so it cannot tell whether the constraint holds; it denies rather than allow unchecked.`,
    );
  }
  if (!spec.operators.includes(constraint.operator)) {
    return unknown(
      `${constraint.leftOperand} takes ${spec.operators.join(' or ')}, not ${constraint.operator}; keten cannot tell what that would mean.`,
    );
  }
  return spec.judge(constraint, context);
}
