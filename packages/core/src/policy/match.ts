/**
 * @module policy/match
 * Contract negotiation needs one question answered: is the policy a consumer asks for the one the
 * provider offered? (DSP 2025-1 §Contract Negotiation: the provider checks the offer in a contract
 * request; EDC compares the requested policy with the offered one the same way.) `matchesOffer`
 * compares the rules — permissions, prohibitions, obligations, each with its action and constraints —
 * and, when both name a dataset, the target. Ids, contexts and spelling do not matter; meaning does:
 * - the order of rules, of constraints in a rule, and of the parts of `and`, `or` and `xone` is free;
 * - a rule's constraint list is a conjunction, so `[{ and: [a, b] }]` equals `[a, b]`;
 * - `isAnyOf`, `isNoneOf` and `isAllOf` compare their values as sets;
 * - `andSequence` keeps its order.
 */

import { formatConstraint } from './json.ts';
import { type Constraint, type Policy, RULE_KINDS, type Rule, type RuleKind } from './model.ts';

export type OfferMatch =
  | { readonly matches: true }
  | {
      readonly matches: false;
      /** Each difference in plain words, e.g. "permission (use): the offer requires …, the request leaves it out". */
      readonly differences: readonly string[];
    };

const SET_OPERATORS = new Set(['isAnyOf', 'isNoneOf', 'isAllOf']);

/** Whether `requested` (from a consumer's contract request) has exactly the rules of `offered`. */
export function matchesOffer(requested: Policy, offered: Policy): OfferMatch {
  const differences: string[] = [];
  if (requested.target !== undefined && offered.target !== undefined && requested.target !== offered.target) {
    differences.push(`the request is for dataset ${requested.target}, the offer for ${offered.target}.`);
  }
  for (const kind of RULE_KINDS) {
    differences.push(...compareRules(kind, rulesOf(requested, kind), rulesOf(offered, kind)));
  }
  return differences.length === 0 ? { matches: true } : { matches: false, differences };
}

function rulesOf(policy: Policy, kind: RuleKind): readonly Rule[] {
  return kind === 'permission'
    ? policy.permissions
    : kind === 'prohibition'
      ? policy.prohibitions
      : policy.obligations;
}

interface CanonicalRule {
  readonly action: string;
  /** Canonical text of each conjoined constraint, sorted. */
  readonly keys: readonly string[];
  /** Readable text of each, by canonical text. */
  readonly shown: ReadonlyMap<string, string>;
  readonly key: string;
}

function compareRules(kind: RuleKind, requested: readonly Rule[], offered: readonly Rule[]): string[] {
  const wanted = requested.map(canonicalRule);
  const remaining = offered.map(canonicalRule);
  const unmatched: CanonicalRule[] = [];
  for (const rule of wanted) {
    const at = remaining.findIndex((candidate) => candidate.key === rule.key);
    if (at >= 0) remaining.splice(at, 1);
    else unmatched.push(rule);
  }
  const differences: string[] = [];
  for (const rule of unmatched) {
    // Pair with an offered rule of the same action, to say which constraints differ.
    const at = remaining.findIndex((candidate) => candidate.action === rule.action);
    if (at < 0) {
      differences.push(`the request adds a ${kind} (${describeRule(rule)}) that the offer does not have.`);
      continue;
    }
    const offer = remaining.splice(at, 1)[0] as CanonicalRule;
    for (const key of offer.keys.filter((key) => !rule.keys.includes(key))) {
      differences.push(
        `${kind} (${rule.action}): the offer requires ${offer.shown.get(key)}, the request leaves it out.`,
      );
    }
    for (const key of rule.keys.filter((key) => !offer.keys.includes(key))) {
      differences.push(
        `${kind} (${rule.action}): the request has ${rule.shown.get(key)}, which the offer does not.`,
      );
    }
  }
  for (const rule of remaining) {
    differences.push(`the offer's ${kind} (${describeRule(rule)}) is missing from the request.`);
  }
  return differences;
}

function describeRule(rule: CanonicalRule): string {
  const constraints = rule.keys.map((key) => rule.shown.get(key)).join('; ');
  return constraints === '' ? rule.action : `${rule.action}: ${constraints}`;
}

function canonicalRule(rule: Rule): CanonicalRule {
  const conjuncts = rule.constraints.flatMap(flattenAnd);
  const shown = new Map<string, string>();
  for (const constraint of conjuncts) shown.set(canonical(constraint), formatConstraint(constraint));
  // a ∧ a = a: a constraint stated twice means the same as stated once.
  const keys = [...new Set(conjuncts.map(canonical))].sort();
  return { action: rule.action, keys, shown, key: JSON.stringify([rule.action, keys]) };
}

function flattenAnd(constraint: Constraint): Constraint[] {
  return constraint.kind === 'logical' && constraint.operator === 'and'
    ? constraint.constraints.flatMap(flattenAnd)
    : [constraint];
}

/** A text that two constraints share exactly when they mean the same. */
function canonical(constraint: Constraint): string {
  if (constraint.kind === 'logical') {
    const parts =
      constraint.operator === 'and'
        ? constraint.constraints.flatMap(flattenAnd).map(canonical)
        : constraint.constraints.map(canonical);
    if (constraint.operator !== 'andSequence') parts.sort();
    return JSON.stringify([constraint.operator, parts]);
  }
  const { leftOperand, operator, rightOperand } = constraint;
  let right: unknown = rightOperand;
  if (SET_OPERATORS.has(operator)) {
    const values = Array.isArray(rightOperand) ? rightOperand : [rightOperand];
    right = [...new Set(values.map((value) => JSON.stringify(value)))].sort();
  }
  return JSON.stringify([leftOperand, operator, right]);
}
