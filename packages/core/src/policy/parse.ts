/**
 * @module policy/parse
 * Reading an ODRL policy from JSON: `parsePolicy` turns the compact JSON-LD form (as in DSP messages
 * and the Catena-X profile's samples) into a typed `Policy`, or returns every problem it found, each
 * with the JSON path and what to do about it. It never throws.
 *
 * Beside the compact terms (`permission`, `leftOperand`, `Offer`) it reads the prefixed and expanded
 * spellings connectors also send (`odrl:permission`, `http://www.w3.org/ns/odrl/2/permission`,
 * `cx-policy:BusinessPartnerNumber`, `{ "@id": "odrl:use" }`, `{ "@value": "…" }`), so a policy written
 * by another connector reads the same as keten's own. It checks structure, not meaning: an unknown left
 * operand parses (and is denied, with a reason, by `evaluatePolicy`); a field keten does not read (a
 * `duty`, a `refinement`) is a problem, because ignoring it could allow what its author meant to forbid.
 */

import { formatPath } from '../model/issues.ts';
import { err, ok, type Result } from '../result.ts';
import {
  CATENA_X_POLICY_NAMESPACE,
  type Constraint,
  type JsonValue,
  LOGICAL_OPERATORS,
  type LogicalOperator,
  ODRL_NAMESPACE,
  ODRL_OPERATORS,
  type Operator,
  POLICY_TYPES,
  type Policy,
  type PolicyType,
  type RightOperand,
  type Rule,
  type RuleKind,
} from './model.ts';
import { parseInstant } from './time.ts';

/** The kinds of problem `parsePolicy` reports, with what each means. */
export const POLICY_PROBLEM_CODES = {
  syntax: 'The text is not JSON.',
  'wrong-type': 'A value of the wrong kind, e.g. text where a list of rules belongs.',
  'missing-field': 'A field the policy needs is absent.',
  'unknown-field': 'A field keten does not read; ignoring it could change what the policy allows.',
  'duplicate-field': 'The same field twice, in two spellings (e.g. `permission` and `odrl:permission`).',
  'invalid-value': 'A value of the right kind outside what is allowed (an operator, a policy type, a date).',
  'too-deep': 'Logical constraints nested deeper than any policy needs.',
} as const satisfies Record<string, string>;
export type PolicyProblemCode = keyof typeof POLICY_PROBLEM_CODES;

/** One problem in a policy document. */
export interface PolicyProblem {
  /** Where, e.g. `permission[0].constraint[0].and[1].operator`; `''` for the policy itself. */
  readonly path: string;
  readonly code: PolicyProblemCode;
  /** What is wrong and what to do, in plain words. */
  readonly message: string;
}

/** Logical constraints may nest this deep; real policies use one or two levels. */
export const MAX_CONSTRAINT_DEPTH = 32;

const POLICY_FIELDS = [
  '@context',
  '@id',
  '@type',
  'profile',
  'target',
  'assigner',
  'assignee',
  'timestamp',
  'permission',
  'prohibition',
  'obligation',
] as const;
const RULE_FIELDS = ['@id', '@type', 'action', 'constraint'] as const;
const ATOMIC_FIELDS = ['@id', '@type', 'leftOperand', 'operator', 'rightOperand'] as const;

/** Prefixes whose terms mean the same as the bare compact term (ODRL and Catena-X vocabularies). */
const TERM_PREFIXES = [
  'odrl:',
  ODRL_NAMESPACE,
  'cx-policy:',
  CATENA_X_POLICY_NAMESPACE,
  // The Catena-X policy namespace before the 2025-9 profile, still written by older connectors.
  'https://w3id.org/catenax/policy/',
];

type Path = (string | number)[];
type JsonObject = { readonly [key: string]: unknown };

/**
 * Reads a policy from parsed JSON (or from JSON text). Every problem is reported, not only the first.
 *
 * @example
 * const read = parsePolicy({ '@id': 'p1', '@type': 'Offer', permission: [{ action: 'use' }] });
 * if (read.ok) read.value.permissions[0]?.action; // 'use'
 */
export function parsePolicy(json: unknown): Result<Policy, PolicyProblem[]> {
  let document = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json);
    } catch (error) {
      return err([problem([], 'syntax', `the policy is not JSON (${(error as Error).message}).`)]);
    }
  }
  const problems: PolicyProblem[] = [];
  const policy = readPolicy(document, problems);
  return policy === undefined || problems.length > 0 ? err(problems) : ok(policy);
}

function readPolicy(value: unknown, problems: PolicyProblem[]): Policy | undefined {
  if (!isObject(value)) {
    problems.push(problem([], 'wrong-type', `a policy is a JSON object, not ${describe(value)}.`));
    return undefined;
  }
  const fields = normaliseFields(value, [], POLICY_FIELDS, problems, policyFieldAdvice);
  const id = readIdentifier(fields.get('@id'), ['@id'], problems, 'the policy');
  const type = readType(fields.get('@type'), problems);
  const permissions = readRules(fields.get('permission'), 'permission', problems);
  const prohibitions = readRules(fields.get('prohibition'), 'prohibition', problems);
  const obligations = readRules(fields.get('obligation'), 'obligation', problems);
  if (permissions.length === 0 && prohibitions.length === 0 && problems.length === 0) {
    problems.push(
      problem(
        [],
        'missing-field',
        'the policy has no rule: add a "permission" (or a "prohibition"), as DSP 2025-1 requires.',
      ),
    );
  }
  const policy: { -readonly [K in keyof Policy]: Policy[K] } = {
    id: id ?? '',
    type: type ?? 'Offer',
    permissions,
    prohibitions,
    obligations,
  };
  const context = fields.get('@context');
  if (context !== undefined) policy.context = context as JsonValue;
  const profile = fields.get('profile');
  if (profile !== undefined) {
    const profiles = Array.isArray(profile) ? profile : [profile];
    if (profiles.every((entry) => typeof entry === 'string')) policy.profile = profiles as string[];
    else problems.push(problem(['profile'], 'wrong-type', 'write "profile" as an IRI or a list of IRIs.'));
  }
  for (const party of ['target', 'assigner', 'assignee'] as const) {
    const raw = fields.get(party);
    if (raw === undefined) {
      if (type === 'Agreement') {
        problems.push(
          problem(
            [party],
            'missing-field',
            `an agreement names its ${partyWord[party]}: add "${party}" (DSP 2025-1 Agreement).`,
          ),
        );
      }
      continue;
    }
    const read = readIdentifier(raw, [party], problems, `"${party}"`);
    if (read !== undefined) policy[party] = read;
  }
  const timestamp = fields.get('timestamp');
  if (timestamp !== undefined) {
    if (typeof timestamp === 'string' && parseInstant(timestamp) !== undefined) policy.timestamp = timestamp;
    else {
      problems.push(
        problem(
          ['timestamp'],
          'invalid-value',
          `"timestamp" must be an ISO 8601 date-time with a zone, e.g. "2026-11-26T09:00:00Z", not ${describe(timestamp)}.`,
        ),
      );
    }
  }
  return policy;
}

const partyWord = {
  target: 'dataset (target)',
  assigner: 'provider (assigner)',
  assignee: 'consumer (assignee)',
};

function policyFieldAdvice(key: string): string {
  if (key === 'uid') return 'write the policy id as "@id"';
  if (key === 'inheritFrom' || key === 'conflict')
    return 'keten does not support policy inheritance or conflict strategies';
  return 'remove it, or say it with a rule keten reads';
}

function readType(raw: unknown, problems: PolicyProblem[]): PolicyType | undefined {
  if (raw === undefined) {
    problems.push(
      problem(
        ['@type'],
        'missing-field',
        'say what the policy is: add "@type": "Offer", "Set" or "Agreement".',
      ),
    );
    return undefined;
  }
  const type = term(raw);
  if (type !== undefined && (POLICY_TYPES as readonly string[]).includes(type)) return type as PolicyType;
  problems.push(
    problem(
      ['@type'],
      'invalid-value',
      `"@type" must be "Offer", "Set" or "Agreement", not ${describe(raw)}.`,
    ),
  );
  return undefined;
}

function readRules(raw: unknown, kind: RuleKind, problems: PolicyProblem[]): Rule[] {
  if (raw === undefined) return [];
  // JSON-LD writes a one-element set either as a list or as the element itself.
  const entries = Array.isArray(raw) ? raw : [raw];
  const rules: Rule[] = [];
  entries.forEach((entry, index) => {
    const path = Array.isArray(raw) ? [kind, index] : [kind];
    const rule = readRule(entry, path, problems);
    if (rule !== undefined) rules.push(rule);
  });
  return rules;
}

function readRule(raw: unknown, path: Path, problems: PolicyProblem[]): Rule | undefined {
  if (!isObject(raw)) {
    problems.push(
      problem(
        path,
        'wrong-type',
        `a rule is an object with an "action" and constraints, not ${describe(raw)}.`,
      ),
    );
    return undefined;
  }
  const fields = normaliseFields(raw, path, RULE_FIELDS, problems, ruleFieldAdvice);
  const action = term(fields.get('action'));
  if (action === undefined || action === '') {
    const found = fields.get('action');
    problems.push(
      found === undefined
        ? problem([...path, 'action'], 'missing-field', 'add the rule\'s "action", e.g. "use" or "access".')
        : problem(
            [...path, 'action'],
            'wrong-type',
            `an action is a term such as "use", not ${describe(found)}.`,
          ),
    );
  }
  const constraints = readConstraintList(
    fields.get('constraint'),
    [...path, 'constraint'],
    problems,
    0,
    false,
  );
  return action === undefined ? undefined : { action, constraints };
}

function ruleFieldAdvice(key: string): string {
  if (key === 'duty')
    return 'keten does not read duties inside a rule: state them as the policy\'s "obligation"';
  if (key === 'target' || key === 'assigner' || key === 'assignee')
    return `state "${key}" once, on the policy itself`;
  return 'remove it, or express it as a constraint';
}

function readConstraintList(
  raw: unknown,
  path: Path,
  problems: PolicyProblem[],
  depth: number,
  mustHaveOne: boolean,
): Constraint[] {
  if (raw === undefined) return [];
  const entries = Array.isArray(raw) ? raw : [raw];
  if (mustHaveOne && entries.length === 0) {
    problems.push(
      problem(
        path,
        'invalid-value',
        'a logical constraint over an empty list is vacuous; list at least one constraint, or remove it.',
      ),
    );
  }
  const constraints: Constraint[] = [];
  entries.forEach((entry, index) => {
    const constraint = readConstraint(entry, Array.isArray(raw) ? [...path, index] : path, problems, depth);
    if (constraint !== undefined) constraints.push(constraint);
  });
  return constraints;
}

function readConstraint(
  raw: unknown,
  path: Path,
  problems: PolicyProblem[],
  depth: number,
): Constraint | undefined {
  if (!isObject(raw)) {
    problems.push(
      problem(
        path,
        'wrong-type',
        `a constraint is an object ({ "leftOperand", "operator", "rightOperand" } or { "and": [...] }), not ${describe(raw)}.`,
      ),
    );
    return undefined;
  }
  const logicalKeys = Object.keys(raw).filter((key) => {
    const name = term(key);
    return name !== undefined && (LOGICAL_OPERATORS as readonly string[]).includes(name);
  });
  if (logicalKeys.length > 0) return readLogical(raw, logicalKeys, path, problems, depth);
  const fields = normaliseFields(raw, path, ATOMIC_FIELDS, problems, () => 'remove it');
  const leftOperand = term(fields.get('leftOperand'));
  const operatorTerm = term(fields.get('operator'));
  const right = fields.get('rightOperand');
  let valid = true;
  if (leftOperand === undefined || leftOperand === '') {
    valid = false;
    const found = fields.get('leftOperand');
    problems.push(
      found === undefined
        ? problem(
            [...path, 'leftOperand'],
            'missing-field',
            'add the "leftOperand", e.g. "BusinessPartnerNumber".',
          )
        : problem(
            [...path, 'leftOperand'],
            'wrong-type',
            `a left operand is a term, not ${describe(found)}.`,
          ),
    );
  }
  let operator: Operator | undefined;
  if (operatorTerm !== undefined && (ODRL_OPERATORS as readonly string[]).includes(operatorTerm)) {
    operator = operatorTerm as Operator;
  } else {
    valid = false;
    const found = fields.get('operator');
    problems.push(
      found === undefined
        ? problem([...path, 'operator'], 'missing-field', 'add the "operator", e.g. "eq" or "isAnyOf".')
        : problem(
            [...path, 'operator'],
            'invalid-value',
            `${describe(found)} is not an ODRL operator; use one of ${ODRL_OPERATORS.join(', ')}.`,
          ),
    );
  }
  let rightOperand: RightOperand | undefined;
  if (right === undefined) {
    valid = false;
    problems.push(
      problem(
        [...path, 'rightOperand'],
        'missing-field',
        'add the "rightOperand": the value to compare with.',
      ),
    );
  } else {
    rightOperand = readRightOperand(right, [...path, 'rightOperand'], problems);
    if (rightOperand === undefined) valid = false;
  }
  if (!valid || leftOperand === undefined || operator === undefined || rightOperand === undefined)
    return undefined;
  return { kind: 'atomic', leftOperand, operator, rightOperand };
}

function readLogical(
  raw: JsonObject,
  logicalKeys: string[],
  path: Path,
  problems: PolicyProblem[],
  depth: number,
): Constraint | undefined {
  const others = Object.keys(raw).filter(
    (key) => !logicalKeys.includes(key) && key !== '@type' && key !== '@id',
  );
  if (logicalKeys.length > 1 || others.length > 0) {
    problems.push(
      problem(
        path,
        'invalid-value',
        `a logical constraint has exactly one of "and", "or", "xone", "andSequence" and nothing else; this one has ${[...logicalKeys, ...others].map((key) => `"${key}"`).join(', ')}. Split it into nested constraints.`,
      ),
    );
    return undefined;
  }
  const key = logicalKeys[0] as string;
  const operator = term(key) as LogicalOperator;
  if (depth + 1 > MAX_CONSTRAINT_DEPTH) {
    problems.push(
      problem(
        path,
        'too-deep',
        `logical constraints are nested more than ${MAX_CONSTRAINT_DEPTH} levels deep; flatten them.`,
      ),
    );
    return undefined;
  }
  const list = raw[key];
  if (!Array.isArray(list)) {
    problems.push(
      problem(
        [...path, operator],
        'wrong-type',
        `"${operator}" takes a list of constraints, not ${describe(list)}.`,
      ),
    );
    return undefined;
  }
  const before = problems.length;
  const constraints = readConstraintList(list, [...path, operator], problems, depth + 1, true);
  if (problems.length > before) return undefined;
  return { kind: 'logical', operator, constraints };
}

function readRightOperand(raw: unknown, path: Path, problems: PolicyProblem[]): RightOperand | undefined {
  const scalar = (value: unknown): string | number | boolean | undefined => {
    const unwrapped = isObject(value) ? (value['@value'] ?? value['@id']) : value;
    if (
      isObject(value) &&
      Object.keys(value).some((key) => key !== '@value' && key !== '@id' && key !== '@type')
    )
      return undefined;
    if (typeof unwrapped === 'string' || typeof unwrapped === 'boolean') return unwrapped;
    if (typeof unwrapped === 'number' && Number.isFinite(unwrapped)) return unwrapped;
    return undefined;
  };
  if (Array.isArray(raw)) {
    const values: (string | number | boolean)[] = [];
    for (const [index, entry] of raw.entries()) {
      const value = scalar(entry);
      if (value === undefined) {
        problems.push(
          problem(
            [...path, index],
            'wrong-type',
            `a right operand list holds text, numbers or true/false, not ${describe(entry)}.`,
          ),
        );
        return undefined;
      }
      values.push(value);
    }
    return values;
  }
  const value = scalar(raw);
  if (value === undefined) {
    problems.push(
      problem(
        path,
        'wrong-type',
        `a right operand is text, a number, true/false or a list of them, not ${describe(raw)}.`,
      ),
    );
  }
  return value;
}

function readIdentifier(
  raw: unknown,
  path: Path,
  problems: PolicyProblem[],
  what: string,
): string | undefined {
  if (raw === undefined) {
    problems.push(problem(path, 'missing-field', `${what} needs an identifier: add "${path.join('.')}".`));
    return undefined;
  }
  const id =
    typeof raw === 'string' ? raw : isObject(raw) && typeof raw['@id'] === 'string' ? raw['@id'] : undefined;
  if (id === undefined || id === '') {
    problems.push(
      problem(path, 'wrong-type', `${what}: an identifier is non-empty text, not ${describe(raw)}.`),
    );
    return undefined;
  }
  return id;
}

/**
 * The fields of an object under their compact names; unknown and doubled fields are problems. `advice`
 * says what to do about an unknown field.
 */
function normaliseFields(
  raw: JsonObject,
  path: Path,
  known: readonly string[],
  problems: PolicyProblem[],
  advice: (key: string) => string,
): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const name = key.startsWith('@') ? key : (term(key) ?? key);
    if (!known.includes(name)) {
      problems.push(
        problem([...path, key], 'unknown-field', `keten does not read "${key}" here: ${advice(name)}.`),
      );
      continue;
    }
    if (fields.has(name)) {
      problems.push(
        problem([...path, key], 'duplicate-field', `"${name}" is given twice (as "${key}" too); keep one.`),
      );
      continue;
    }
    fields.set(name, value);
  }
  return fields;
}

/** A term without its vocabulary prefix: `odrl:use` → `use`, `{ "@id": "cx-policy:Membership" }` → `Membership`. */
function term(raw: unknown): string | undefined {
  const text =
    typeof raw === 'string' ? raw : isObject(raw) && typeof raw['@id'] === 'string' ? raw['@id'] : undefined;
  if (text === undefined) return undefined;
  for (const prefix of TERM_PREFIXES) {
    if (text.startsWith(prefix) && text.length > prefix.length) return text.slice(prefix.length);
  }
  return text;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}

function problem(path: Path, code: PolicyProblemCode, message: string): PolicyProblem {
  return { path: formatPath(path), code, message };
}
