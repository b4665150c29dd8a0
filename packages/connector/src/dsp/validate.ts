/**
 * @module dsp/validate
 * Checks Dataspace Protocol 2025-1 messages against the normative JSON Schemas of the release
 * (`packages/connector/schemas/dsp/`, verbatim copies from eclipse-dataspace-protocol-base/
 * DataspaceProtocol@0b7ac408). Every message a node receives goes through `parseDspMessage` before
 * core's state machines see it, and the tests check that every message core builds passes.
 *
 * The schemas are JSON Schema draft 2019-09 and refer to each other by their `$id`s
 * (`https://w3id.org/dspace/2025/1/…`); all 26 are registered with one ajv (`ajv/dist/2019`) under
 * those ids, so nothing is fetched, and each is compiled once, on first use. Three transfer schemas
 * refer to `transfer-schema.json#definitions/AbstractTransferCodeMessage`, a JSON pointer without its
 * leading `/` (an upstream defect, see the schema folder's README): such references are normalised to
 * `#/definitions/…` in memory when loading; the files stay as published.
 *
 * ajv's errors are turned into problems a person can act on: a JSON pointer to the place, what is
 * wrong and what to do. Alternatives (`oneOf`, `anyOf`) become one problem naming what would satisfy
 * them, instead of one raw error per failed branch.
 *
 * @example
 * const parsed = parseDspMessage(JSON.parse(body), 'ContractRequestMessage');
 * if (!parsed.ok) return reply.status(400).send(parsed.error.map(formatDspProblem).join('\n'));
 */
import { readFileSync } from 'node:fs';
import { DSP_MESSAGE_TYPES, type DspMessage, type DspMessageType, err, ok, type Result } from '@keten/core';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';

/** Where the copied schemas are, relative to this file. */
const SCHEMAS = new URL('../../schemas/dsp/', import.meta.url);
/** The `$id` prefix of every DSP 2025-1 schema; the rest of an id is the file's path in the folder. */
const ID_PREFIX = 'https://w3id.org/dspace/2025/1/';

/** The 26 schema files of DSP 2025-1, as paths in the schema folder. */
export const DSP_SCHEMA_FILES = [
  'catalog/catalog-error-schema.json',
  'catalog/catalog-request-message-schema.json',
  'catalog/catalog-schema.json',
  'catalog/dataset-request-message-schema.json',
  'catalog/dataset-schema.json',
  'common/context-schema.json',
  'common/did-service-schema.json',
  'common/protocol-version-schema.json',
  'negotiation/contract-agreement-message-schema.json',
  'negotiation/contract-agreement-verification-message-schema.json',
  'negotiation/contract-negotiation-error-schema.json',
  'negotiation/contract-negotiation-event-message-schema.json',
  'negotiation/contract-negotiation-schema.json',
  'negotiation/contract-negotiation-termination-message-schema.json',
  'negotiation/contract-offer-message-schema.json',
  'negotiation/contract-request-message-schema.json',
  'negotiation/contract-schema.json',
  'transfer/data-address-schema.json',
  'transfer/transfer-completion-message-schema.json',
  'transfer/transfer-error-schema.json',
  'transfer/transfer-process-schema.json',
  'transfer/transfer-request-message-schema.json',
  'transfer/transfer-schema.json',
  'transfer/transfer-start-message-schema.json',
  'transfer/transfer-suspension-message-schema.json',
  'transfer/transfer-termination-message-schema.json',
] as const;
export type DspSchemaFile = (typeof DSP_SCHEMA_FILES)[number];

/** The schema of each message type `parseDspMessage` knows. */
export const DSP_MESSAGE_SCHEMAS: Readonly<Record<DspMessageType, DspSchemaFile>> = {
  CatalogRequestMessage: 'catalog/catalog-request-message-schema.json',
  DatasetRequestMessage: 'catalog/dataset-request-message-schema.json',
  Catalog: 'catalog/catalog-schema.json',
  Dataset: 'catalog/dataset-schema.json',
  CatalogError: 'catalog/catalog-error-schema.json',
  ContractRequestMessage: 'negotiation/contract-request-message-schema.json',
  ContractOfferMessage: 'negotiation/contract-offer-message-schema.json',
  ContractAgreementMessage: 'negotiation/contract-agreement-message-schema.json',
  ContractAgreementVerificationMessage: 'negotiation/contract-agreement-verification-message-schema.json',
  ContractNegotiationEventMessage: 'negotiation/contract-negotiation-event-message-schema.json',
  ContractNegotiationTerminationMessage: 'negotiation/contract-negotiation-termination-message-schema.json',
  ContractNegotiation: 'negotiation/contract-negotiation-schema.json',
  ContractNegotiationError: 'negotiation/contract-negotiation-error-schema.json',
  TransferRequestMessage: 'transfer/transfer-request-message-schema.json',
  TransferStartMessage: 'transfer/transfer-start-message-schema.json',
  TransferCompletionMessage: 'transfer/transfer-completion-message-schema.json',
  TransferSuspensionMessage: 'transfer/transfer-suspension-message-schema.json',
  TransferTerminationMessage: 'transfer/transfer-termination-message-schema.json',
  TransferProcess: 'transfer/transfer-process-schema.json',
  TransferError: 'transfer/transfer-error-schema.json',
  VersionResponse: 'common/protocol-version-schema.json',
  DidService: 'common/did-service-schema.json',
};

/** One way a message breaks DSP 2025-1. */
export interface DspProblem {
  /** JSON Pointer into the message, e.g. `/offer/permission/0/action`; empty for the message itself. */
  readonly pointer: string;
  /** What is wrong and what to do, in words. */
  readonly message: string;
  /** The schema keyword that failed (`required`, `const`, `oneOf`, …), or `type` for dispatch problems. */
  readonly keyword: string;
}

/** `/offer/@id: "@id" is missing: …` */
export function formatDspProblem(problem: DspProblem): string {
  return `${problem.pointer === '' ? '(message)' : problem.pointer}: ${problem.message}`;
}

let ajv: Ajv2019 | undefined;
const compiled = new Map<DspSchemaFile, ValidateFunction>();
/** Each loaded schema by its `$id`, and the `$id` of the file each schema object belongs to. */
const loaded = new Map<string, unknown>();
const fileOf = new WeakMap<object, string>();

function recordFile(node: unknown, id: string): void {
  if (node === null || typeof node !== 'object' || fileOf.has(node)) return;
  fileOf.set(node, id);
  for (const member of Object.values(node)) recordFile(member, id);
}

/** `#definitions/X` → `#/definitions/X` in every `$ref` (the upstream defect described above). */
function normaliseReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseReferences);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    result[key] =
      key === '$ref' && typeof member === 'string'
        ? member.replace(/#definitions\//, '#/definitions/')
        : normaliseReferences(member);
  }
  return result;
}

function loadAjv(): Ajv2019 {
  if (ajv !== undefined) return ajv;
  // `verbose` keeps each failing subschema on its error, which the problem texts read (the branches
  // of a oneOf, the allowed values of an enum). Strict mode stays on except for two harmless habits of
  // the DSP schemas: `items` under `type: string` (common/context-schema.json: strictTypes) and
  // `required` naming properties declared in a sibling subschema (the alternatives of a logical
  // constraint, negotiation/contract-schema.json: strictRequired).
  const instance = new Ajv2019({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  });
  for (const file of DSP_SCHEMA_FILES) {
    const schema = normaliseReferences(JSON.parse(readFileSync(new URL(file, SCHEMAS), 'utf8'))) as {
      $id?: string;
    };
    if (schema.$id !== `${ID_PREFIX}${file}`)
      throw new Error(
        `${file}: its $id is ${schema.$id}, not ${ID_PREFIX}${file}; the schema copy is damaged`,
      );
    instance.addSchema(schema as object);
    loaded.set(schema.$id, schema);
    recordFile(schema, schema.$id);
  }
  ajv = instance;
  return instance;
}

function validatorOf(file: DspSchemaFile): ValidateFunction {
  let validate = compiled.get(file);
  if (validate === undefined) {
    validate = loadAjv().getSchema(`${ID_PREFIX}${file}`);
    if (validate === undefined) throw new Error(`${file}: not registered`);
    compiled.set(file, validate);
  }
  return validate;
}

/** Caps the problems of one message: a catalog of 10,000 bad datasets says enough in its first 50. */
const MAX_PROBLEMS = 50;

/**
 * Checks `json` against one DSP schema file. The value is `json` itself when it conforms; otherwise
 * the problems, each with its place.
 */
export function validateDspSchema(file: DspSchemaFile, json: unknown): Result<unknown, DspProblem[]> {
  const validate = validatorOf(file);
  if (validate(json)) return ok(json);
  // ajv reports every failure (allErrors); describing the first thousand is plenty and keeps a huge
  // bad message from costing much.
  return err(describeErrors((validate.errors ?? []).slice(0, 1000)).slice(0, MAX_PROBLEMS));
}

/** The message type `json` claims to be: its `@type`, or the shape of the two objects without one. */
function claimedType(json: Record<string, unknown>): string | undefined {
  const type = json['@type'];
  if (typeof type === 'string') return type;
  if ('protocolVersions' in json) return 'VersionResponse';
  if (json.type === 'DataService' || json.type === 'CatalogService') return 'DidService';
  return undefined;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(DSP_MESSAGE_TYPES);

/**
 * Parses a DSP 2025-1 message: finds its type from `@type` (or from the shape of a VersionResponse or
 * a DID service entry, which have none) and checks it against that type's schema. `expectedType` is
 * what the endpoint expects: a message of another type is refused, and a message without `@type` is
 * checked as that type (so the problem says what it lacks).
 */
export function parseDspMessage(
  json: unknown,
  expectedType?: DspMessageType,
): Result<DspMessage, DspProblem[]> {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return err([
      {
        pointer: '',
        keyword: 'type',
        message: `a DSP message is a JSON object, not ${describeValue(json)}`,
      },
    ]);
  const typeField = (json as Record<string, unknown>)['@type'];
  if (typeField !== undefined && typeof typeField !== 'string')
    return err([
      {
        pointer: '/@type',
        keyword: 'type',
        message: `"@type" must be the message type as text (e.g. "ContractRequestMessage"), not ${describeValue(typeField)}`,
      },
    ]);
  const claimed = claimedType(json as Record<string, unknown>);
  if (claimed !== undefined && !KNOWN_TYPES.has(claimed))
    return err([
      {
        pointer: claimed === (json as Record<string, unknown>)['@type'] ? '/@type' : '',
        keyword: 'type',
        message:
          `"${claimed}" is not a DSP 2025-1 message type; ` +
          // DSP 2024-1 (the IDSA release) wrote prefixed names with the context
          // https://w3id.org/dspace/2024/1/context.json; 2025-1 compacts them away.
          (claimed.startsWith('dspace:') && KNOWN_TYPES.has(claimed.slice('dspace:'.length))
            ? `"${claimed}" is the DSP 2024-1 form: DSP 2025-1 writes "${claimed.slice('dspace:'.length)}", unprefixed, with the 2025-1 context`
            : expectedType === undefined
              ? `use one of ${DSP_MESSAGE_TYPES.join(', ')}`
              : `this endpoint expects ${expectedType}`),
      },
    ]);
  if (expectedType !== undefined && claimed !== undefined && claimed !== expectedType)
    return err([
      {
        pointer: '/@type',
        keyword: 'type',
        message: `this endpoint expects a ${expectedType}, not a ${claimed}; send it to the endpoint for ${claimed}`,
      },
    ]);
  const type = (expectedType ?? claimed) as DspMessageType | undefined;
  if (type === undefined)
    return err([
      {
        pointer: '/@type',
        keyword: 'required',
        message:
          '"@type" is missing: every DSP message names its type (ContractRequestMessage, TransferStartMessage, …); ' +
          'a VersionResponse has "protocolVersions" instead and a DID service entry "type"',
      },
    ]);
  const checked = validateDspSchema(DSP_MESSAGE_SCHEMAS[type], json);
  return checked.ok ? ok(json as DspMessage) : checked;
}

// ---------------------------------------------------------------------------------------------------
// ajv errors in words

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'the number' : typeof value === 'boolean' ? 'the value' : typeof value} ${String(value)}`;
}

/** JSON Pointer escaping of one property name (RFC 6901, section 3). */
function pointerSegment(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function quote(name: string): string {
  return `"${name}"`;
}

/** The one required property of a subschema that is nothing but `{ required: [name] }`. */
function soleRequired(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const keys = Object.keys(schema);
  const required = (schema as { required?: unknown }).required;
  if (
    keys.length === 1 &&
    Array.isArray(required) &&
    required.length === 1 &&
    typeof required[0] === 'string'
  )
    return required[0];
  return undefined;
}

/** One ajv error (not an alternative) in words. */
function simpleProblem(error: ErrorObject): DspProblem {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      return {
        pointer: `${at}/${pointerSegment(name)}`,
        keyword: 'required',
        message: `${quote(name)} is missing: add it (DSP 2025-1 requires it here)`,
      };
    }
    case 'const':
      return {
        pointer: at,
        keyword: 'const',
        message: `must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(error.data)}`,
      };
    case 'enum':
      return {
        pointer: at,
        keyword: 'enum',
        message: `${describeValue(error.data)} is not allowed: use one of ${(
          params.allowedValues as unknown[]
        )
          .map((value) => JSON.stringify(value))
          .join(', ')}`,
      };
    case 'type':
      return {
        pointer: at,
        keyword: 'type',
        message: `must be ${params.type === 'array' ? 'an array' : params.type === 'object' ? 'an object' : `a ${params.type}`}, not ${describeValue(error.data)}`,
      };
    case 'minItems':
      return {
        pointer: at,
        keyword: 'minItems',
        message: `must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}; add one or leave the property out`,
      };
    case 'contains': {
      const wanted = (error.parentSchema as { contains?: { const?: unknown } } | undefined)?.contains?.const;
      return {
        pointer: at,
        keyword: 'contains',
        message:
          wanted === undefined
            ? 'none of its items is of the kind required here'
            : `must contain ${JSON.stringify(wanted)}${at.endsWith('@context') ? ' (the DSP 2025-1 JSON-LD context)' : ''}`,
      };
    }
    case 'pattern':
      return {
        pointer: at,
        keyword: 'pattern',
        message: `${describeValue(error.data)} does not have the required form (pattern ${String(params.pattern)})${
          String(params.pattern).endsWith('/catalog$') ? ': the endpoint must end in /catalog' : ''
        }`,
      };
    case 'not': {
      const forbidden = (error.schema as { required?: unknown } | undefined)?.required;
      return {
        pointer: at,
        keyword: 'not',
        message: Array.isArray(forbidden)
          ? `must not have ${forbidden.map((name) => quote(String(name))).join(', ')} here: remove it`
          : 'has a form that is not allowed here',
      };
    }
    default:
      return { pointer: at, keyword: error.keyword, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/** Keywords whose subschemas apply to a part of the instance (a property, an item), not to the instance itself. */
const CHILD_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'items',
  'additionalItems',
  'unevaluatedItems',
  'contains',
]);

/**
 * The schema objects a subschema can reach, following `$ref`s across files: an error whose failing
 * subschema is among them was raised while checking that subschema. ajv's `schemaPath` cannot tell
 * this once a `$ref` was followed (it restarts at the referenced schema), so the objects are compared.
 * With `sameInstance`, only what applies to the instance itself (not to its properties or items):
 * a constraint that is either logical (with constraints inside) or atomic must not count the atomic
 * form's errors as the logical form's.
 */
function reachable(start: unknown, file: string, sameInstance: boolean): ReadonlySet<object> {
  const cache = sameInstance ? reachableHere : reachableBelow;
  const cached = start !== null && typeof start === 'object' ? cache.get(start) : undefined;
  if (cached !== undefined) return cached;
  const found = new Set<object>();
  const visit = (node: unknown, within: string): void => {
    if (node === null || typeof node !== 'object' || found.has(node)) return;
    found.add(node);
    for (const [key, member] of Object.entries(node)) {
      if (key === '$ref' && typeof member === 'string') {
        const [base, pointer] = member.split('#') as [string, string | undefined];
        const target = base === '' ? within : base;
        visit(resolvePointer(loaded.get(target), pointer ?? ''), target);
      } else if (key !== 'const' && key !== 'enum' && !(sameInstance && CHILD_KEYWORDS.has(key))) {
        visit(member, within);
      }
    }
  };
  visit(start, file);
  if (start !== null && typeof start === 'object') cache.set(start, found);
  return found;
}
const reachableHere = new WeakMap<object, ReadonlySet<object>>();
const reachableBelow = new WeakMap<object, ReadonlySet<object>>();

/** The node at a JSON Pointer (RFC 6901) in a schema. */
function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** The errors raised inside branch `index` of a failed alternative (they come before it). */
function branchErrors(
  alternative: ErrorObject,
  index: number,
  errors: readonly ErrorObject[],
): ErrorObject[] {
  const file = alternative.parentSchema === undefined ? undefined : fileOf.get(alternative.parentSchema);
  const branches = alternative.schema as unknown[];
  if (file === undefined) return [];
  const here = reachable(branches[index], file, true);
  const below = reachable(branches[index], file, false);
  const end = errors.indexOf(alternative);
  return errors.slice(0, end).filter((error) => {
    if (error.parentSchema === undefined) return false;
    if (error.instancePath === alternative.instancePath) return here.has(error.parentSchema);
    return error.instancePath.startsWith(`${alternative.instancePath}/`) && below.has(error.parentSchema);
  });
}

/**
 * Problems from ajv's errors. An error inside a branch of a failed `oneOf`/`anyOf` is not reported on
 * its own: the alternative is, as one problem that names what each branch lacks.
 */
function describeErrors(errors: readonly ErrorObject[]): DspProblem[] {
  const inside = new Set<ErrorObject>();
  for (const alternative of errors) {
    if (alternative.keyword !== 'oneOf' && alternative.keyword !== 'anyOf') continue;
    const branches = Array.isArray(alternative.schema) ? alternative.schema : [];
    for (let index = 0; index < branches.length; index++)
      for (const error of branchErrors(alternative, index, errors)) inside.add(error);
  }
  // The items a `contains` tried are not problems of their own: the `contains` error says what is
  // missing.
  const outermost = errors.filter((error) => !inside.has(error) && !error.schemaPath.includes('/contains/'));
  const problems: DspProblem[] = [];
  const seen = new Set<string>();
  for (const error of outermost) {
    const problem =
      error.keyword === 'oneOf' || error.keyword === 'anyOf'
        ? alternativeProblem(error, errors)
        : simpleProblem(error);
    const key = `${problem.pointer}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

/** The name of a branch that is a reference to a definition: `MessageOffer` for `#/definitions/MessageOffer`. */
function branchName(branch: unknown): string | undefined {
  const reference = (branch as { $ref?: unknown } | null)?.$ref;
  return typeof reference === 'string' ? reference.split('/').pop() : undefined;
}

/** A failed `oneOf` or `anyOf` as one problem. */
function alternativeProblem(alternative: ErrorObject, errors: readonly ErrorObject[]): DspProblem {
  const at = alternative.instancePath;
  const branches = Array.isArray(alternative.schema) ? (alternative.schema as unknown[]) : [];
  const names = branches.map(soleRequired);
  const exactly = alternative.keyword === 'oneOf';
  const passing = (alternative.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (names.every((name) => name !== undefined) && names.length > 0) {
    const listed = names.map((name) => quote(name!)).join(exactly ? ' or ' : ', ');
    if (passing !== undefined && passing !== null)
      return {
        pointer: at,
        keyword: alternative.keyword,
        message: `has ${passing.map((index) => quote(names[index]!)).join(' and ')}; exactly one of ${listed} is allowed: remove the other`,
      };
    return {
      pointer: at,
      keyword: alternative.keyword,
      message: exactly
        ? `needs exactly one of ${listed}: add one`
        : `needs at least one of ${listed}: add one`,
    };
  }
  const label = (index: number) =>
    `(${index + 1}${branchName(branches[index]) ? ` ${branchName(branches[index])}` : ''})`;
  if (passing !== undefined && passing !== null)
    return {
      pointer: at,
      keyword: alternative.keyword,
      message: `fits more than one of the ${branches.length} forms allowed here (${passing.map(label).join(' and ')}); it must fit exactly one`,
    };
  // Each branch's own problems, described relative to this place; those every branch has are said once.
  const described = branches.map((_branch, index) =>
    describeErrors(branchErrors(alternative, index, errors)).map((problem) => {
      const relative = problem.pointer.startsWith(at) ? problem.pointer.slice(at.length) : problem.pointer;
      return relative === '' ? problem.message : `${relative}: ${problem.message}`;
    }),
  );
  const common = (described[0] ?? []).filter((text) => described.every((texts) => texts.includes(text)));
  const own = described
    .map((texts, index) => ({ index, texts: texts.filter((text) => !common.includes(text)) }))
    .filter(({ texts }) => texts.length > 0 || common.length === 0)
    .map(({ index, texts }) => `${label(index)} ${texts.length === 0 ? 'does not fit' : texts.join('; ')}`);
  const parts = [
    ...(common.length > 0 ? [`in every form: ${common.join('; ')}`] : []),
    ...(own.length > 0 ? [`${common.length > 0 ? 'besides, ' : ''}${own.join(' — ')}`] : []),
  ];
  return {
    pointer: at,
    keyword: alternative.keyword,
    message: `fits none of the ${branches.length} forms allowed here: ${parts.join('; ')}`,
  };
}
