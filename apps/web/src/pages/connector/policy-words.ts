/**
 * @module pages/connector/policy-words
 * An ODRL usage policy (the compact JSON-LD a keten node offers and agrees on, see docs/policies.md)
 * in words a person can check: who may use the data, for which purpose, until when, how many tiers
 * further it may travel, and any constraint keten does not name, shown as written.
 */

/** The Catena-X usage purposes keten uses, in words. */
const PURPOSES: Readonly<Record<string, string>> = {
  'cx.dcm.base:1': 'demand and capacity management (Catena-X DCM)',
  'cx.puris.base:1': 'short-term supply (Catena-X PURIS)',
  'cx.core.industrycore:1': 'Industry Core',
};

const FORWARD_DEPTH_SUFFIX = 'ForwardDepth';

export interface PolicyWords {
  /** `use`, `access`: the actions permitted. */
  readonly actions: readonly string[];
  /** The business partner numbers allowed. */
  readonly partners: readonly string[];
  /** Purposes in words (the code in parentheses when unknown). */
  readonly purposes: readonly string[];
  /** The end of use (ISO 8601), if the policy names one. */
  readonly expiresAt?: string;
  /** How many tiers beyond the partner the data may travel. */
  readonly forwardDepth?: number;
  /** Passing on to third parties is prohibited. */
  readonly thirdPartyForbidden: boolean;
  /** Every other constraint, as `leftOperand operator rightOperand`. */
  readonly other: readonly string[];
}

type Json = unknown;

function list(value: Json): readonly Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function operandName(value: Json): string {
  const text = typeof value === 'string' ? value : String((value as { '@id'?: unknown })?.['@id'] ?? '');
  const hash = Math.max(text.lastIndexOf('/'), text.lastIndexOf('#'));
  return text.startsWith('http') && hash >= 0 ? text.slice(hash + 1) : text;
}

function rightValues(value: Json): string[] {
  return list(value).map((part) =>
    typeof part === 'object' && part !== null && '@id' in part ? String(part['@id']) : String(part),
  );
}

interface Collected {
  actions: string[];
  partners: string[];
  purposes: string[];
  expiresAt?: string;
  forwardDepth?: number;
  thirdPartyForbidden: boolean;
  other: string[];
}

function collectConstraint(constraint: Json, into: Collected, prohibited: boolean): void {
  if (typeof constraint !== 'object' || constraint === null) return;
  const object = constraint as Record<string, Json>;
  for (const logical of ['and', 'or', 'xone', 'andSequence']) {
    if (logical in object) {
      for (const inner of list(object[logical])) collectConstraint(inner, into, prohibited);
      return;
    }
  }
  const left = operandName(object.leftOperand);
  const operator = operandName(object.operator);
  const right = rightValues(object.rightOperand);
  if (prohibited) {
    if (left === 'UsageRestriction' && right.some((value) => value.startsWith('cx.thirdParty.forbidden')))
      into.thirdPartyForbidden = true;
    else into.other.push(`not: ${left} ${operator} ${right.join(', ')}`);
    return;
  }
  if (left === 'BusinessPartnerNumber') into.partners.push(...right);
  else if (left === 'UsagePurpose') into.purposes.push(...right.map((code) => PURPOSES[code] ?? code));
  else if (left === 'DataUsageEndDate' && right[0] !== undefined) into.expiresAt = right[0];
  else if (left === FORWARD_DEPTH_SUFFIX && right[0] !== undefined && Number.isFinite(Number(right[0])))
    into.forwardDepth = Number(right[0]);
  else if (left === 'Membership' && right[0] === 'active') {
    // Every keten offer asks for it: said once in the sentence, not listed.
  } else into.other.push(`${left} ${operator} ${right.join(', ')}`);
}

/** Reads a compact ODRL policy; unknown shapes end up in `other` rather than being dropped. */
export function policyWords(policy: Json): PolicyWords {
  const into: Collected = { actions: [], partners: [], purposes: [], thirdPartyForbidden: false, other: [] };
  if (typeof policy !== 'object' || policy === null) {
    return { ...into, other: ['the policy could not be read'] };
  }
  const object = policy as Record<string, Json>;
  for (const rule of list(object.permission)) {
    const action = operandName((rule as { action?: Json })?.action);
    if (action !== '' && !into.actions.includes(action)) into.actions.push(action);
    for (const constraint of list((rule as { constraint?: Json })?.constraint))
      collectConstraint(constraint, into, false);
  }
  for (const rule of list(object.prohibition))
    for (const constraint of list((rule as { constraint?: Json })?.constraint))
      collectConstraint(constraint, into, true);
  return {
    actions: into.actions,
    partners: [...new Set(into.partners)],
    purposes: [...new Set(into.purposes)],
    ...(into.expiresAt === undefined ? {} : { expiresAt: into.expiresAt }),
    ...(into.forwardDepth === undefined ? {} : { forwardDepth: into.forwardDepth }),
    thirdPartyForbidden: into.thirdPartyForbidden,
    other: into.other,
  };
}

/** `0` → `not passed on (partner only)`, `1` → `1 tier further`. */
export function forwardDepthWords(depth: number | undefined): string {
  if (depth === undefined) return 'no limit named';
  if (depth === 0) return '0 tiers: the partner only, passed on to no one';
  return `${depth} tier${depth === 1 ? '' : 's'} beyond the partner`;
}

/** The end of use as a date, and whether it has passed at `now`. */
export function expiryWords(expiresAt: string | undefined, now: number): string {
  if (expiresAt === undefined) return 'no end date (the framework agreement applies)';
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return `${expiresAt} (not a date)`;
  const day = expiresAt.slice(0, 10);
  if (at <= now) return `${day} (expired)`;
  const days = Math.ceil((at - now) / 86_400_000);
  return `${day} (in ${days} day${days === 1 ? '' : 's'})`;
}

/** One sentence: "BPNL… may use it for … until …; passed on at most 1 tier beyond the partner." */
export function policySentence(words: PolicyWords, now: number): string {
  const who = words.partners.length === 0 ? 'Any active member' : words.partners.join(' or ');
  const action = words.actions.includes('use') ? 'use' : (words.actions[0] ?? 'use');
  const purpose = words.purposes.length === 0 ? 'any purpose' : words.purposes.join(' or ');
  const parts = [
    `${who} may ${action} it for ${purpose}, until ${expiryWords(words.expiresAt, now)}`,
    `passed on at most ${forwardDepthWords(words.forwardDepth)}`,
  ];
  if (words.thirdPartyForbidden) parts.push('third parties are forbidden');
  if (words.other.length > 0) parts.push(`also: ${words.other.join('; ')}`);
  return `${parts.join('; ')}.`;
}

/** The dataset kinds in words. */
export function datasetKindWords(kind: string | undefined): string {
  if (kind === 'demand-and-capacity') return 'Demand and capacity (forecasts, capacity, notifications)';
  if (kind === 'short-term-supply')
    return 'Short-term supply (orders, confirmations, stock, deliveries, planned output)';
  if (kind === 'status') return 'Chain-deep status';
  return kind ?? 'other dataset';
}
