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
  }
  const schema = JSON.parse(readFileSync(aspectSchemaFile(model), 'utf8')) as Record<string, unknown>;
  const validate = ajv.compile(schema);
  compiled.set(model, validate);
  return validate;
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
