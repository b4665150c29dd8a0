/**
 * @module payloads/validate
 * Checks a Catena-X aspect payload against the model's published JSON Schema
 * (`packages/connector/schemas/catena-x/`, verbatim copies from eclipse-tractusx/sldt-semantic-models).
 * Every payload a node sends is checked before it leaves, and every payload it receives before core's
 * parsers see it: the schemas are the contract with the rest of the Catena-X data space.
 *
 * The schemas declare JSON Schema draft-04, so they are compiled with `ajv-draft-04` (ajv 8's
 * draft-04 class) and `ajv-formats` (`date`, `date-time`); each model is compiled once, on first use.
 * Their SAMM annotations (`x-samm-aspect-model-urn`) and the `components` container of their
 * definitions are declared as annotation keywords, so ajv stays in strict mode for everything else.
 *
 * @example
 * const checked = validateAspectPayload('WeekBasedMaterialDemand', JSON.parse(body));
 * if (!checked.ok) for (const problem of checked.error) console.log(formatAspectPayloadProblem(problem));
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ASPECT_MODELS, type AspectModel, err, ok, type Result, sameValue } from '@keten/core';
import type { ErrorObject, ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import AjvFormats from 'ajv-formats';

// Both are CommonJS modules whose `module.exports` is the class (plugin) with itself as `.default`.
const Ajv = AjvDraft04.default;
const addFormats = AjvFormats.default;

/** Where the copied schemas are, relative to this file. */
const SCHEMAS = new URL('../../schemas/catena-x/', import.meta.url);

/** The schema file of a model: `<namespace>/<version>/<Model>-schema.json`. */
export function aspectSchemaFile(model: AspectModel): string {
  const { namespace, version } = ASPECT_MODELS[model];
  return fileURLToPath(new URL(`${namespace}/${version}/${model}-schema.json`, SCHEMAS));
}

/** One way a payload breaks its model's schema. */
export interface AspectPayloadProblem {
  readonly model: AspectModel;
  /** JSON Pointer into the payload, e.g. `/demandSeries/0/customerLocation`; empty for the root. */
  readonly path: string;
  /** The schema keyword that failed: `required`, `pattern`, `enum`, `type`, `format`, ... */
  readonly keyword: string;
  /** What is wrong, with the value that was expected where the schema says it. */
  readonly message: string;
}

/** `WeekBasedMaterialDemand /demandSeries/0/customerLocation: must match pattern "^BPNS..."` */
export function formatAspectPayloadProblem(problem: AspectPayloadProblem): string {
  return `${problem.model} ${problem.path === '' ? '(payload)' : problem.path}: ${problem.message}`;
}

let ajv: InstanceType<typeof Ajv> | undefined;
const compiled = new Map<AspectModel, ValidateFunction>();

function validatorOf(model: AspectModel): ValidateFunction {
  const known = compiled.get(model);
  if (known !== undefined) return known;
  if (ajv === undefined) {
    ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv, ['date', 'date-time']);
    ajv.addKeyword('x-samm-aspect-model-urn');
    ajv.addKeyword('components');
    // The same rule in linear time: ajv compares every pair of items with a deep equality (52 weeks
    // of a forecast are 1,326 comparisons, a twentieth of a received message's CPU); canonical texts
    // of every item cost a fifth of it still, so items are hashed and compared only on equal hashes.
    ajv.removeKeyword('uniqueItems');
    ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', validate: uniqueItems });
  }
  const schema = JSON.parse(readFileSync(aspectSchemaFile(model), 'utf8')) as Record<string, unknown>;
  const validate = ajv.compile(schema);
  compiled.set(model, validate);
  return validate;
}

/**
 * JSON Schema `uniqueItems`: no two items equal as JSON values (objects whatever their key order).
 * Each item gets a structural hash (equal values, equal hashes) and is compared in full, with a deep
 * equality, only with the earlier items of the same hash: one walk over the array's values, no text
 * made. A bucket of many equal hashes (crafted collisions) sends the array to canonical texts instead,
 * so the time stays linear.
 */
function uniqueItems(this: unknown, schema: boolean, data: unknown[]): boolean {
  const validate = uniqueItems as { errors?: Partial<ErrorObject>[] };
  validate.errors = [];
  if (!schema) return true;
  const duplicate = firstDuplicate(data);
  if (duplicate === undefined) return true;
  validate.errors = [
    {
      keyword: 'uniqueItems',
      message: `must NOT have duplicate items (items ## ${duplicate.first} and ${duplicate.index} are identical)`,
      params: { i: duplicate.index, j: duplicate.first },
    },
  ];
  return false;
}

/** Items in one hash bucket past which the canonical texts decide. */
const MAX_BUCKET = 32;

/** The first item equal to an earlier one, and that earlier one; undefined when all differ. */
export function firstDuplicate(data: readonly unknown[]): { first: number; index: number } | undefined {
  const buckets = new Map<number, number[]>();
  for (let index = 0; index < data.length; index++) {
    const item = data[index];
    const hash = jsonHash(item);
    const bucket = buckets.get(hash);
    if (bucket === undefined) {
      buckets.set(hash, [index]);
      continue;
    }
    for (const first of bucket) if (sameValue(data[first], item)) return { first, index };
    if (bucket.length >= MAX_BUCKET) return firstDuplicateByText(data);
    bucket.push(index);
  }
  return undefined;
}

function firstDuplicateByText(data: readonly unknown[]): { first: number; index: number } | undefined {
  const seen = new Map<string, number>();
  for (let index = 0; index < data.length; index++) {
    const key = JSON.stringify(data[index], sortedKeys);
    const first = seen.get(key);
    if (first !== undefined) return { first, index };
    seen.set(key, index);
  }
  return undefined;
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

/** A 32-bit hash of a JSON value: equal values (object members in any order, 0 and -0) hash equal. */
function jsonHash(value: unknown): number {
  if (value === null) return 0x6a09e667;
  switch (typeof value) {
    case 'string':
      return stringHash(value, 0x3c6ef372);
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 0x7fffffff
        ? mix(value | 0)
        : stringHash(String(value), 0x510e527f);
    case 'boolean':
      return value ? 0x1f83d9ab : 0x5be0cd19;
    case 'object': {
      if (Array.isArray(value)) {
        let hash = 0x243f6a88 ^ value.length;
        for (const item of value) hash = Math.imul(hash ^ jsonHash(item), 0x01000193);
        return mix(hash);
      }
      // Members summed: the same hash in any key order.
      let sum = 0x13198a2e;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record))
        sum = (sum + mix(stringHash(key, 0x9b05688c) ^ Math.imul(jsonHash(record[key]), 0x85ebca6b))) | 0;
      return mix(sum ^ 0x7a5e);
    }
    default:
      return 0;
  }
}

function stringHash(text: string, seed: number): number {
  let hash = seed ^ text.length;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash;
}

/** murmur3's finaliser: spreads every input bit over the whole word. */
function mix(value: number): number {
  let hash = value;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) | 0;
}

/** Caps the problems of one payload: a list of 10,000 bad entries says enough in its first 100. */
const MAX_PROBLEMS = 100;

/**
 * Checks `payload` (parsed JSON) against the schema of `model`. The value is the payload itself,
 * unchanged, when it conforms; otherwise every problem ajv finds (at most 100), each with its path.
 */
export function validateAspectPayload(
  model: AspectModel,
  payload: unknown,
): Result<unknown, AspectPayloadProblem[]> {
  const validate = validatorOf(model);
  if (validate(payload)) return ok(payload);
  return err((validate.errors ?? []).slice(0, MAX_PROBLEMS).map((error) => problemOf(model, error)));
}

function problemOf(model: AspectModel, error: ErrorObject): AspectPayloadProblem {
  let message = error.message ?? 'does not match the schema';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message += `: ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    message += `: '${params.additionalProperty}'`;
  }
  return { model, path: error.instancePath, keyword: error.keyword, message };
}
