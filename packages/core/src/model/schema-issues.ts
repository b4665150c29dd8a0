/**
 * @module model/schema-issues
 * Turns zod's findings on one record into keten issues with codes and plain-word messages: unknown
 * fields with a "did you mean" against the fields allowed at that place, missing fields, wrong types,
 * values out of range; capacities and lead times get their own codes because planners know them by
 * name.
 */
import { z } from 'zod';
import type { DocumentPath, Issue, IssueCode } from './issues.ts';
import type { Locate } from './locate.ts';
import { didYouMean } from './suggest.ts';

/** An issue before it has a position: validation adds the place at the end. */
export interface IssueDraft {
  readonly path: DocumentPath;
  readonly code: IssueCode;
  readonly message: string;
  readonly severity?: 'error' | 'warning';
  /** Point at the field name rather than its value (unknown fields). */
  readonly target?: 'key' | 'value';
}

type ZodIssue = z.core.$ZodIssue;

/**
 * Issues for a record that `schema` rejected. `prefix` is the record's path in the document; zod's
 * paths are relative to the record.
 */
export function schemaIssues(
  schema: z.ZodType,
  prefix: DocumentPath,
  issues: readonly ZodIssue[],
  options: SchemaIssueOptions = {},
): IssueDraft[] {
  const drafts: IssueDraft[] = [];
  for (const issue of issues) collect(schema, prefix, issue, drafts, options);
  return drafts;
}

export interface SchemaIssueOptions {
  /**
   * `path`: name a field by its whole path (`listen.port`, `partners[0].url`), for a small document
   * such as a node's configuration; default: the field and its parent field, as planners name the
   * fields of a record (`site.country`, `capacity[3]`).
   */
  readonly labels?: 'field' | 'path';
}

function collect(
  schema: z.ZodType,
  prefix: DocumentPath,
  issue: ZodIssue,
  into: IssueDraft[],
  options: SchemaIssueOptions,
): void {
  const relative = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const path = [...prefix, ...relative];
  const label = options.labels === 'path' ? pathLabel(path) : labelOf(path);
  const input = 'input' in issue ? issue.input : undefined;
  const field = lastField(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = objectKeysAt(schema, relative);
      for (const key of issue.keys) {
        const hint = didYouMean(key, allowed);
        const list = hint === '' && allowed.length > 0 ? `; the fields here are ${allowed.join(', ')}` : '';
        into.push({
          path: [...path, key],
          code: 'unknown-field',
          message: `unknown field '${key}'${hint}${list}`,
          target: 'key',
        });
      }
      return;
    }
    case 'invalid_union':
    case 'invalid_type': {
      if (input === undefined) {
        into.push({ path, code: 'missing-field', message: `missing required field '${label}'` });
        return;
      }
      if (issue.code === 'invalid_union') {
        const branch = objectBranch(issue, input);
        if (branch !== undefined) {
          for (const inner of branch)
            collect(
              schema,
              prefix,
              { ...inner, path: [...issue.path, ...inner.path] } as ZodIssue,
              into,
              options,
            );
          return;
        }
        into.push(unionIssue(issue, path, label, input));
        return;
      }
      if (issue.expected === 'int' && typeof input === 'number') {
        if (field === 'leadTime' || field === 'due' || field === 'ttr' || field === 'maxServiceTime') {
          into.push({
            path,
            code: field === 'leadTime' ? 'lead-time' : 'invalid-value',
            message: `'${label}' must be a whole number of periods, 0 or more (it is ${input})`,
          });
        } else {
          into.push({
            path,
            code: 'invalid-value',
            message: `'${label}' must be a whole number (it is ${input})`,
          });
        }
        return;
      }
      into.push({
        path,
        code: 'wrong-type',
        message: `'${label}' must be ${expectedPhrase(issue.expected)}, not ${describeValue(input)}`,
      });
      return;
    }
    case 'invalid_value': {
      const options = issue.values.map((value) => String(value));
      const given = describeValue(input);
      if (options.length === 1) {
        into.push({
          path,
          code: 'invalid-value',
          message: `'${label}' must be '${options[0]}', not ${given}`,
        });
        return;
      }
      const hint = typeof input === 'string' ? didYouMean(input, options) : '';
      into.push({
        path,
        code: 'invalid-value',
        message: `'${label}' must be one of ${options.join(', ')}, not ${given}${hint}`,
      });
      return;
    }
    case 'too_small': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        if ((field === 'capacity' || field === 'maximumCapacity') && Number(issue.minimum) === 0) {
          into.push({
            path,
            code: 'negative-capacity',
            message: `'${label}' is ${String(input)}; a capacity cannot be negative (0 is a shutdown period)`,
          });
          return;
        }
        if (field === 'leadTime') {
          into.push({
            path,
            code: 'lead-time',
            message: `'${label}' must be a whole number of periods, 0 or more (it is ${String(input)})`,
          });
          return;
        }
        const bound = issue.inclusive ? `at least ${issue.minimum}` : `above ${issue.minimum}`;
        into.push({
          path,
          code: 'invalid-value',
          message: `${custom(issue.message, label) ?? `'${label}' must be ${bound}`} (it is ${String(input)})`,
        });
        return;
      }
      if (issue.origin === 'array') {
        into.push({
          path,
          code: 'invalid-value',
          message: custom(issue.message, label) ?? `'${label}' needs at least ${issue.minimum} entries`,
        });
        return;
      }
      into.push({
        path,
        code: 'invalid-value',
        message:
          custom(issue.message, label) ??
          (Number(issue.minimum) === 1
            ? `'${label}' cannot be empty`
            : `'${label}' must be at least ${issue.minimum} characters long`),
      });
      return;
    }
    case 'too_big': {
      const given = issue.origin === 'number' ? ` (it is ${String(input)})` : '';
      const bound =
        issue.origin === 'number'
          ? issue.inclusive
            ? `at most ${issue.maximum}`
            : `below ${issue.maximum}`
          : issue.origin === 'array'
            ? `at most ${issue.maximum} entries long`
            : `at most ${issue.maximum} characters long`;
      into.push({
        path,
        code: 'invalid-value',
        message: `${custom(issue.message, label) ?? `'${label}' must be ${bound}`}${given}`,
      });
      return;
    }
    case 'invalid_format': {
      if (issue.format === 'date' && typeof input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(input)) {
        into.push({
          path,
          code: 'invalid-date',
          message: `'${label}' is ${input}, which is not a day in the calendar`,
        });
        return;
      }
      into.push({
        path,
        code: 'invalid-value',
        message: `${custom(issue.message, label) ?? `'${label}' has the wrong format`}, not ${describeValue(input)}`,
      });
      return;
    }
    default:
      into.push({ path, code: 'invalid-value', message: `'${label}': ${issue.message}` });
  }
}

/**
 * For a group of fields that fits no branch of a union of groups (a node's `authority: { url }` or
 * `{ self }`): the findings of the one branch whose fields it uses, so they say what is wrong inside
 * it; undefined when it uses the fields of none or of several (then `unionIssue` names the choices).
 */
function objectBranch(issue: z.core.$ZodIssueInvalidUnion, input: unknown): readonly ZodIssue[] | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || issue.errors.length < 2)
    return undefined;
  if (Object.keys(input).length === 0) return undefined;
  const fitting = issue.errors.filter(
    (branch) =>
      branch.length > 0 &&
      !branch.some(
        (inner) =>
          inner.path.length === 0 && (inner.code === 'unrecognized_keys' || inner.code === 'invalid_type'),
      ),
  );
  return fitting.length === 1 ? fitting[0] : undefined;
}

/** The fields a union's branches of groups need, e.g. "url, or self" (empty when not all are groups). */
function branchFields(issue: z.core.$ZodIssueInvalidUnion): string[] {
  const fields = issue.errors.map((branch) =>
    branch
      .filter(
        (inner) => inner.code === 'invalid_type' && inner.path.length === 1 && inner.input === undefined,
      )
      .map((inner) => String(inner.path[0])),
  );
  return fields.every((names) => names.length > 0) ? fields.map((names) => names.join(' and ')) : [];
}

/** No branch of a union fit, e.g. capacity: 'ten' (zod picks the branch itself when one almost fits). */
function unionIssue(
  issue: z.core.$ZodIssueInvalidUnion,
  path: DocumentPath,
  label: string,
  input: unknown,
): IssueDraft {
  const expected = issue.errors
    .map((branch) => branch.find((inner) => inner.path.length === 0 && inner.code === 'invalid_type'))
    .map((inner) => (inner?.code === 'invalid_type' ? expectedPhrase(inner.expected) : undefined))
    .filter((phrase): phrase is string => phrase !== undefined);
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    const needs = branchFields(issue);
    if (keys.length === 0 && needs.length > 0)
      return { path, code: 'missing-field', message: `'${label}' needs ${needs.join(', or ')}` };
    // Fields of several branches given together: each branch refuses the others' fields.
    const known = issue.errors.map((branch) => {
      const refused = new Set(
        branch.flatMap((inner) =>
          inner.code === 'unrecognized_keys' && inner.path.length === 0 ? inner.keys : [],
        ),
      );
      return keys.filter((key) => !refused.has(key));
    });
    if (known.every((fields) => fields.length > 0) && new Set(known.map((f) => f.join())).size > 1)
      return {
        path,
        code: 'invalid-value',
        message: `'${label}' takes ${known.map((fields) => fields.join(' and ')).join(', or ')}, not these together`,
      };
  }
  const phrase =
    expected.length === issue.errors.length
      ? [...new Set(expected)].join(' or ').replace('a number or a list', 'a number or a list of numbers')
      : 'a valid value';
  return { path, code: 'wrong-type', message: `'${label}' must be ${phrase}, not ${describeValue(input)}` };
}

/** zod's own English messages start like this; anything else was written in the schema for people. */
const DEFAULT_MESSAGE = /^(Invalid|Too small|Too big|Unrecognized|Expected)/;

/** The schema's own message, phrased about the field; undefined for zod's generic ones. */
function custom(message: string, label: string): string | undefined {
  if (DEFAULT_MESSAGE.test(message)) return undefined;
  return message.startsWith('must ') ? `'${label}' ${message}` : message;
}

/** `capacity[3]`, `site.country`: the field and what follows it, as a planner would name it. */
function labelOf(path: DocumentPath): string {
  let start = path.length - 1;
  while (start > 0 && typeof path[start] === 'number') start--;
  // Name nested fields with their parent field (site.country, lotSize.minimum), not list positions.
  if (start > 1 && typeof path[start - 1] === 'string') start--;
  let text = '';
  for (const segment of path.slice(start)) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** `partners[0].status.forwardDepth`: the whole path. */
function pathLabel(path: DocumentPath): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text;
}

function lastField(path: DocumentPath): string | undefined {
  for (let index = path.length - 1; index >= 0; index--) {
    const segment = path[index];
    if (typeof segment === 'string') return segment;
  }
  return undefined;
}

function expectedPhrase(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'text';
    case 'array':
      return 'a list';
    case 'object':
      return 'a group of fields';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

/** How a value looks to the person who wrote it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'empty (null)';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return value === '' ? 'empty text' : `the text '${shown}'`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a group of fields';
  return typeof value;
}

/** The field names allowed at `path` inside `schema`, for "did you mean". */
export function objectKeysAt(schema: z.ZodType, path: DocumentPath): string[] {
  const current = schemaAt(schema, path);
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** The schema's own `.describe()` text of the field at `path`, if it has one (for "add it: …"). */
export function descriptionAt(schema: z.ZodType, path: DocumentPath): string | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject && typeof segment === 'string') {
      current = inner.shape[segment] as z.ZodType | undefined;
    } else if (inner instanceof z.ZodArray && typeof segment === 'number') {
      current = inner.element as z.ZodType;
    } else return undefined;
  }
  // The text may sit on the field's optional or default wrapper, or on what it wraps.
  while (current !== undefined) {
    if (current.description !== undefined) return current.description;
    const inner = unwrap(current);
    if (inner === current) return undefined;
    current = inner;
  }
  return undefined;
}

function schemaAt(schema: z.ZodType, path: DocumentPath): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current === undefined) return undefined;
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      current = unwrap(current.shape[segment] as z.ZodType | undefined);
    } else if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = unwrap(current.element as z.ZodType);
    } else return undefined;
  }
  return current;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodNullable
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The drafts as issues, each placed by `locate` (file name left empty for the caller to fill in). */
export function placeIssues(drafts: readonly IssueDraft[], locate: Locate): Issue[] {
  return drafts.map((draft) => ({
    file: '',
    ...locate(draft.path, draft.target ?? 'value'),
    path: draft.path,
    code: draft.code,
    message: draft.message,
    severity: draft.severity ?? 'error',
  }));
}
