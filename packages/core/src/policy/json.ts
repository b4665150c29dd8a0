/**
 * @module policy/json
 * Writing a policy as compact JSON-LD, the form DSP messages carry and the Catena-X profile's schemas
 * check: `{ "@id", "@type", "permission": [{ "action", "constraint": [...] }], ... }`. `parsePolicy`
 * reads back exactly what `policyToJson` writes. Also the one-line rendering of a constraint that
 * decisions and differences use (`BusinessPartnerNumber isAnyOf [BPNL…, BPNL…]`).
 */

import type { Constraint, JsonValue, Policy, RightOperand, Rule } from './model.ts';

/** A policy as a JSON object (rules with no entries are left out, as DSP requires non-empty lists). */
export function policyToJson(policy: Policy): { [key: string]: JsonValue } {
  const json: { [key: string]: JsonValue } = {};
  if (policy.context !== undefined) json['@context'] = policy.context;
  json['@id'] = policy.id;
  json['@type'] = policy.type;
  if (policy.profile !== undefined) json.profile = [...policy.profile];
  if (policy.target !== undefined) json.target = policy.target;
  if (policy.assigner !== undefined) json.assigner = policy.assigner;
  if (policy.assignee !== undefined) json.assignee = policy.assignee;
  if (policy.timestamp !== undefined) json.timestamp = policy.timestamp;
  if (policy.permissions.length > 0) json.permission = policy.permissions.map(ruleToJson);
  if (policy.prohibitions.length > 0) json.prohibition = policy.prohibitions.map(ruleToJson);
  if (policy.obligations.length > 0) json.obligation = policy.obligations.map(ruleToJson);
  return json;
}

function ruleToJson(rule: Rule): { [key: string]: JsonValue } {
  const json: { [key: string]: JsonValue } = { action: rule.action };
  if (rule.constraints.length > 0) json.constraint = rule.constraints.map(constraintToJson);
  return json;
}

/** One constraint as compact JSON. */
export function constraintToJson(constraint: Constraint): { [key: string]: JsonValue } {
  if (constraint.kind === 'logical') {
    return { [constraint.operator]: constraint.constraints.map(constraintToJson) };
  }
  return {
    leftOperand: constraint.leftOperand,
    operator: constraint.operator,
    rightOperand: rightOperandToJson(constraint.rightOperand),
  };
}

function rightOperandToJson(value: RightOperand): JsonValue {
  return Array.isArray(value) ? [...value] : (value as JsonValue);
}

/** A constraint in one line, e.g. `UsagePurpose isAnyOf [cx.dcm.base:1]` or `and(…; …)`. */
export function formatConstraint(constraint: Constraint): string {
  if (constraint.kind === 'logical') {
    return `${constraint.operator}(${constraint.constraints.map(formatConstraint).join('; ')})`;
  }
  return `${constraint.leftOperand} ${constraint.operator} ${formatRightOperand(constraint.rightOperand)}`;
}

/** A right operand as people read it: `[a, b]` for lists, the value itself otherwise. */
export function formatRightOperand(value: RightOperand): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}
