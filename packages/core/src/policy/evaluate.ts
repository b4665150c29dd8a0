/**
 * @module policy/evaluate
 * Judging one request against one policy, transparently: `evaluatePolicy` lists every constraint with
 * its outcome and, when it denies, which constraints failed and why, in plain words
 * ("BusinessPartnerNumber must be one of BPNL000000000001 but the requester is BPNL0000000000AB").
 *
 * The rules (ODRL 2.2 Information Model §2.5–2.6, https://www.w3.org/TR/odrl-model/, read for a
 * single request):
 * - a permission grants the request when its action covers the request's action (`use` covers using
 *   and passing on, `access` covers catalog access) and every one of its constraints holds;
 * - a prohibition forbids the request when its action covers it and all its constraints hold;
 * - the request is allowed when some permission grants it and no prohibition forbids it;
 * - logical constraints: `and` and `andSequence` hold when all parts hold, `or` when at least one does,
 *   `xone` when exactly one does (§2.5.5);
 * - an agreement binds only its assignee, and a policy with a target only that dataset;
 * - passing data on needs a `ForwardDepth` that allows it: a permission without one allows no
 *   passing on, so data that came through an intermediary is denied too;
 * - anything keten cannot judge (an unknown left operand, operator or action) denies, never allows.
 * Obligations are reported with their state; they do not decide an access.
 */

import { formatConstraint } from './json.ts';
import { type Constraint, FORWARD_DEPTH, type Policy, type Rule, type RuleKind } from './model.ts';
import { judgeConstraint, type OperandContext, type OperandVerdict } from './operands.ts';
import type { PolicyRequest, RequestAction } from './request.ts';

/**
 * The outcome of one check. In permissions and obligations `satisfied` means the constraint holds; in a
 * prohibition it means the prohibition's condition matches the request. `not-applicable`: a contract
 * term inside a prohibition, which cannot match a single access. `unknown`: keten cannot judge it.
 */
export type CheckOutcome = 'satisfied' | 'failed' | 'not-applicable' | 'unknown';

/** One line of a decision: a constraint (or a check keten adds, such as the assignee) and its outcome. */
export interface ConstraintCheck {
  /** Where in the policy, e.g. `permission[0].constraint[0].and[1]`. */
  readonly path: string;
  /** The rule the check belongs to, or `policy` for the policy's own target and assignee. */
  readonly rule: RuleKind | 'policy';
  /** The constraint in one line, e.g. `UsagePurpose isAnyOf [cx.dcm.base:1]`. */
  readonly constraint: string;
  readonly outcome: CheckOutcome;
  /** What the outcome rests on: the request, a contract term, logic over parts, or the policy's shape. */
  readonly basis: 'request' | 'contract' | 'logic' | 'policy';
  /** Why, in plain words. */
  readonly reason: string;
}

/** What one rule came to. */
export interface RuleResult {
  readonly path: string;
  readonly kind: RuleKind;
  readonly action: string;
  /** Whether the rule's action covers the request's action. */
  readonly covers: boolean;
  /**
   * `grants` / `does-not-grant` (permissions), `forbids` / `does-not-forbid` (prohibitions),
   * `in-force` / `not-in-force` (obligations), `not-relevant` when its action does not cover the request.
   */
  readonly result:
    | 'grants'
    | 'does-not-grant'
    | 'forbids'
    | 'does-not-forbid'
    | 'in-force'
    | 'not-in-force'
    | 'not-relevant';
}

interface DecisionBase {
  /** Every check: the scope (target, assignee) first, then each constraint at every depth in document order. */
  readonly checks: readonly ConstraintCheck[];
  readonly rules: readonly RuleResult[];
  /** The obligations that come with the data, one line each. */
  readonly obligations: readonly string[];
}

export interface PolicyAllowed extends DecisionBase {
  readonly allowed: true;
  /** The permission that grants the request, e.g. `permission[0]`. */
  readonly grantedBy: string;
}

export interface PolicyDenied extends DecisionBase {
  readonly allowed: false;
  /** Why, in plain words, the most decisive first. */
  readonly reasons: readonly string[];
  /** The checks behind the denial. */
  readonly failed: readonly ConstraintCheck[];
}

export type PolicyDecision = PolicyAllowed | PolicyDenied;

/** The request actions each rule action covers. `use` is ODRL's most general action. */
const ACTION_COVERS: Readonly<Record<string, readonly RequestAction[]>> = {
  use: ['use', 'forward'],
  access: ['access'],
};

interface Evaluated {
  /** Whether the constraint counts as true for its rule. */
  readonly value: boolean;
  readonly outcome: CheckOutcome;
  /** The failing (or, in a prohibition, matching) checks below, for reasons. */
  readonly explanation: readonly ConstraintCheck[];
}

/**
 * Judges `request` against `policy`. Pure and total: it never throws, whatever the request holds.
 *
 * @example
 * const decision = evaluatePolicy(agreement, {
 *   action: 'use', requester: { bpnl: 'BPNL0000000000AB', membership: { status: 'valid' } },
 *   purpose: 'cx.dcm.base:1', at: clock.now(), tierDepth: 0,
 * });
 * if (!decision.allowed) console.log(decision.reasons.join('\n'));
 */
export function evaluatePolicy(policy: Policy, request: PolicyRequest): PolicyDecision {
  const checks: ConstraintCheck[] = [];
  const rules: RuleResult[] = [];
  const reasons: string[] = [];
  const failed: ConstraintCheck[] = [];
  const obligations: string[] = [];
  const deny = (check: ConstraintCheck, reason = check.reason): void => {
    failed.push(check);
    reasons.push(reason);
  };

  // The policy's own scope: its dataset and, for an agreement, its consumer.
  if (policy.target !== undefined && request.target !== undefined) {
    const same = policy.target === request.target;
    const check = policyCheck(
      'target',
      `target ${policy.target}`,
      same,
      same
        ? `the policy covers dataset ${policy.target}, the one asked for.`
        : `this policy covers dataset ${policy.target}, not ${request.target}.`,
    );
    checks.push(check);
    if (!same) deny(check);
  }
  if (policy.type === 'Agreement') {
    const { bpnl, did } = request.requester;
    const assignee = policy.assignee;
    const same = assignee !== undefined && (assignee === bpnl || (did !== undefined && assignee === did));
    const who = did === undefined ? bpnl : `${bpnl}, ${did}`;
    const check = policyCheck(
      'assignee',
      `assignee ${assignee ?? '(none)'}`,
      same,
      same
        ? `the agreement was concluded with the requester (${who}).`
        : `this agreement was concluded with ${assignee ?? 'nobody'}, not with the requester (${who}).`,
    );
    checks.push(check);
    if (!same) deny(check);
  }

  // Permissions (checks in document order: permissions, prohibitions, obligations); one that grants
  // is enough. Their reasons come last: a prohibition or the policy's scope is the more decisive.
  let grantedBy: string | undefined;
  const refusals: { path: string; checks: ConstraintCheck[] }[] = [];
  policy.permissions.forEach((rule, index) => {
    const path = `permission[${index}]`;
    const covers = coversAction(rule.action, request.action);
    const parts = judgeAll(rule, path, 'permission', policy, request, checks);
    if (!covers) {
      if (!Object.hasOwn(ACTION_COVERS, rule.action))
        checks.push(actionCheck(path, 'permission', rule.action));
      rules.push({ path, kind: 'permission', action: rule.action, covers, result: 'not-relevant' });
      return;
    }
    const reasonsHere = parts.flatMap((part) => (part.value ? [] : part.explanation));
    const forwarding = forwardingCheck(rule, path, request);
    if (forwarding !== undefined) {
      checks.push(forwarding);
      reasonsHere.push(forwarding);
    }
    const grants = reasonsHere.length === 0 && parts.every((part) => part.value);
    rules.push({
      path,
      kind: 'permission',
      action: rule.action,
      covers,
      result: grants ? 'grants' : 'does-not-grant',
    });
    if (grants) grantedBy ??= path;
    else refusals.push({ path, checks: reasonsHere });
  });

  // Prohibitions: one that applies denies, whatever the permissions say.
  policy.prohibitions.forEach((rule, index) => {
    const path = `prohibition[${index}]`;
    const covers = coversAction(rule.action, request.action);
    const known = Object.hasOwn(ACTION_COVERS, rule.action);
    const parts = judgeAll(rule, path, 'prohibition', policy, request, checks);
    const unknowns = parts.flatMap((part) => part.explanation.filter((check) => check.outcome === 'unknown'));
    if (!known) {
      const check = actionCheck(path, 'prohibition', rule.action);
      checks.push(check);
      deny(
        check,
        `${path} forbids "${rule.action}", an action keten does not know, so keten cannot rule out that it forbids this request.`,
      );
      rules.push({ path, kind: 'prohibition', action: rule.action, covers: false, result: 'forbids' });
      return;
    }
    if (!covers) {
      rules.push({ path, kind: 'prohibition', action: rule.action, covers, result: 'not-relevant' });
      return;
    }
    // An empty list of constraints makes the prohibition unconditional (ODRL 2.2 §2.6).
    const applies = parts.every((part) => part.value) || unknowns.length > 0;
    rules.push({
      path,
      kind: 'prohibition',
      action: rule.action,
      covers,
      result: applies ? 'forbids' : 'does-not-forbid',
    });
    if (!applies) return;
    if (unknowns.length > 0) {
      for (const check of unknowns) deny(check, `${path} may forbid this request: ${check.reason}`);
      return;
    }
    const matched = parts.flatMap((part) => part.explanation);
    const because =
      matched.length === 0 ? 'unconditionally.' : matched.map((check) => check.reason).join(' ');
    const summary: ConstraintCheck = {
      path,
      rule: 'prohibition',
      constraint: `prohibition of ${rule.action}`,
      outcome: 'failed',
      basis: 'policy',
      reason: `${path} forbids ${describeAction(request.action)}: ${because}`,
    };
    checks.push(summary);
    failed.push(...matched);
    deny(summary);
  });

  // Obligations: reported; an obligation keten cannot read denies.
  policy.obligations.forEach((rule, index) => {
    const path = `obligation[${index}]`;
    const parts = judgeAll(rule, path, 'obligation', policy, request, checks);
    const known = Object.hasOwn(ACTION_COVERS, rule.action);
    const inForce = parts.every((part) => part.value);
    rules.push({
      path,
      kind: 'obligation',
      action: rule.action,
      covers: known,
      result: inForce ? 'in-force' : 'not-in-force',
    });
    const text = rule.constraints.map(formatConstraint).join('; ');
    obligations.push(
      `${path} (${rule.action}${text === '' ? '' : `: ${text}`}): ${inForce ? 'in force' : 'no longer in force'}`,
    );
    if (!known) {
      const check = actionCheck(path, 'obligation', rule.action);
      checks.push(check);
      deny(
        check,
        `${path} is a duty to "${rule.action}", an action keten does not know, so keten cannot tell what the consumer would be bound to.`,
      );
    }
    for (const part of parts) {
      for (const check of part.explanation) {
        if (check.outcome === 'unknown') deny(check, `${path}: ${check.reason}`);
      }
    }
  });

  if (grantedBy === undefined) {
    if (refusals.length === 0) {
      const granted = policy.permissions.map((rule) => rule.action);
      const reason =
        granted.length === 0
          ? `the policy grants nothing: it has no permission.`
          : `no permission covers ${describeAction(request.action)}: the policy's permissions are for ${[...new Set(granted)].join(', ')}.`;
      const check = policyCheck('permission', 'a permission for the request', false, reason);
      checks.push(check);
      deny(check);
    }
    for (const refusal of refusals) {
      const prefix = refusals.length > 1 ? `${refusal.path}: ` : '';
      for (const check of refusal.checks) deny(check, `${prefix}${check.reason}`);
    }
  }

  if (grantedBy !== undefined && reasons.length === 0) {
    return { allowed: true, grantedBy, checks, rules, obligations };
  }
  return { allowed: false, reasons: dedupe(reasons), failed, checks, rules, obligations };
}

function judgeAll(
  rule: Rule,
  path: string,
  kind: RuleKind,
  policy: Policy,
  request: PolicyRequest,
  checks: ConstraintCheck[],
): Evaluated[] {
  const context: OperandContext = { request, policy, rule: kind };
  return rule.constraints.map((constraint, index) =>
    judge(constraint, `${path}.constraint[${index}]`, kind, context, checks),
  );
}

/** Judges a constraint and everything below it, appending checks in document order. */
function judge(
  constraint: Constraint,
  path: string,
  kind: RuleKind,
  context: OperandContext,
  checks: ConstraintCheck[],
): Evaluated {
  if (constraint.kind === 'atomic') {
    const verdict = judgeConstraint(constraint, context);
    const outcome = outcomeOf(verdict, kind);
    const check: ConstraintCheck = {
      path,
      rule: kind,
      constraint: formatConstraint(constraint),
      outcome,
      basis: verdict.verdict === 'contract' ? 'contract' : 'request',
      reason: verdict.reason,
    };
    checks.push(check);
    const value = outcome === 'satisfied';
    // In a permission the failures explain; in a prohibition the matches do.
    const explains = kind === 'prohibition' ? value || outcome === 'unknown' : !value;
    return { value, outcome, explanation: explains ? [check] : [] };
  }
  const index = checks.length;
  const parts = constraint.constraints.map((part, position) =>
    judge(part, `${path}.${constraint.operator}[${position}]`, kind, context, checks),
  );
  const count = parts.filter((part) => part.value).length;
  const unknowns = parts.flatMap((part) => part.explanation.filter((check) => check.outcome === 'unknown'));
  // For `or` and `xone` the parts' own reasons do not say enough: the check says what was needed.
  const alternatives = parts
    .flatMap((part, position) =>
      part.explanation.length > 0
        ? part.explanation.map((child) => `(${position + 1}) ${child.reason}`)
        : [`(${position + 1}) holds.`],
    )
    .join(' ');
  let value: boolean;
  let reason: string;
  switch (constraint.operator) {
    case 'and':
    case 'andSequence':
      value = count === parts.length;
      reason = value
        ? `all ${parts.length} parts hold.`
        : `${parts.length - count} of ${parts.length} parts do not hold.`;
      break;
    case 'or':
      value = count > 0;
      reason = value
        ? `${count} of ${parts.length} alternatives hold.`
        : `none of the alternatives holds: ${alternatives}`;
      break;
    case 'xone':
      value = count === 1;
      reason = value
        ? 'exactly one of the alternatives holds.'
        : `exactly one of the alternatives must hold, but ${count} do: ${alternatives}`;
      break;
  }
  if (unknowns.length > 0) value = false;
  const outcome: CheckOutcome =
    unknowns.length > 0
      ? 'unknown'
      : value
        ? 'satisfied'
        : parts.some((part) => part.outcome === 'failed')
          ? 'failed'
          : 'not-applicable';
  const check: ConstraintCheck = {
    path,
    rule: kind,
    constraint: `${constraint.operator} of ${parts.length}`,
    outcome,
    basis: 'logic',
    reason,
  };
  checks.splice(index, 0, check);
  let explanation: readonly ConstraintCheck[];
  if (unknowns.length > 0) explanation = unknowns;
  else if (kind === 'prohibition') explanation = value ? parts.flatMap((part) => part.explanation) : [];
  else if (value) explanation = [];
  else if (constraint.operator === 'and' || constraint.operator === 'andSequence') {
    explanation = parts.flatMap((part) => part.explanation);
  } else explanation = [check];
  return { value, outcome, explanation };
}

function outcomeOf(verdict: OperandVerdict, kind: RuleKind): CheckOutcome {
  switch (verdict.verdict) {
    case 'holds':
      return 'satisfied';
    case 'fails':
      return 'failed';
    case 'contract':
      return kind === 'prohibition' ? 'not-applicable' : 'satisfied';
    case 'unknown':
      return 'unknown';
  }
}

/**
 * keten's rule for passing data on: the permission must say how far (a ForwardDepth constraint). When it
 * does not, the data may not be passed on, and data that arrived through an intermediary may not be used.
 */
function forwardingCheck(rule: Rule, path: string, request: PolicyRequest): ConstraintCheck | undefined {
  const passedOn = request.action === 'forward' || (request.action === 'use' && request.tierDepth !== 0);
  if (!passedOn || rule.constraints.some(mentionsForwardDepth)) return undefined;
  const reason =
    request.action === 'forward'
      ? `${path} does not say how far the data may be passed on (it has no ${FORWARD_DEPTH} constraint), so it may not be passed on.`
      : `the data reached the requester ${request.tierDepth} tier(s) beyond its first recipient, but ${path} allows no passing on (it has no ${FORWARD_DEPTH} constraint).`;
  return {
    path,
    rule: 'permission',
    constraint: `${FORWARD_DEPTH} (absent)`,
    outcome: 'failed',
    basis: 'policy',
    reason,
  };
}

function mentionsForwardDepth(constraint: Constraint): boolean {
  return constraint.kind === 'atomic'
    ? constraint.leftOperand === FORWARD_DEPTH
    : constraint.constraints.some(mentionsForwardDepth);
}

function coversAction(ruleAction: string, requested: RequestAction): boolean {
  return Object.hasOwn(ACTION_COVERS, ruleAction) && (ACTION_COVERS[ruleAction] ?? []).includes(requested);
}

function describeAction(action: RequestAction): string {
  return action === 'forward'
    ? 'passing the data on'
    : action === 'access'
      ? 'access to the offer'
      : 'use of the data';
}

function actionCheck(path: string, rule: RuleKind, action: string): ConstraintCheck {
  return {
    path: `${path}.action`,
    rule,
    constraint: `action ${action}`,
    outcome: 'unknown',
    basis: 'policy',
    reason: `keten does not know the action "${action}" (it reads ${Object.keys(ACTION_COVERS).join(', ')}).`,
  };
}

function policyCheck(path: string, constraint: string, holds: boolean, reason: string): ConstraintCheck {
  return {
    path,
    rule: 'policy',
    constraint,
    outcome: holds ? 'satisfied' : 'failed',
    basis: 'policy',
    reason,
  };
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** A decision as text: the verdict, the reasons, then every check (for logs, the CLI and audit trails). */
export function formatDecision(decision: PolicyDecision): string {
  const lines = decision.allowed
    ? [`allowed by ${decision.grantedBy}`]
    : ['denied:', ...decision.reasons.map((reason) => `  - ${reason}`)];
  lines.push('checks:');
  for (const check of decision.checks) {
    lines.push(`  ${check.outcome.padEnd(14)} ${check.path}: ${check.constraint} — ${check.reason}`);
  }
  if (decision.obligations.length > 0) {
    lines.push('obligations:', ...decision.obligations.map((line) => `  ${line}`));
  }
  return lines.join('\n');
}
