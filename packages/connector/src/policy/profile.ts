/**
 * @module policy/profile
 * Checking an ODRL policy against the Catena-X ODRL profile (cx-odrl-profile 2025-9, the schemas in
 * `packages/connector/schemas/odrl/`, see its README), with keten's own operand checked against keten's
 * schema instead.
 *
 * The profile's whole-policy schema (`policy-schema.json`) puts `permission`, `prohibition` and
 * `obligation` outside `properties`, so it checks nothing inside the rules. This module runs it anyway
 * (it still requires the DSP policy class: an `@id`, rules with an action) and then does what it meant
 * to do: it takes every constraint, at every depth, and validates it against the profile's atomic
 * constraint definition for its place —
 * - a permission with action `access` (an access policy): `AtomicAccessPermissionConstraint`;
 * - a permission with action `use` (a usage policy): `AtomicUsagePermissionConstraint`;
 * - a prohibition: `AtomicProhibitionConstraint`; an obligation: `AtomicObligationConstraint`;
 * each together with the DSP 2025-1 `AtomicConstraint` (leftOperand, operator and rightOperand
 * required). Logical constraints may only be `and` (the profile's `*LogicalConstraint` definitions).
 * keten's `https://w3id.org/keten/policy/ForwardDepth` is checked against
 * `keten/forward-depth-constraint-schema.json`, and only in usage permissions.
 *
 * When a constraint fails, the violation names it and says why in words: an operand the profile does
 * not define, an operand in the wrong place, or the operand's own schema error (wrong operator, a
 * right operand that does not match).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { err, FORWARD_DEPTH, ok, type Result } from '@keten/core';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';

/** One way a policy breaks the profile. */
export interface ProfileViolation {
  /** Where, e.g. `permission[0].constraint[0].and[1]`; `''` for the policy itself. */
  readonly path: string;
  /** The constraint's left operand, when the violation is about a constraint. */
  readonly leftOperand?: string;
  /** What is wrong and what to do, in plain words. */
  readonly message: string;
  /** The schema file (below `schemas/odrl/`) whose rule was broken, when one was. */
  readonly schema?: string;
}

/** What a valid policy held. */
export interface ProfileReport {
  /** Atomic constraints checked against the profile's schemas. */
  readonly profileConstraints: number;
  /** Atomic constraints checked against keten's own schema (keten's operand). */
  readonly ketenConstraints: number;
}

/** Where a constraint stands, which decides the profile's definition for it. */
type Place = 'access permission' | 'usage permission' | 'prohibition' | 'obligation';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const PROFILE = 'https://w3id.org/catenax/2025/9/policy/';
const ATOMIC = `${PROFILE}schema/atomic-constraint-schemas.json`;
const DSP_ATOMIC =
  'https://w3id.org/dspace/2025/1/negotiation/contract-schema.json#/definitions/AtomicConstraint';
const KETEN_SCHEMA = 'keten/forward-depth-constraint-schema.json';
const CATENA_X_CONTEXT = 'https://w3id.org/catenax/2025/9/policy/context.jsonld';

interface Profile {
  readonly policy: ValidateFunction;
  readonly context: ValidateFunction;
  readonly places: Readonly<Record<Place, ValidateFunction>>;
  /** Each operand the profile defines: its schema file, its validator, the places that allow it. */
  readonly operands: ReadonlyMap<string, { file: string; validate: ValidateFunction; places: Place[] }>;
  readonly keten: ValidateFunction;
}

let loaded: Profile | undefined;

/** The profile's schemas, read and compiled once. A missing file is an installation bug: it throws. */
function profile(): Profile {
  if (loaded !== undefined) return loaded;
  // `strict: false`: the profile's schemas use keywords JSON Schema does not define (`minitems`,
  // `permission` beside `allOf`), which ajv's strict mode refuses; they are ignored, as by any validator.
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  const read = (file: string): { $id: string } & Record<string, unknown> =>
    JSON.parse(readFileSync(`${SCHEMAS}${file}`, 'utf8'));
  ajv.addSchema(read('dsp/negotiation/contract-schema.json'));
  const constraintFiles = readdirSync(`${SCHEMAS}odrl/constraint`)
    .filter((file) => file.endsWith('.json'))
    .sort();
  const operandSchemas = constraintFiles.map((file) => ({
    file: `constraint/${file}`,
    schema: read(`odrl/constraint/${file}`),
  }));
  for (const { schema } of operandSchemas) ajv.addSchema(schema);
  ajv.addSchema(read('odrl/atomic-constraint-schemas.json'));
  const withDsp = (definition: string) => ({
    allOf: [{ $ref: DSP_ATOMIC }, { $ref: `${ATOMIC}#/definitions/${definition}` }],
  });
  const places: Record<Place, ValidateFunction> = {
    'access permission': ajv.compile(withDsp('AtomicAccessPermissionConstraint')),
    'usage permission': ajv.compile(withDsp('AtomicUsagePermissionConstraint')),
    prohibition: ajv.compile({ $ref: `${ATOMIC}#/definitions/AtomicProhibitionConstraint` }),
    obligation: ajv.compile({ $ref: `${ATOMIC}#/definitions/AtomicObligationConstraint` }),
  };
  // Which operand each constraint schema defines (its leftOperand const), and where the profile allows it:
  // a constraint with only that operand and no other field passes the place's definition exactly when
  // the operand's schema is among the place's alternatives.
  const operands = new Map<string, { file: string; validate: ValidateFunction; places: Place[] }>();
  for (const { file, schema } of operandSchemas) {
    const name = leftOperandOf(schema);
    if (name === undefined) continue;
    const allowed = (Object.keys(places) as Place[]).filter((place) => refersTo(place, schema.$id, ajv));
    operands.set(name, {
      file,
      validate: ajv.compile({ allOf: [{ $ref: DSP_ATOMIC }, { $ref: schema.$id }] }),
      places: allowed,
    });
  }
  loaded = {
    policy: ajv.compile(read('odrl/policy-schema.json')),
    context: ajv.compile(read('odrl/context-schema.json')),
    places,
    operands,
    keten: ajv.compile(read(`odrl/${KETEN_SCHEMA}`)),
  };
  return loaded;
}

/** The `leftOperand` const a constraint schema defines, found in its definitions. */
function leftOperandOf(schema: Record<string, unknown>): string | undefined {
  const definitions = (schema.definitions ?? {}) as Record<
    string,
    { properties?: { leftOperand?: { const?: unknown } } }
  >;
  for (const definition of Object.values(definitions)) {
    const name = definition.properties?.leftOperand?.const;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

/** Whether the place's definition in atomic-constraint-schemas.json lists the schema `$id`. */
function refersTo(place: Place, id: string, ajv: Ajv2019): boolean {
  const definitions: Record<Place, string> = {
    'access permission': 'AtomicAccessPermissionConstraint',
    'usage permission': 'AtomicUsagePermissionConstraint',
    prohibition: 'AtomicProhibitionConstraint',
    obligation: 'AtomicObligationConstraint',
  };
  const schema = ajv.getSchema(`${ATOMIC}#/definitions/${definitions[place]}`)?.schema;
  return JSON.stringify(schema ?? {}).includes(`"${id}"`);
}

/**
 * Checks every constraint of a policy (compact JSON-LD, as `policyToJson` writes it) against the
 * Catena-X profile's constraint schemas, and keten's ForwardDepth against keten's schema.
 *
 * @example
 * const checked = validateAgainstCatenaXProfile(policyToJson(offer));
 * if (!checked.ok) for (const violation of checked.error) console.log(violation.path, violation.message);
 */
export function validateAgainstCatenaXProfile(
  policyJson: unknown,
): Result<ProfileReport, ProfileViolation[]> {
  const schemas = profile();
  const violations: ProfileViolation[] = [];
  if (!isObject(policyJson)) {
    return err([{ path: '', message: 'a policy is a JSON object.' }]);
  }
  if (!schemas.policy(policyJson)) {
    // Constraints are checked one by one below, with clearer words than the policy schema's.
    const outside = (schemas.policy.errors ?? []).filter(
      (error) => !error.instancePath.includes('/constraint'),
    );
    violations.push(...fromAjv(outside, '', 'policy-schema.json'));
  }
  if (policyJson['@context'] !== undefined && !schemas.context(policyJson['@context'])) {
    violations.push({
      path: '@context',
      message: `a stand-alone Catena-X policy's "@context" is a list of IRIs that includes ${CATENA_X_CONTEXT}.`,
      schema: 'context-schema.json',
    });
  }
  const counts = { profileConstraints: 0, ketenConstraints: 0 };
  const walk: Walk = { schemas, violations, counts };
  const permissions = listOf(policyJson.permission);
  const actions = new Set(permissions.map((rule) => (isObject(rule) ? rule.action : undefined)));
  const accessPolicy = actions.has('access');
  if (accessPolicy && actions.has('use')) {
    violations.push({
      path: 'permission',
      message:
        'a Catena-X policy is an access policy (action "access") or a usage policy (action "use"), not both: split it in two.',
      schema: 'policy-schema.json',
    });
  }
  permissions.forEach((rule, index) => {
    const path = `permission[${index}]`;
    const action = isObject(rule) ? rule.action : undefined;
    if (action !== 'access' && action !== 'use') {
      violations.push({
        path: `${path}.action`,
        message: `the profile's permissions have the action "access" (access policies) or "use" (usage policies), not ${JSON.stringify(action)}.`,
        schema: 'policy-schema.json',
      });
      return;
    }
    const place = action === 'access' ? 'access permission' : 'usage permission';
    if (isObject(rule)) checkList(rule.constraint, `${path}.constraint`, place, walk);
  });
  for (const kind of ['prohibition', 'obligation'] as const) {
    listOf(policyJson[kind]).forEach((rule, index) => {
      const path = `${kind}[${index}]`;
      if (accessPolicy) {
        violations.push({
          path,
          message: `an access policy has no ${kind}s (policy-schema.json: maxItems 0); move it to the usage policy.`,
          schema: 'policy-schema.json',
        });
        return;
      }
      const action = isObject(rule) ? rule.action : undefined;
      if (action !== 'use') {
        violations.push({
          path: `${path}.action`,
          message: `the profile's ${kind}s have the action "use", not ${JSON.stringify(action)}.`,
          schema: 'policy-schema.json',
        });
        return;
      }
      if (isObject(rule)) checkList(rule.constraint, `${path}.constraint`, kind, walk);
    });
  }
  return violations.length > 0 ? err(violations) : ok(counts);
}

interface Walk {
  readonly schemas: Profile;
  readonly violations: ProfileViolation[];
  readonly counts: { profileConstraints: number; ketenConstraints: number };
}

/** Checks a rule's constraints, or a logical constraint's parts. */
function checkList(list: unknown, path: string, place: Place, walk: Walk): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    walk.violations.push({
      path,
      message: `"${path.slice(path.lastIndexOf('.') + 1)}" is a list of constraints.`,
    });
    return;
  }
  list.forEach((constraint, index) => {
    checkConstraint(constraint, `${path}[${index}]`, place, walk);
  });
}

function checkConstraint(constraint: unknown, path: string, place: Place, walk: Walk): void {
  const { schemas, violations, counts } = walk;
  if (!isObject(constraint)) {
    violations.push({ path, message: 'a constraint is a JSON object.' });
    return;
  }
  const logical = ['and', 'or', 'xone', 'andSequence'].filter((key) => key in constraint);
  if (logical.length > 0) {
    if (logical.length > 1 || logical[0] !== 'and' || Object.keys(constraint).length > 1) {
      violations.push({
        path,
        message: `the profile's logical constraints are { "and": [ … ] } only (policy-schema.json *LogicalConstraint); this one has ${Object.keys(constraint).join(', ')}. Rewrite ${logical.filter((key) => key !== 'and').join(', ') || 'it'} as separate offers or an "and".`,
        schema: 'policy-schema.json',
      });
    }
    for (const key of logical) checkList(constraint[key], `${path}.${key}`, place, walk);
    return;
  }
  const leftOperand = typeof constraint.leftOperand === 'string' ? constraint.leftOperand : undefined;
  if (leftOperand === FORWARD_DEPTH) {
    counts.ketenConstraints++;
    if (place !== 'usage permission') {
      violations.push({
        path,
        leftOperand,
        message: `keten's ForwardDepth belongs in a usage permission (action "use"), not in ${article(place)}.`,
        schema: KETEN_SCHEMA,
      });
    } else if (!schemas.keten(constraint)) {
      violations.push(...fromAjv(schemas.keten.errors, path, KETEN_SCHEMA, leftOperand));
    }
    return;
  }
  counts.profileConstraints++;
  if (schemas.places[place](constraint)) return;
  const operand = leftOperand === undefined ? undefined : schemas.operands.get(leftOperand);
  if (leftOperand === undefined) {
    violations.push({
      path,
      message: 'a constraint needs a "leftOperand" (text), an "operator" and a "rightOperand".',
    });
  } else if (operand === undefined) {
    violations.push({
      path,
      leftOperand,
      message: `"${leftOperand}" is not a left operand of the Catena-X profile; in ${article(place)} it allows ${allowedIn(place, schemas)}.`,
      schema: 'atomic-constraint-schemas.json',
    });
  } else if (!operand.places.includes(place)) {
    violations.push({
      path,
      leftOperand,
      message: `the profile does not allow ${leftOperand} in ${article(place)}; it belongs in ${operand.places.map(article).join(' or ')}.`,
      schema: 'atomic-constraint-schemas.json',
    });
  } else if (!operand.validate(constraint)) {
    violations.push(...fromAjv(operand.validate.errors, path, operand.file, leftOperand));
  } else {
    // Valid for its own schema but not for the place: not expected with the 2025-9 profile; say so plainly.
    violations.push(
      ...fromAjv(schemas.places[place].errors, path, 'atomic-constraint-schemas.json', leftOperand),
    );
  }
}

function allowedIn(place: Place, schemas: Profile): string {
  const names = [...schemas.operands]
    .filter(([, operand]) => operand.places.includes(place))
    .map(([name]) => name);
  if (place === 'usage permission') names.push(`keten's ${FORWARD_DEPTH}`);
  return names.join(', ');
}

function article(place: Place): string {
  return place === 'obligation'
    ? 'an obligation'
    : place === 'access permission'
      ? 'an access permission'
      : `a ${place}`;
}

/**
 * ajv's errors as violations, in words: which field, what it must be. Alternatives (the profile's
 * `anyOf`/`oneOf` of allowed values or types) are merged into one line per field.
 */
function fromAjv(
  errors: ErrorObject[] | null | undefined,
  path: string,
  schema: string,
  leftOperand?: string,
): ProfileViolation[] {
  const byField = new Map<string, { allowed: unknown[]; types: string[]; others: string[] }>();
  for (const error of errors ?? []) {
    // anyOf/oneOf/allOf summaries repeat what their branches said.
    if (['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(error.keyword)) continue;
    const entry = byField.get(error.instancePath) ?? { allowed: [], types: [], others: [] };
    byField.set(error.instancePath, entry);
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'const') entry.allowed.push(params.allowedValue);
    else if (error.keyword === 'enum') entry.allowed.push(...(params.allowedValues as unknown[]));
    else if (error.keyword === 'type') entry.types.push(String(params.type));
    else entry.others.push(describeError(error));
  }
  const violations: ProfileViolation[] = [];
  for (const [instancePath, { allowed, types, others }] of byField) {
    const suffix = pathSuffix(instancePath);
    const where = `${path}${suffix}`.replace(/^\./, '');
    const field = suffix.replace(/^\./, '') || 'the constraint';
    const messages = [...new Set(others)];
    if (allowed.length > 0) {
      const values = [...new Set(allowed.map((value) => JSON.stringify(value)))];
      messages.push(`${field} must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}.`);
    }
    if (types.length > 0) {
      const kinds = [...new Set(types)];
      const dsp = ['string', 'object', 'array'].every((kind) => kinds.includes(kind));
      messages.push(
        `${field} must be ${kinds.join(', ').replace(/, ([^,]*)$/, ' or $1')}${dsp ? ' (DSP 2025-1 contract-schema.json: a right operand is text, an object or a list, never a JSON number)' : ''}.`,
      );
    }
    for (const message of messages) {
      violations.push({
        path: where,
        ...(leftOperand === undefined ? {} : { leftOperand }),
        message,
        schema,
      });
    }
  }
  return violations;
}

/** `/rightOperand/1` → `.rightOperand[1]`: the JSON path of an ajv instance path. */
function pathSuffix(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
}

function describeError(error: ErrorObject): string {
  const field = pathSuffix(error.instancePath).replace(/^\./, '') || 'the constraint';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'pattern':
      return `${field} must match ${String(params.pattern)}.`;
    case 'required':
      return `add "${String(params.missingProperty)}".`;
    case 'additionalProperties':
      return `"${String(params.additionalProperty)}" is not part of this constraint: remove it.`;
    case 'uniqueItems':
      return `${field} lists a value twice; list each once.`;
    default:
      return `${field} ${error.message ?? 'is not valid'}.`;
  }
}

function listOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
