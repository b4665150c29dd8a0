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
import { ASPECT_MODELS, type AspectModel, err, ok, type Result } from '@keten/core';
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
    // of a forecast are 1,326 comparisons, a twentieth of a received message's CPU).
    ajv.removeKeyword('uniqueItems');
    ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', validate: uniqueItems });
  }
  const schema = JSON.parse(readFileSync(aspectSchemaFile(model), 'utf8')) as Record<string, unknown>;
  const validate = ajv.compile(schema);
  compiled.set(model, validate);
  return validate;
}

/** Caps the problems of one payload: a list of 10,000 bad entries says enough in its first 100. */
/** JSON Schema `uniqueItems`: no two items equal as JSON values (objects whatever their key order). */
function uniqueItems(this: unknown, schema: boolean, data: unknown[]): boolean {
  const validate = uniqueItems as { errors?: Partial<ErrorObject>[] };
  validate.errors = [];
  if (!schema) return true;
  const seen = new Map<string, number>();
  for (const [index, item] of data.entries()) {
    const key = JSON.stringify(item, sortedKeys);
    const first = seen.get(key);
    if (first !== undefined) {
      validate.errors = [
        {
          keyword: 'uniqueItems',
          message: `must NOT have duplicate items (items ## ${first} and ${index} are identical)`,
          params: { i: index, j: first },
        },
      ];
      return false;
    }
    seen.set(key, index);
  }
  return true;
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
